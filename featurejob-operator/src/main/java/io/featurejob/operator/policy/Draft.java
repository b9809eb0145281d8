package io.featurejob.operator.policy;

import io.featurejob.operator.api.FeatureJobStatus;
import io.featurejob.operator.api.Remediation;
import io.featurejob.operator.events.EventReason;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The working state of one decision, which the parts of the core (settling, failure accounting,
 * remediation, launch planning, freshness, history) fill in turn; {@link #build} makes it a
 * {@link Decision}. The status is the decision's own copy: the caller's is never touched.
 */
final class Draft {
  /** Safety net: look at every job at least this often even when nothing is due. */
  static final Duration MAX_REQUEUE = Duration.ofMinutes(10);

  final JobRef job;
  final FeatureJobStatus status;
  final Instant now;
  final Decider.PodNamer podNamer;
  ResolvedSpec spec;
  /** A capacity shortage seen on the job's spot pool, or null ({@link CapacityAwareness}). */
  PoolShortage shortage;
  LaunchPlan launch;
  /** The attempt's pod this decision stops (timed out, stuck), or null. */
  String stopPod;
  final List<Decision.Event> events = new ArrayList<>();
  final List<Decision.FinishedAttempt> finished = new ArrayList<>();
  /** Whether the failure settled in this decision counted toward the budget ({@link FailureBudget}). */
  boolean failureCounted;
  /** The earliest deadline any part registered; null = none. */
  Instant wakeUp;

  Draft(JobRef job, FeatureJobStatus status, Instant now, Decider.PodNamer podNamer) {
    this.job = job;
    this.status = status;
    this.now = now;
    this.podNamer = podNamer;
  }

  void wake(Instant at) {
    wakeUp = earliest(wakeUp, at);
  }

  void event(EventReason reason, String message) {
    events.add(new Decision.Event(reason, message));
  }

  void condition(String type, boolean value, String reason, String message) {
    Conditions.set(status, type, value, reason, message, now, job.generation());
  }

  Remediation remediation() {
    if (status.remediation == null) {
      status.remediation = new Remediation();
    }
    return status.remediation;
  }

  Decision build(List<String> deletePods) {
    return new Decision(status, launch, deletePods, List.copyOf(events), List.copyOf(finished),
        requeueAfter(now, wakeUp), wakeUp);
  }

  /** From now to the deadline, at least zero and at most {@link #MAX_REQUEUE}. */
  static Duration requeueAfter(Instant now, Instant deadline) {
    Duration requeue = deadline == null ? MAX_REQUEUE : Duration.between(now, deadline);
    return requeue.isNegative() ? Duration.ZERO : requeue.compareTo(MAX_REQUEUE) > 0 ? MAX_REQUEUE : requeue;
  }

  static Instant earliest(Instant a, Instant b) {
    if (a == null) {
      return b;
    }
    if (b == null) {
      return a;
    }
    return a.isBefore(b) ? a : b;
  }
}
