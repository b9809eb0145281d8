package io.featurejob.operator.policy;

import io.featurejob.operator.api.FailureClass;
import io.featurejob.operator.api.FeatureJobStatus;
import java.time.Duration;
import java.time.Instant;

/**
 * Which failures spend the budget that alerts (alertAfterFailures) and parks (maxConsecutiveFailures)
 * a job. With retryPolicy.countInfrastructureFailures false, SpotInterruption and CapacityUnavailable
 * back off like any failure but do not move the job toward an alert or PermanentlyFailed: the cluster
 * failed, not the job (Kubernetes' podFailurePolicy Ignore, Argo's and Flyte's system retries). With
 * it true they count only while the freshness SLO is at risk (stale, or the retry would land after
 * it), unless countInfrastructureFailuresWhileFresh: a capacity storm pages nobody whose features are
 * still fresh, and a shortage that lasts (or a pool that does not exist) still pages once it matters.
 */
public final class FailureBudget {
  private FailureBudget() {}

  /**
   * Whether this failure counts toward status.consecutiveFailures.
   *
   * @param freshnessAtRisk the features are stale, or will be by the retry (see {@link #atRisk})
   */
  public static boolean counts(ResolvedSpec.Retry retry, FailureClass failure, boolean freshnessAtRisk) {
    if (!failure.isInfrastructure()) {
      return true;
    }
    return retry.countInfrastructureFailures() && (retry.countInfrastructureFailuresWhileFresh() || freshnessAtRisk);
  }

  /** At risk: the retry after a counted failure (at {@code now + delay}) would not land before {@code staleAt}. */
  public static boolean atRisk(Instant now, Duration delay, Instant staleAt) {
    return staleAt == null || !now.plus(delay).isBefore(staleAt);
  }

  /**
   * The step of the back-off schedule after this failure: counted failures plus, when infrastructure
   * failures are not counted, the current streak of them, so repeated interruptions still back off
   * further each time.
   */
  public static int backoffStep(int countedFailures, int infrastructureStreak, boolean counted) {
    return counted ? countedFailures : countedFailures + infrastructureStreak;
  }

  /** Whether the job is between a failure and its retry (counted or not). */
  public static boolean failing(FeatureJobStatus status) {
    return status.consecutiveFailures > 0
        || (status.remediation != null && status.remediation.infrastructureFailures != null
            && status.remediation.infrastructureFailures > 0);
  }
}
