package io.featurejob.operator.testing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * The system clock plus an offset a test can move forward: the operator and the simulated kubelet keep
 * ticking in real time, and a test that waits for a back-off or a deadline (not the point of the test)
 * jumps over it instead. Shared by every component of one harness, so they agree on "now".
 */
public final class AdvanceableClock extends Clock {
  private final Clock system = Clock.systemUTC();
  private volatile Duration offset = Duration.ZERO;

  /** Moves "now" forward by {@code by} for every reader of this clock. */
  public synchronized void advance(Duration by) {
    if (by.isNegative()) {
      throw new IllegalArgumentException("a clock only moves forward: " + by);
    }
    offset = offset.plus(by);
  }

  /** Moves "now" to just past {@code instant}, when that is still ahead. */
  public void advancePast(Instant instant) {
    Duration ahead = Duration.between(instant(), instant);
    if (!ahead.isNegative()) {
      advance(ahead.plusMillis(1));
    }
  }

  @Override
  public Instant instant() {
    return system.instant().plus(offset);
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    throw new UnsupportedOperationException("UTC only, like the operator");
  }
}
