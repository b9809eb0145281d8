package io.featurejob.operator.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.featurejob.operator.api.FeatureJobSpec;
import java.time.Instant;
import java.time.ZoneId;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The daily table answers exactly what cron-utils answers, for the shapes it takes on. */
class ScheduleTest {

  @ParameterizedTest(name = "{0} in {1}: daily table {2}")
  @CsvSource(delimiter = ';', value = {
      "*/5 * * * *; UTC; true",
      "3-59/5 * * * *; UTC; true",
      "5/15 * * * *; UTC; true",
      "17 * * * *; UTC; true",
      "0 */6 * * *; UTC; true",
      "17 3-23/6 * * *; UTC; true",
      "0,30 9-17 * * *; UTC; true",
      "45 23 * * *; UTC; true",
      "@hourly; UTC; true",
      "@daily; UTC; true",
      "10 4 * * *; +05:30; true",
      "10 4 * * *; Europe/Berlin; false",
      "0 0 * * 1; UTC; false",
      "0 0 1 * *; UTC; false",
  })
  void sameTicksAsCronUtils(String cron, String zone, boolean table) {
    Schedule fast = Schedule.parse(cron, ZoneId.of(zone));
    Schedule slow = fast.withoutDailyTable();
    assertEquals(table, fast.usesDailyTable());
    assertFalse(slow.usesDailyTable());
    SplittableRandom random = new SplittableRandom(cron.hashCode());
    long from = Instant.parse("2026-01-01T00:00:00Z").getEpochSecond();
    for (int i = 0; i < 80; i++) {
      Instant t = Instant.ofEpochSecond(from + random.nextLong(400L * 86_400));
      Instant onTick = slow.tickAtOrBefore(t).orElseThrow();
      for (Instant q : new Instant[] {t, onTick, onTick.plusNanos(1), onTick.minusNanos(1)}) {
        assertEquals(slow.tickAtOrBefore(q), fast.tickAtOrBefore(q), "tickAtOrBefore " + q);
        assertEquals(slow.tickBefore(q), fast.tickBefore(q), "tickBefore " + q);
        assertEquals(slow.tickAfter(q), fast.tickAfter(q), "tickAfter " + q);
      }
    }
    assertTrue(fast.periodAround(Instant.EPOCH).equals(slow.periodAround(Instant.EPOCH)));
  }

  /** A date that never occurs must be a spec problem (SpecValid=False), not an exception in every reconcile. */
  @ParameterizedTest(name = "{0} never fires")
  @CsvSource(delimiter = ';', value = {"0 0 30 2 *", "0 0 31 4 *", "0 0 31 11 *"})
  void aScheduleThatNeverFiresIsInvalid(String cron) {
    FeatureJobSpec spec = PolicyFixtures.hourly();
    spec.schedule = cron;
    SpecResolver.Result r = PolicyFixtures.RESOLVER.resolve(spec);
    assertFalse(r.valid());
    assertTrue(String.join("; ", r.errors()).contains("never fires"), r.errors().toString());
  }

  @ParameterizedTest(name = "{0} fires")
  @CsvSource(delimiter = ';', value = {"0 0 29 2 *", "0 0 31 * *", "0 0 30 1-3 *"})
  void aRareScheduleStillFires(String cron) {
    assertTrue(PolicyFixtures.RESOLVER.resolve(withSchedule(cron)).valid(), cron);
  }

  private static FeatureJobSpec withSchedule(String cron) {
    FeatureJobSpec spec = PolicyFixtures.hourly();
    spec.schedule = cron;
    return spec;
  }
}
