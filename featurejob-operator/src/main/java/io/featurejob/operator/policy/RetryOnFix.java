package io.featurejob.operator.policy;

import io.featurejob.operator.api.FeatureJobStatus;
import java.util.Optional;

/**
 * Retry now on a fix the operator can see. A failing job (backing off, alerting or parked) whose spec
 * changed (a new {@code metadata.generation}: a new image, more memory) or whose referenced Secrets and
 * ConfigMaps changed (a rotated password) is unblocked: the failure count resets and a run starts now,
 * instead of after the back-off in progress. A fix outside the cluster (a GRANT in the database) is
 * invisible here; the warning alert and the Alerting event carry the unblock command for it.
 */
public final class RetryOnFix {
  private RetryOnFix() {}

  /**
   * @param previous the status before this decision (null for a new job)
   * @param generation the job's metadata.generation now
   * @param references the fingerprint of its referenced Secrets and ConfigMaps now, or null when unknown
   * @return what changed, for the Unblocked event; empty when nothing changed or the job is not failing
   */
  public static Optional<String> fix(FeatureJobStatus previous, long generation, String references) {
    if (previous == null || !failing(previous)) {
      return Optional.empty();
    }
    if (previous.observedGeneration != null && generation > previous.observedGeneration) {
      return Optional.of("the spec changed (generation " + previous.observedGeneration + " -> " + generation + ")");
    }
    if (previous.observedReferences != null && references != null && !references.equals(previous.observedReferences)) {
      return Optional.of("a Secret or ConfigMap the job references changed");
    }
    return Optional.empty();
  }

  private static boolean failing(FeatureJobStatus s) {
    return s.consecutiveFailures != null && FailureBudget.failing(s);
  }
}
