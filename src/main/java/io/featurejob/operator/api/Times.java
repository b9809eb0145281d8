package io.featurejob.operator.api;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

/** Status times are RFC 3339 strings in UTC with second precision, as Kubernetes writes them. */
public final class Times {
  private Times() {}

  public static String format(Instant t) {
    return t == null ? null : t.truncatedTo(ChronoUnit.SECONDS).toString();
  }

  public static Instant parse(String text) {
    return text == null || text.isEmpty() ? null : Instant.parse(text);
  }
}
