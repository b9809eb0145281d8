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
import java.util.Map;
import java.util.Optional;

/** A cron schedule evaluated in a time zone; tick k owns the window [tick k-1, tick k). */
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

  private final String expression;
  private final ExecutionTime executionTime;
  private final ZoneId zone;

  private Schedule(String expression, ExecutionTime executionTime, ZoneId zone) {
    this.expression = expression;
    this.executionTime = executionTime;
    this.zone = zone;
  }

  /** @throws IllegalArgumentException with a user-facing message for a bad expression. */
  public static Schedule parse(String expression, ZoneId zone) {
    String cron = MACROS.getOrDefault(expression.trim(), expression.trim());
    try {
      Cron parsed = PARSER.parse(cron);
      parsed.validate();
      return new Schedule(expression, ExecutionTime.forCron(parsed), zone);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("schedule '" + expression + "' is not a valid cron expression: " + e.getMessage());
    }
  }

  public String expression() {
    return expression;
  }

  /** The newest tick at or before {@code t}. */
  public Optional<Instant> tickAtOrBefore(Instant t) {
    ZonedDateTime z = t.atZone(zone);
    if (executionTime.isMatch(z.withNano(0)) && z.getSecond() == 0 && z.getNano() == 0) {
      return Optional.of(t);
    }
    return executionTime.lastExecution(z).map(ZonedDateTime::toInstant);
  }

  /** The first tick strictly after {@code t}. */
  public Optional<Instant> tickAfter(Instant t) {
    return executionTime.nextExecution(t.atZone(zone)).map(ZonedDateTime::toInstant);
  }

  /** The first tick strictly before {@code t}. */
  public Optional<Instant> tickBefore(Instant t) {
    return executionTime.lastExecution(t.atZone(zone)).map(ZonedDateTime::toInstant);
  }

  /** Length of the window that ends at the first tick after {@code t}: the schedule's period there. */
  public Duration periodAround(Instant t) {
    Instant next = tickAfter(t).orElseThrow();
    Instant previous = tickBefore(next).orElseThrow();
    return Duration.between(previous, next);
  }
}
