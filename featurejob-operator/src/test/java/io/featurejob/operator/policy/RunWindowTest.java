package io.featurejob.operator.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.time.ZoneId;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RunWindowTest {
  private static final Schedule HOURLY = Schedule.parse("@hourly", ZoneId.of("UTC"));
  private static final Instant CREATED = Instant.parse("2026-11-23T10:20:00Z");

  @ParameterizedTest(name = "last end {0}, now {1} -> [{2}, {3}) {4} windows, {5} skipped")
  @CsvSource({
      // a new job runs the newest complete window right away
      ",                     2026-11-23T10:20:00Z, 2026-11-23T09:00:00Z, 2026-11-23T10:00:00Z, 1, 0",
      // one window later
      "2026-11-23T10:00:00Z, 2026-11-23T11:00:30Z, 2026-11-23T10:00:00Z, 2026-11-23T11:00:00Z, 1, 0",
      // missed windows are coalesced into one run
      "2026-11-23T10:00:00Z, 2026-11-23T15:05:00Z, 2026-11-23T10:00:00Z, 2026-11-23T15:00:00Z, 5, 0",
      // at most maxCatchUpWindows (here 24), the newest ones; older are skipped and counted
      "2026-11-20T10:00:00Z, 2026-11-23T10:05:00Z, 2026-11-22T10:00:00Z, 2026-11-23T10:00:00Z, 24, 48",
  })
  void dueWindow(String lastEnd, String now, String start, String end, int windows, long skipped) {
    Optional<RunWindow> w = RunWindow.due(HOURLY, lastEnd == null ? null : Instant.parse(lastEnd), CREATED,
        Instant.parse(now), 24);
    assertTrue(w.isPresent());
    assertEquals(new RunWindow(Instant.parse(start), Instant.parse(end), windows, skipped), w.get());
  }

  @Test
  void nothingDueBeforeTheNextTick() {
    assertTrue(RunWindow.due(HOURLY, Instant.parse("2026-11-23T10:00:00Z"), CREATED,
        Instant.parse("2026-11-23T10:59:59Z"), 24).isEmpty());
  }

  @Test
  void runIdNamesTheWindowStart() {
    assertEquals("20261123-0900",
        new RunWindow(Instant.parse("2026-11-23T09:00:00Z"), Instant.parse("2026-11-23T10:00:00Z"), 1, 0).runId());
  }

  @Test
  void timeZoneShiftsDailyTicks() {
    Schedule daily = Schedule.parse("0 2 * * *", ZoneId.of("Europe/Berlin"));
    assertEquals(Instant.parse("2026-11-23T01:00:00Z"), daily.tickAtOrBefore(Instant.parse("2026-11-23T05:00:00Z")).get());
  }
}
