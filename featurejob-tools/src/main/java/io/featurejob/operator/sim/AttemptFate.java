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
 * @param driverBlocked the driver waited for spot capacity (not just for a node to start)
 * @param cause the permanent cause behind the failure, if any (for the figures, not for the decider)
 * @param executorsLost executors reclaimed during the run (the attempt survived all but a fatal one)
 * @param driverMemoryWeight driver memory relative to the job's base (escalation costs the extra)
 * @param executorMemoryWeight the same for executors
 * @param spikeInEffect a data spike needing more executor memory was in effect when the executors started
 *     (whether or not the attempt had enough): escalated memory without one was kept after the spike ended
 */
record AttemptFate(
    String podName,
    long launch,
    long driverStart,
    boolean driverBlocked,
    long executorsBlockedSince,
    long executorsStart,
    long end,
    Classification failure,
    PermanentCause cause,
    CapacityType driverCapacity,
    CapacityType executorCapacity,
    int executors,
    int executorsLost,
    double driverMemoryWeight,
    double executorMemoryWeight,
    boolean spikeInEffect) {

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
    if (driverBlocked && driverStart > t) {
      return driverStart;
    }
    if (executorsBlockedSince != NONE && executorsStart > t) {
      return executorsStart;
    }
    return end > t ? end : Long.MAX_VALUE;
  }

  /** Pod-seconds of the driver and executors waiting for nodes, if the pods go away at {@code until}. */
  double pendingSeconds(long until) {
    return span(launch, driverStart, until) + executors * span(driverStart, executorsStart, until);
  }

  /** Driver pod-seconds while no executor runs yet (waiting for capacity or a node to start). */
  double idleDriverSeconds(long until) {
    return span(driverStart, executorsStart, until);
  }

  /** Driver pod-seconds while the executors run. */
  double runningDriverSeconds(long until) {
    return span(executorsStart, end, until);
  }

  double executorSeconds(long until) {
    return executors * span(executorsStart, end, until);
  }

  private static double span(long from, long to, long until) {
    return Math.max(0, Math.min(until, to) - from) / 1000.0;
  }
}
