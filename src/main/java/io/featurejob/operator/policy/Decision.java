package io.featurejob.operator.policy;

import io.featurejob.operator.api.CapacityType;
import io.featurejob.operator.api.FailureClass;
import io.featurejob.operator.api.FeatureJobStatus;
import io.featurejob.operator.api.Outcome;
import io.featurejob.operator.events.EventReason;
import java.time.Duration;
import java.util.List;

/**
 * What the reconciler must do after one look at a job: at most one pod to create and one to delete,
 * the new status (patched once), the events to emit, the finished attempts to count in metrics, and
 * when to look again.
 */
public record Decision(
    FeatureJobStatus status,
    LaunchPlan launch,
    String deletePod,
    List<Event> events,
    List<FinishedAttempt> finished,
    Duration requeueAfter) {

  public record Event(EventReason reason, String message) {}

  /** An attempt that ended in this decision, for metrics. */
  public record FinishedAttempt(
      Outcome outcome,
      FailureClass failureClass,
      Duration duration,
      CapacityType driverCapacity,
      CapacityType executorCapacity,
      int executorInstances) {}
}
