package io.featurejob.operator.policy;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Optional;

/**
 * The data window one run materializes: [start, end), made of {@code windows} schedule periods.
 * {@code skipped} counts older missed windows left out because of maxCatchUpWindows.
 */
public record RunWindow(Instant start, Instant end, int windows, long skipped) {
  private static final DateTimeFormatter RUN_ID = DateTimeFormatter.ofPattern("yyyyMMdd-HHmm").withZone(ZoneOffset.UTC);
  /** Walking more ticks than this to count skipped windows is pointless; the count says "at least". */
  static final int MAX_COUNTED_TICKS = 100_000;

  /** Run ids name the window start, so every retry of the same data keeps its id. */
  public String runId() {
    return RUN_ID.format(start);
  }

  /**
   * The window due at {@code now}, if any. A new job's first window is the newest complete one at
   * creation (so it runs right away); afterwards runs continue from the last successful window end.
   * Missed windows are coalesced into one run of at most {@code maxCatchUp} windows, the newest ones.
   */
  public static Optional<RunWindow> due(Schedule schedule, Instant lastSuccessfulWindowEnd, Instant createdAt,
      Instant now, int maxCatchUp) {
    Optional<Instant> newestTick = schedule.tickAtOrBefore(now);
    if (newestTick.isEmpty()) {
      return Optional.empty();
    }
    Instant end = newestTick.get();
    Instant base = lastSuccessfulWindowEnd;
    if (base == null) {
      Optional<Instant> firstEnd = schedule.tickAtOrBefore(createdAt);
      if (firstEnd.isEmpty()) {
        return Optional.empty();
      }
      base = schedule.tickBefore(firstEnd.get()).orElse(firstEnd.get());
    }
    if (!end.isAfter(base)) {
      return Optional.empty();
    }
    // Walk back from the newest tick: at most maxCatchUp windows, never past the base.
    Instant start = end;
    int windows = 0;
    while (windows < maxCatchUp && start.isAfter(base)) {
      start = schedule.tickBefore(start).orElse(base);
      windows++;
    }
    if (start.isBefore(base)) {
      start = base;
    }
    long skipped = 0;
    for (Instant t = start; t.isAfter(base) && skipped < MAX_COUNTED_TICKS; skipped++) {
      t = schedule.tickBefore(t).orElse(base);
    }
    return Optional.of(new RunWindow(start, end, windows, skipped));
  }
}
