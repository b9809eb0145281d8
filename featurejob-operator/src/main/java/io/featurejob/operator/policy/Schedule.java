package io.featurejob.operator.policy;

import com.cronutils.model.Cron;
import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;

/**
 * A cron schedule evaluated in a time zone; tick k owns the window [tick k-1, tick k).
 *
 * <p>cron-utils takes 0.1-2 ms per previous/next-tick query. The common shapes (every N minutes,
 * hourly, every N hours, daily: day-of-month, month and day-of-week all {@code *}) in a fixed-offset
 * zone such as UTC fire at the same minutes every day, so those are answered from a table of minutes
 * of the day instead; ScheduleTest checks the table against cron-utils. Everything else asks cron-utils.
 */
public final class Schedule {
  private static final CronParser PARSER =
      new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX));
  private static final Map<String, String> MACROS = Map.of(
      "@yearly", "0 0 1 1 *",
      "@annually", "0 0 1 1 *",
      "@monthly", "0 0 1 * *",
      "@weekly", "0 0 * * 0",
      "@daily", "0 0 * * *",
      "@midnight", "0 0 * * *",
      "@hourly", "0 * * * *");

  private static final long DAY = 86_400;
  private static final java.util.regex.Pattern FIELD_PART = java.util.regex.Pattern.compile("^(\\*|(\\d+)(?:-(\\d+))?)(?:/(\\d+))?$");

  private final String expression;
  private final ExecutionTime executionTime;
  private final ZoneId zone;
  /** Sorted minutes of the day at which the schedule fires every day; null = ask cron-utils. */
  private final int[] dailyMinutes;
  private final long offsetSeconds;

  private Schedule(String expression, ExecutionTime executionTime, ZoneId zone, int[] dailyMinutes) {
    this.expression = expression;
    this.executionTime = executionTime;
    this.zone = zone;
    this.dailyMinutes = zone.getRules().isFixedOffset() ? dailyMinutes : null;
    this.offsetSeconds = zone.getRules().getOffset(Instant.EPOCH).getTotalSeconds();
  }

  /** @throws IllegalArgumentException with a user-facing message for a bad expression. */
  public static Schedule parse(String expression, ZoneId zone) {
    String cron = MACROS.getOrDefault(expression.trim(), expression.trim());
    ExecutionTime executionTime;
    try {
      Cron parsed = PARSER.parse(cron);
      parsed.validate();
      executionTime = ExecutionTime.forCron(parsed);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("schedule '" + expression + "' is not a valid cron expression: " + e.getMessage());
    }
    // A day that no month has (30 February, 31 April) parses but never fires: nothing would ever run.
    if (executionTime.nextExecution(Instant.EPOCH.atZone(zone)).isEmpty()) {
      throw new IllegalArgumentException("schedule '" + expression + "' never fires (no such date)");
    }
    return new Schedule(expression, executionTime, zone, dailyMinutes(cron));
  }

  public String expression() {
    return expression;
  }

  /** The same schedule answered by cron-utils alone (to check the daily table against). */
  Schedule withoutDailyTable() {
    return new Schedule(expression, executionTime, zone, null);
  }

  boolean usesDailyTable() {
    return dailyMinutes != null;
  }

  /** The newest tick at or before {@code t}. */
  public Optional<Instant> tickAtOrBefore(Instant t) {
    if (dailyMinutes != null) {
      return Optional.of(dailyBefore(t, false));
    }
    ZonedDateTime z = t.atZone(zone);
    if (executionTime.isMatch(z.withNano(0)) && z.getSecond() == 0 && z.getNano() == 0) {
      return Optional.of(t);
    }
    return executionTime.lastExecution(z).map(ZonedDateTime::toInstant);
  }

  /** The first tick strictly after {@code t}. */
  public Optional<Instant> tickAfter(Instant t) {
    if (dailyMinutes != null) {
      return Optional.of(dailyAfter(t));
    }
    return executionTime.nextExecution(t.atZone(zone)).map(ZonedDateTime::toInstant);
  }

  /** The first tick strictly before {@code t}. */
  public Optional<Instant> tickBefore(Instant t) {
    if (dailyMinutes != null) {
      return Optional.of(dailyBefore(t, true));
    }
    return executionTime.lastExecution(t.atZone(zone)).map(ZonedDateTime::toInstant);
  }

  /** Length of the window that ends at the first tick after {@code t}: the schedule's period there. */
  public Duration periodAround(Instant t) {
    Instant next = tickAfter(t).orElseThrow();
    Instant previous = tickBefore(next).orElseThrow();
    return Duration.between(previous, next);
  }

  // ---------------------------------------------------------------- the daily table

  /** The newest tick before t ({@code strict}) or at or before t. */
  private Instant dailyBefore(Instant t, boolean strict) {
    long day = Math.floorDiv(t.getEpochSecond() + offsetSeconds, DAY);
    for (long d = day; ; d--) {
      for (int i = dailyMinutes.length - 1; i >= 0; i--) {
        Instant tick = tickOn(d, dailyMinutes[i]);
        int c = tick.compareTo(t);
        if (c < 0 || (c == 0 && !strict)) {
          return tick;
        }
      }
    }
  }

  /** The first tick strictly after t. */
  private Instant dailyAfter(Instant t) {
    long day = Math.floorDiv(t.getEpochSecond() + offsetSeconds, DAY);
    for (long d = day; ; d++) {
      for (int minute : dailyMinutes) {
        Instant tick = tickOn(d, minute);
        if (tick.isAfter(t)) {
          return tick;
        }
      }
    }
  }

  private Instant tickOn(long localDay, int minuteOfDay) {
    return Instant.ofEpochSecond(localDay * DAY + minuteOfDay * 60L - offsetSeconds);
  }

  /**
   * Minutes of the day of a 5-field expression whose day-of-month, month and day-of-week are all
   * {@code *}; null for any other shape or for field syntax beyond numbers, ranges, lists and steps.
   */
  static int[] dailyMinutes(String cron) {
    String[] f = cron.trim().split("\\s+");
    if (f.length != 5 || !"*".equals(f[2]) || !"*".equals(f[3]) || !"*".equals(f[4])) {
      return null;
    }
    boolean[] minutes = field(f[0], 59);
    boolean[] hours = field(f[1], 23);
    if (minutes == null || hours == null) {
      return null;
    }
    int[] table = new int[24 * 60];
    int n = 0;
    for (int h = 0; h < 24; h++) {
      for (int m = 0; m < 60; m++) {
        if (hours[h] && minutes[m]) {
          table[n++] = h * 60 + m;
        }
      }
    }
    return n == 0 ? null : Arrays.copyOf(table, n);
  }

  /** Values of one field in 0..max: {@code *}, {@code a}, {@code a-b}, each with an optional {@code /step}, comma-separated. */
  private static boolean[] field(String text, int max) {
    boolean[] set = new boolean[max + 1];
    for (String part : text.split(",", -1)) {
      Matcher m = FIELD_PART.matcher(part);
      if (!m.matches()) {
        return null;
      }
      int step = m.group(4) == null ? 1 : Integer.parseInt(m.group(4));
      int from = m.group(2) == null ? 0 : Integer.parseInt(m.group(2));
      int to = m.group(2) == null ? max : m.group(3) != null ? Integer.parseInt(m.group(3))
          : m.group(4) != null ? max : from; // "a/s" runs from a to the end of the range
      if (step < 1 || from > to || to > max) {
        return null;
      }
      for (int v = from; v <= to; v += step) {
        set[v] = true;
      }
    }
    return set;
  }
}
