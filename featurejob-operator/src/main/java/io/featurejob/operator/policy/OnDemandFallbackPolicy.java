package io.featurejob.operator.policy;

import io.featurejob.operator.api.CapacityType;
import io.featurejob.operator.api.FailureClass;
import io.featurejob.operator.api.GoDuration;
import java.time.Instant;
import java.util.Optional;

/**
 * When spot pods move to on-demand: after K consecutive infrastructure failures, or (whenStale) when
 * an infrastructure failure's retry would land after the features breach their freshness SLO. Other
 * failure classes never trigger it: on-demand nodes do not fix a revoked permission or a bug.
 */
public final class OnDemandFallbackPolicy {
  private OnDemandFallbackPolicy() {}

  /**
   * @param infrastructureFailures consecutive infrastructure failures including this one
   * @param staleAt when the features breach the SLO (null if unknown, e.g. never succeeded)
   * @return the reason to fall back now, or empty
   */
  public static Optional<String> reasonToFallBack(ResolvedSpec spec, FailureClass failure, int infrastructureFailures,
      Instant nextRetry, Instant staleAt) {
    ResolvedSpec.Capacity c = spec.capacity();
    boolean usesSpot = c.driver() == CapacityType.Spot || c.executors() == CapacityType.Spot;
    if (!usesSpot || !failure.isInfrastructure()) {
      return Optional.empty();
    }
    int k = c.fallbackAfterInfrastructureFailures();
    if (k > 0 && infrastructureFailures >= k) {
      return Optional.of(infrastructureFailures + " consecutive infrastructure failures (last: " + failure + ")");
    }
    if (c.fallbackWhenStale() && staleAt != null && nextRetry.isAfter(staleAt)) {
      return Optional.of("the retry at " + nextRetry + " would breach the freshness SLO of "
          + GoDuration.format(spec.freshnessSLO()) + " (stale at " + staleAt + ")");
    }
    return Optional.empty();
  }
}
