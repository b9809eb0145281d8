package io.featurejob.operator.policy;

import io.featurejob.operator.api.Attempt;
import io.featurejob.operator.api.FeatureJobStatus;
import io.featurejob.operator.api.Outcome;
import io.featurejob.operator.api.Phase;
import io.featurejob.operator.api.Times;
import io.featurejob.operator.classify.Classification;
import io.featurejob.operator.events.EventReason;
import io.featurejob.operator.observe.JobPods;
import io.featurejob.operator.observe.Observation;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * The decision core: {@code (job, spec, status, pods, now, pool shortage) -> decision}. Pure: no client, no
 * clock, no randomness, so the reconciler, the table tests and the simulator run the same code. The one
 * input shared between jobs, a shortage seen on the job's spot pool, is passed in ({@link PoolShortages}).
 *
 * <p>Order of concerns, each in its own part: validate; adopt an orphan and record what was seen; settle
 * the attempt in flight ({@link AttemptSettling}) and account for it ({@link History},
 * {@link FailureAccounting}, {@link Remediations}); handle an unblock (the annotation, or a fix the
 * operator sees: {@link RetryOnFix}); decide whether to launch
 * ({@link LaunchPlanning}); freshness ({@link Freshness}); which pods to delete ({@link PodCleanup}).
 * Classification never short-circuits the retry schedule: every class backs off the same way; the class
 * only picks the remediation (on-demand fallback, more memory) and what the alert says.
 */
public final class Decider {
  /** Safety net: look at every job at least this often even when nothing is due. */
  static final Duration MAX_REQUEUE = Draft.MAX_REQUEUE;

  /** Names driver pods; deterministic per job, run and attempt (see spark.PodNames). */
  @FunctionalInterface
  public interface PodNamer {
    String driverPodName(String job, String runId, int attempt);
  }

  private final PodNamer podNamer;

  public Decider(PodNamer podNamer) {
    this.podNamer = podNamer;
  }

  /** A decision on the attempt's observation alone (no other pods of the job). */
  public Decision decide(JobRef job, SpecResolver.Result resolved, FeatureJobStatus previous, Observation observation,
      Instant now) {
    return decide(job, resolved, previous, JobPods.of(observation), now);
  }

  public Decision decide(JobRef job, SpecResolver.Result resolved, FeatureJobStatus previous, JobPods pods,
      Instant now) {
    return decide(job, resolved, previous, pods, now, null);
  }

  /** @param shortage a capacity shortage seen on the job's spot pool ({@link PoolShortages}), or null */
  public Decision decide(JobRef job, SpecResolver.Result resolved, FeatureJobStatus previous, JobPods pods,
      Instant now, PoolShortage shortage) {
    Draft d = new Draft(job, StatusCopy.of(previous), now, podNamer);
    d.shortage = shortage;
    Optional<String> fix = RetryOnFix.fix(previous, job.generation(), job.references());
    d.status.observedGeneration = job.generation();
    if (job.references() != null) {
      d.status.observedReferences = job.references();
    }
    if (Conditions.isTrue(d.status, Conditions.RECONCILE_ERROR)) {
      d.condition(Conditions.RECONCILE_ERROR, false, "Reconciled", "");
    }
    Observation observation = pods.attempt();
    if (observation instanceof Observation.Orphan o) {
      d.status.currentAttempt = o.attempt(); // the operator stopped between creating this pod and recording it
      observation = o.observed();
    }
    if (d.status.currentAttempt != null && pods.attemptPodUid() != null) {
      d.status.currentAttempt.podUid = pods.attemptPodUid(); // from now on, a missing pod was deleted
    }
    for (JobPods.IgnoredPod ignored : pods.ignored()) {
      d.event(EventReason.PodIgnored, Messages.podIgnored(ignored.name(), ignored.why()));
    }
    if (!resolved.valid()) {
      invalid(d, String.join("; ", resolved.errors()));
      // Nothing is due until the spec is edited (which triggers a reconcile); the safety net still looks.
      return d.build(PodCleanup.toDelete(d.status, pods.others(), null));
    }
    d.spec = resolved.spec();
    d.condition(Conditions.SPEC_VALID, true, "Valid", "spec is valid");
    SpecAdjustments.report(d.status, resolved.adjustments(), now, job.generation()).ifPresent(d.events::add);
    if (d.status.consecutiveFailures == null) {
      d.status.consecutiveFailures = 0;
    }
    if (d.status.phase == null || d.status.phase == Phase.Invalid) {
      d.status.phase = Phase.Idle;
    }
    if (d.status.currentAttempt != null) {
      Attempt a = d.status.currentAttempt;
      Duration schedulingTimeout = CapacityAwareness.schedulingTimeout(d.spec.capacity(),
          Objects.requireNonNullElse(a.driverCapacity, d.spec.capacity().driver()),
          Objects.requireNonNullElse(a.executorCapacity, d.spec.capacity().executors()), d.shortage);
      settle(d, a, AttemptSettling.settle(a, observation, d.spec, now, schedulingTimeout));
    }
    boolean unblocked = FailureAccounting.unblock(d) || (fix.isPresent() && FailureAccounting.unblockOnFix(d, fix.get()));
    boolean runNow = LaunchPlanning.runNow(d);
    if (d.status.currentAttempt == null) {
      LaunchPlanning.decide(d, unblocked, runNow);
    }
    Freshness.update(d);
    return d.build(PodCleanup.toDelete(d.status, pods.others(), d.stopPod));
  }

  private static void settle(Draft d, Attempt a, AttemptSettling.Settlement settlement) {
    if (settlement instanceof AttemptSettling.Succeeded s) {
      History.finished(d, a, s.finishedAt(), Outcome.Succeeded, null);
      int failuresBefore = FailureAccounting.succeeded(d, a, s.finishedAt());
      boolean reverted = Remediations.afterSuccess(d);
      d.event(EventReason.RunSucceeded, Messages.runSucceeded(a, reverted));
      if (failuresBefore > 0) {
        d.event(EventReason.Recovered, Messages.recovered(failuresBefore));
      }
    } else if (settlement instanceof AttemptSettling.Failed f) {
      if (f.stopPod()) {
        d.stopPod = a.podName;
      }
      Classification c = f.classification();
      History.finished(d, a, f.finishedAt(), Outcome.Failed, c);
      FailureAccounting.failed(d, a, c, f.finishedAt());
      Remediations.afterFailure(d, c);
      Instant retryAt = FailureAccounting.afterFailure(d, c);
      if (retryAt != null) {
        Remediations.beforeRetry(d, c.failureClass(), retryAt);
      }
    } else if (settlement instanceof AttemptSettling.Create c) {
      // Recorded, never created: create it now. It starts now; its timeouts count from here.
      a.startTime = Times.format(d.now);
      d.launch = LaunchPlan.of(a);
      d.status.phase = Phase.Running;
      d.wake(c.deadline());
    } else if (settlement instanceof AttemptSettling.StillRunning r) {
      d.status.phase = Phase.Running;
      d.wake(r.deadline());
    }
  }

  /** Reports an invalid spec once per distinct problem list; a running attempt is left alone, nothing new starts. */
  private static void invalid(Draft d, String problems) {
    boolean alreadyReported = d.status.phase == Phase.Invalid
        && Conditions.find(d.status, Conditions.SPEC_VALID) != null
        && Conditions.bounded(problems).equals(Conditions.find(d.status, Conditions.SPEC_VALID).getMessage());
    d.condition(Conditions.SPEC_VALID, false, "InvalidSpec", problems);
    d.status.phase = Phase.Invalid;
    d.status.nextRunTime = null;
    if (!alreadyReported) {
      d.event(EventReason.InvalidSpec, Messages.invalidSpec(problems));
    }
  }
}
