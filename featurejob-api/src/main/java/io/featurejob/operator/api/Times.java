package io.featurejob.operator.api;

import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;

/**
 * Status times are RFC 3339 strings in UTC with second precision, as Kubernetes writes them.
 *
 * <p>The exact shape this class writes ({@code 2026-01-05T10:20:00Z}) is read and written by hand:
 * the decision core handles a dozen of these per decision, and java.time's formatter took most of a
 * decision's time when the simulator replays months of runs. Any other text goes to java.time, so
 * results and errors are the same (TimesTest compares both ways).
 */
public final class Times {
  private Times() {}

  public static String format(Instant t) {
    if (t == null) {
      return null;
    }
    long seconds = t.getEpochSecond();
    long day = Math.floorDiv(seconds, 86_400);
    int secondOfDay = (int) Math.floorMod(seconds, 86_400);
    LocalDate date = LocalDate.ofEpochDay(day);
    if (date.getYear() < 1000 || date.getYear() > 9999) {
      return t.truncatedTo(ChronoUnit.SECONDS).toString();
    }
    char[] out = new char[20];
    digits(out, 0, date.getYear(), 4);
    out[4] = '-';
    digits(out, 5, date.getMonthValue(), 2);
    out[7] = '-';
    digits(out, 8, date.getDayOfMonth(), 2);
    out[10] = 'T';
    digits(out, 11, secondOfDay / 3600, 2);
    out[13] = ':';
    digits(out, 14, secondOfDay / 60 % 60, 2);
    out[16] = ':';
    digits(out, 17, secondOfDay % 60, 2);
    out[19] = 'Z';
    return new String(out);
  }

  /** {@code t} rounded up to a whole second: an instant that {@link #format} writes exactly. */
  public static Instant ceilToSecond(Instant t) {
    Instant floor = t.truncatedTo(ChronoUnit.SECONDS);
    return floor.equals(t) ? t : floor.plusSeconds(1);
  }

  public static Instant parse(String text) {
    if (text == null || text.isEmpty()) {
      return null;
    }
    Instant fast = parseSimple(text);
    return fast != null ? fast : Instant.parse(text);
  }

  /** {@code yyyy-MM-ddTHH:mm:ssZ} with valid fields, else null (left to java.time). */
  private static Instant parseSimple(String s) {
    if (s.length() != 20 || s.charAt(4) != '-' || s.charAt(7) != '-' || s.charAt(10) != 'T' || s.charAt(13) != ':'
        || s.charAt(16) != ':' || s.charAt(19) != 'Z') {
      return null;
    }
    int year = number(s, 0, 4);
    int month = number(s, 5, 2);
    int day = number(s, 8, 2);
    int hour = number(s, 11, 2);
    int minute = number(s, 14, 2);
    int second = number(s, 17, 2);
    if (year < 0 || month < 1 || month > 12 || day < 1 || hour < 0 || hour > 23 || minute < 0 || minute > 59
        || second < 0 || second > 59 || day > LocalDate.of(year, month, 1).lengthOfMonth()) {
      return null;
    }
    long epochDay = LocalDate.of(year, month, day).toEpochDay();
    return Instant.ofEpochSecond(epochDay * 86_400 + hour * 3600L + minute * 60L + second);
  }

  private static int number(String s, int from, int length) {
    int v = 0;
    for (int i = from; i < from + length; i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      v = v * 10 + (c - '0');
    }
    return v;
  }

  private static void digits(char[] out, int at, int value, int length) {
    for (int i = at + length - 1; i >= at; i--) {
      out[i] = (char) ('0' + value % 10);
      value /= 10;
    }
  }
}
