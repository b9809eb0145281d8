package io.featurejob.operator.api;

import java.time.Duration;
import java.util.regex.Matcher;

/** Parses and prints durations the way Kubernetes users write them: 90s, 10m, 1h30m, 1.5h, 250ms. */
public final class GoDuration {
  private static final java.util.regex.Pattern WHOLE = java.util.regex.Pattern.compile(Defaults.DURATION_PATTERN);
  private static final java.util.regex.Pattern PART =
      java.util.regex.Pattern.compile("([0-9]+(?:\\.[0-9]+)?)(ms|s|m|h)");

  private static final Duration MAX = Duration.ofHours(Defaults.MAX_DURATION_HOURS);

  private GoDuration() {}

  /** @throws IllegalArgumentException with a user-facing message when the text is not a duration. */
  public static Duration parse(String text) {
    if (text == null || !WHOLE.matcher(text).matches()) {
      throw new IllegalArgumentException("'" + text + "' is not a duration (use e.g. 90s, 10m, 1h30m)");
    }
    Matcher m = PART.matcher(text);
    double millis = 0;
    while (m.find()) {
      double value = Double.parseDouble(m.group(1));
      millis += switch (m.group(2)) {
        case "ms" -> value;
        case "s" -> value * 1_000;
        case "m" -> value * 60_000;
        default -> value * 3_600_000;
      };
    }
    Duration parsed = Duration.ofMillis(Math.round(millis));
    if (parsed.compareTo(MAX) > 0) {
      // Bounded so that a start time plus any duration of the spec stays a valid Instant.
      throw new IllegalArgumentException("'" + text + "' is longer than " + Defaults.MAX_DURATION);
    }
    return parsed;
  }

  /** Compact form for messages: 1h30m, 10m, 45s, 0s. */
  public static String format(Duration d) {
    long s = Math.max(0, d.toSeconds());
    if (s == 0) {
      return d.toMillis() > 0 ? d.toMillis() + "ms" : "0s";
    }
    StringBuilder out = new StringBuilder();
    if (s >= 3600) out.append(s / 3600).append('h');
    if (s % 3600 >= 60) out.append(s % 3600 / 60).append('m');
    if (s % 60 > 0) out.append(s % 60).append('s');
    return out.toString();
  }
}
