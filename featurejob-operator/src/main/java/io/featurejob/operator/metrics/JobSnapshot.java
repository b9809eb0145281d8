package io.featurejob.operator.metrics;

import io.featurejob.operator.api.FailureClass;
import io.featurejob.operator.api.Importance;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * What the per-job gauges show about one FeatureJob, taken after each reconcile.
 *
 * @param labels the FeatureJob's metadata labels (any map; only the operator's allow-listed owner
 *     label keys are copied into {@code featurejob_info})
 * @param lastSuccess null when the job never succeeded: the series is then absent, not 0
 * @param nextRun null when nothing is scheduled (suspended, parked, one-off done): series absent
 * @param lastFailureClass class of {@code status.lastFailure}; null when the job never failed
 *     ({@code featurejob_last_failure_info} then shows {@code failure_class="none"})
 */
public record JobSnapshot(
    String namespace,
    String name,
    String featureView,
    Importance importance,
    Map<String, String> labels,
    int consecutiveFailures,
    boolean alerting,
    boolean permanentlyFailed,
    Instant lastSuccess,
    Duration freshnessSLO,
    Instant nextRun,
    FailureClass lastFailureClass) {

  public JobSnapshot {
    labels = labels == null ? Map.of() : Map.copyOf(labels);
  }

  /** A job that never failed (or whose last failure is not known). */
  public JobSnapshot(String namespace, String name, String featureView, Importance importance,
      Map<String, String> labels, int consecutiveFailures, boolean alerting, boolean permanentlyFailed,
      Instant lastSuccess, Duration freshnessSLO, Instant nextRun) {
    this(namespace, name, featureView, importance, labels, consecutiveFailures, alerting, permanentlyFailed,
        lastSuccess, freshnessSLO, nextRun, null);
  }
}
