package io.featurejob.operator.policy;

import io.featurejob.operator.api.CapacityType;
import io.featurejob.operator.api.FailureClass;
import io.featurejob.operator.api.FeatureJobStatus;
import io.featurejob.operator.api.Outcome;
import io.featurejob.operator.classify.Evidence.Role;
import io.featurejob.operator.events.EventReason;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * What the reconciler must do after one look at a job: the new status (written once, with optimistic
 * locking, before anything else), at most one pod to create, the pods to delete, the events to emit, the
 * finished attempts to count in metrics, and when to look again.
 *
 * @param deletePods the job's own pods to delete: an attempt that must be stopped, pods that are neither
 *     the attempt in flight nor finished (a lost delete), finished drivers that fell out of the history.
 *     Named on every decision until they are gone, so a delete that fails is retried by the next one.
 * @param requeueAfter when to look again (at most the safety-net interval)
 * @param nextDeadline the earliest instant at which this decision would change without any pod changing
 *     (retry, next tick, timeouts, freshness), or null when there is none: a job waiting for a human
 */
public record Decision(
    FeatureJobStatus status,
    LaunchPlan launch,
    List<String> deletePods,
    List<Event> events,
    List<FinishedAttempt> finished,
    Duration requeueAfter,
    Instant nextDeadline) {

  /**
   * When to look again, counted from {@code now} (at least zero, at most the safety-net interval): a reconcile
   * that spent seconds on API requests after deciding does not push the next deadline back by as much.
   */
  public Duration requeueAfter(Instant now) {
    return Draft.requeueAfter(now, nextDeadline);
  }

  /** True when the decision creates or deletes a pod: its status write must precede that, even if unchanged. */
  public boolean acts() {
    return launch != null || !deletePods.isEmpty();
  }

  public record Event(EventReason reason, String message) {}

  /**
   * An attempt that ended in this decision, for metrics and the pool shortages.
   *
   * @param failedPod which pods the failure happened to ({@link io.featurejob.operator.classify.Classification#pod()}); null when unknown
   */
  public record FinishedAttempt(
      Outcome outcome,
      FailureClass failureClass,
      Duration duration,
      CapacityType driverCapacity,
      CapacityType executorCapacity,
      int executorInstances,
      Role failedPod) {

    /** The capacity of the pods the failure happened to; the executors' when it is not known. */
    public CapacityType failedOn() {
      return failedPod == Role.Driver ? driverCapacity : executorCapacity;
    }

    /** Pod-seconds by capacity type: the attempt's wall time x its driver and its executors. */
    public Map<CapacityType, Double> computeSeconds() {
      double seconds = duration.toMillis() / 1000.0;
      Map<CapacityType, Double> compute = new EnumMap<>(CapacityType.class);
      if (driverCapacity != null) {
        compute.merge(driverCapacity, seconds, Double::sum);
      }
      if (executorCapacity != null) {
        compute.merge(executorCapacity, seconds * executorInstances, Double::sum);
      }
      return compute;
    }
  }
}
