package io.featurejob.operator.policy;

import io.featurejob.operator.api.CapacityType;
import io.featurejob.operator.api.GoDuration;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * What a capacity shortage seen on a job's spot pool ({@link PoolShortage}, from other jobs' failures)
 * changes for this job while it lasts: spot pods give up sooner ({@code shortageSchedulingTimeout}), so
 * the ordinary on-demand fallback comes sooner; and a job whose features would go stale before that
 * fallback (afterInfrastructureFailures scheduling timeouts from now) starts on on-demand at once. Jobs
 * whose features have time to wait stay on spot: no whole importance class moves. Pure.
 */
public final class CapacityAwareness {
  private CapacityAwareness() {}

  /** The scheduling timeout of an attempt whose executors run on {@code executors}; shortage null = none. */
  public static Duration schedulingTimeout(ResolvedSpec.Capacity c, CapacityType driver, CapacityType executors,
      PoolShortage shortage) {
    boolean onSpot = driver == CapacityType.Spot || executors == CapacityType.Spot;
    Duration shorter = c.shortageSchedulingTimeout();
    if (shortage == null || !onSpot || shorter == null || shorter.isZero()) {
      return c.schedulingTimeout();
    }
    return shorter.compareTo(c.schedulingTimeout()) < 0 ? shorter : c.schedulingTimeout();
  }

  /**
   * Whether the next attempt should start on on-demand because of the shortage.
   *
   * @param staleAt when the features breach the SLO (null if unknown)
   * @return the reason, or empty
   */
  public static Optional<String> reasonToFallBack(ResolvedSpec spec, PoolShortage shortage, Instant staleAt,
      Instant now) {
    ResolvedSpec.Capacity c = spec.capacity();
    boolean usesSpot = c.driver() == CapacityType.Spot || c.executors() == CapacityType.Spot;
    if (shortage == null || !usesSpot || !c.fallbackWhenPoolShort() || staleAt == null) {
      return Optional.empty();
    }
    Duration ordinary = ordinaryFallbackDelay(c, shortage);
    if (!now.plus(ordinary).isAfter(staleAt)) {
      return Optional.empty();
    }
    return Optional.of("capacity shortage on pool " + shortage.pool() + " since " + shortage.since() + " ("
        + shortage.observations() + " capacity failure(s) of jobs there, newest " + shortage.lastSeen()
        + "); waiting " + GoDuration.format(ordinary) + " for the ordinary fallback would pass the freshness SLO of "
        + GoDuration.format(spec.freshnessSLO()) + " (stale at " + staleAt + ")");
  }

  /** How long the ordinary fallback takes on a short pool: K scheduling timeouts (one when K is 0, i.e. never). */
  static Duration ordinaryFallbackDelay(ResolvedSpec.Capacity c, PoolShortage shortage) {
    Duration timeout = schedulingTimeout(c, c.driver(), c.executors(), shortage);
    return timeout.multipliedBy(Math.max(1, c.fallbackAfterInfrastructureFailures()));
  }
}
