package io.featurejob.operator.sim;

import io.featurejob.operator.api.CapacityType;
import io.featurejob.operator.classify.Classification;
import io.featurejob.operator.observe.Observation;
import java.time.Instant;

/**
 * The whole life of one attempt, decided by the world when the pod is created (times in epoch millis):
 * the driver waits for a node until {@code driverStart}; executors may be unschedulable from
 * {@code executorsBlockedSince} until {@code executorsStart}; the attempt ends at {@code end}, with
 * {@code failure} null for a success. The decider sees it only through {@link #observe(long)}, at the
 * times it chooses to look, exactly as it sees a real pod through the observer.
 *
 * @param cause the permanent cause behind the failure, if any (for the figures, not for the decider)
 */
record AttemptFate(
    String podName,
    long launch,
    long driverStart,
    long executorsBlockedSince,
    long executorsStart,
    long end,
    Classification failure,
    PermanentCause cause,
    CapacityType driverCapacity,
    CapacityType executorCapacity,
    int executors) {

  static final long NONE = -1;

  Observation observe(long t) {
    if (t >= end) {
      return failure == null ? new Observation.Succeeded(Instant.ofEpochMilli(end))
          : new Observation.Failed(Instant.ofEpochMilli(end), failure, false);
    }
    if (t < driverStart) {
      return new Observation.Pending(Instant.ofEpochMilli(launch), true,
          "0/40 nodes are available: 40 node(s) didn't match Pod's node affinity/selector");
    }
    if (executorsBlockedSince != NONE && t < executorsStart) {
      return new Observation.Running(Instant.ofEpochMilli(driverStart), Instant.ofEpochMilli(executorsBlockedSince),
          "InsufficientInstanceCapacity: There is no Spot capacity available that matches your request.");
    }
    return new Observation.Running(Instant.ofEpochMilli(driverStart), null, null);
  }

  /**
   * The next moment after t at which a watch would report a change the decider cares about: a blocked
   * driver or blocked executors getting nodes, and the end. (Routine pod-start events change nothing
   * the policy reads, so they are not replayed.)
   */
  long nextChangeAfter(long t) {
    if (driverStart > t && driverStart > launch + FateModel.POD_START_MILLIS) {
      return driverStart;
    }
    if (executorsBlockedSince != NONE && executorsStart > t) {
      return executorsStart;
    }
    return end > t ? end : Long.MAX_VALUE;
  }

  /** Pod-seconds on each capacity type if the attempt's pods go away at {@code until}. */
  double driverSeconds(long until) {
    return Math.max(0, Math.min(until, end) - driverStart) / 1000.0;
  }

  double executorSeconds(long until) {
    return executors * Math.max(0, Math.min(until, end) - executorsStart) / 1000.0;
  }
}
