package io.featurejob.operator.policy;

import io.featurejob.operator.api.FailureClass;
import io.featurejob.operator.api.FeatureJobStatus;

/**
 * Which failures spend the budget that alerts (alertAfterFailures) and parks (maxConsecutiveFailures)
 * a job. With retryPolicy.countInfrastructureFailures false, SpotInterruption and CapacityUnavailable
 * back off like any failure but do not move the job toward an alert or PermanentlyFailed: the cluster
 * failed, not the job (Kubernetes' podFailurePolicy Ignore, Argo's and Flyte's system retries).
 */
public final class FailureBudget {
  private FailureBudget() {}

  /** Whether this failure counts toward status.consecutiveFailures. */
  public static boolean counts(ResolvedSpec.Retry retry, FailureClass failure) {
    return retry.countInfrastructureFailures() || !failure.isInfrastructure();
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
