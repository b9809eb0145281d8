package io.featurejob.operator.policy;

import io.featurejob.operator.api.Attempt;
import io.featurejob.operator.api.CapacityType;
import io.featurejob.operator.api.FailureClass;
import io.featurejob.operator.api.FailureRecord;
import io.featurejob.operator.api.FeatureJobStatus;
import io.featurejob.operator.api.GoDuration;
import io.featurejob.operator.api.HistoryEntry;
import io.featurejob.operator.api.Outcome;
import io.featurejob.operator.api.Phase;
import io.featurejob.operator.api.Remediation;
import io.featurejob.operator.api.SparkMemory;
import io.featurejob.operator.api.Times;
import io.featurejob.operator.classify.Classification;
import io.featurejob.operator.events.EventReason;
import io.featurejob.operator.observe.Observation;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The decision core: {@code (job, spec, status, observation, now) -> decision}. Pure: no client, no
 * clock, no randomness, so the reconciler, the table tests and a simulator run the same code.
 *
 * <p>Order of concerns: validate; settle the attempt in flight (success, failure, timeouts); handle an
 * unblock; then decide whether to launch (suspend, parked, backing off, due window). Classification
 * never short-circuits the retry schedule: every class backs off the same way; the class only picks
 * the remediation (on-demand fallback, more memory) and what the alert says.
 */
public final class Decider {
  /** Safety net: look at every job at least this often even when nothing is due. */
  static final Duration MAX_REQUEUE = Duration.ofMinutes(10);

  /** Names driver pods; deterministic per job, run and attempt (see spark.PodNames). */
  @FunctionalInterface
  public interface PodNamer {
    String driverPodName(String job, String runId, int attempt);
  }

  private final PodNamer podNamer;

  public Decider(PodNamer podNamer) {
    this.podNamer = podNamer;
  }

  public Decision decide(JobRef job, SpecResolver.Result resolved, FeatureJobStatus previous, Observation observation,
      Instant now) {
    Draft d = new Draft(job, copy(previous), now);
    d.status.observedGeneration = job.generation();
    if (!resolved.valid()) {
      return d.invalid(String.join("; ", resolved.errors()));
    }
    ResolvedSpec spec = resolved.spec();
    d.spec = spec;
    Conditions.set(d.status, Conditions.SPEC_VALID, true, "Valid", "spec is valid", now, job.generation());
    SpecAdjustments.report(d.status, resolved.adjustments(), now, job.generation()).ifPresent(d.events::add);
    if (d.status.consecutiveFailures == null) {
      d.status.consecutiveFailures = 0;
    }
    if (d.status.phase == null || d.status.phase == Phase.Invalid) {
      d.status.phase = Phase.Idle;
    }

    if (d.status.currentAttempt != null) {
      d.settleAttemptInFlight(observation);
    }
    boolean unblocked = d.handleUnblock();
    boolean runNow = d.handleRunNow();
    if (d.status.currentAttempt == null) {
      d.decideLaunch(unblocked, runNow);
    }
    d.updateFreshness();
    return d.build();
  }

  /** Mutable working state of one decision. */
  private final class Draft {
    final JobRef job;
    final FeatureJobStatus status;
    final Instant now;
    ResolvedSpec spec;
    LaunchPlan launch;
    String deletePod;
    final List<Decision.Event> events = new ArrayList<>();
    final List<Decision.FinishedAttempt> finished = new ArrayList<>();
    Instant wakeUp;

    Draft(JobRef job, FeatureJobStatus status, Instant now) {
      this.job = job;
      this.status = status;
      this.now = now;
    }

    Decision invalid(String problems) {
      boolean alreadyReported = status.phase == Phase.Invalid
          && Conditions.find(status, Conditions.SPEC_VALID) != null
          && Conditions.bounded(problems).equals(Conditions.find(status, Conditions.SPEC_VALID).getMessage());
      Conditions.set(status, Conditions.SPEC_VALID, false, "InvalidSpec", problems, now, job.generation());
      // A running attempt is left alone (it finishes or times out once the spec is fixed); nothing new starts.
      status.phase = Phase.Invalid;
      status.nextRunTime = null;
      if (!alreadyReported) {
        event(EventReason.InvalidSpec, "spec is invalid, nothing will run until it is fixed: " + problems);
      }
      // Nothing is due until the spec is edited (which triggers a reconcile), but requeueAfter is never null:
      // the reconciler hands it to UpdateControl.rescheduleAfter, which throws on null (a retry loop).
      return new Decision(status, null, null, List.copyOf(events), List.of(), MAX_REQUEUE);
    }

    // ---------------------------------------------------------------- the attempt in flight

    void settleAttemptInFlight(Observation observation) {
      Attempt a = status.currentAttempt;
      Instant started = Objects.requireNonNullElse(Times.parse(a.startTime), now);
      Instant timeoutAt = started.plus(spec.runTimeout());
      Duration schedulingTimeout = spec.capacity().schedulingTimeout();
      if (observation instanceof Observation.Succeeded s) {
        succeed(a, Objects.requireNonNullElse(s.finishedAt(), now));
      } else if (observation instanceof Observation.Failed f) {
        if (f.podActive()) {
          deletePod = a.podName; // e.g. stuck in ImagePullBackOff: it would never end by itself
        }
        fail(a, f.classification(), Objects.requireNonNullElse(f.finishedAt(), now));
      } else if (observation instanceof Observation.Pending p) {
        Instant since = Objects.requireNonNullElse(p.since(), started);
        Instant unschedulableDeadline = since.plus(schedulingTimeout);
        if (!now.isBefore(unschedulableDeadline)) {
          deletePod = a.podName;
          fail(a, new Classification(FailureClass.CapacityUnavailable, "builtin:scheduling-timeout",
              "driver pod pending for " + GoDuration.format(Duration.between(since, now))
                  + " (schedulingTimeout " + GoDuration.format(schedulingTimeout) + ")",
              orEmpty(p.message()), null, null), now);
        } else if (!now.isBefore(timeoutAt)) {
          timeOut(a, started);
        } else {
          stillRunning(earliest(unschedulableDeadline, timeoutAt));
        }
      } else if (observation instanceof Observation.Running r) {
        Instant unschedulableDeadline = r.executorsUnschedulableSince() == null
            ? null : r.executorsUnschedulableSince().plus(schedulingTimeout);
        if (unschedulableDeadline != null && !now.isBefore(unschedulableDeadline)) {
          deletePod = a.podName;
          fail(a, new Classification(FailureClass.CapacityUnavailable, "builtin:executors-unschedulable",
              "executor pods unschedulable for " + GoDuration.format(Duration.between(r.executorsUnschedulableSince(), now))
                  + " (schedulingTimeout " + GoDuration.format(schedulingTimeout) + ")",
              orEmpty(r.executorsMessage()), null, null), now);
        } else if (!now.isBefore(timeoutAt)) {
          timeOut(a, started);
        } else {
          stillRunning(earliest(unschedulableDeadline, timeoutAt));
        }
      } else { // NoPod: the driver vanished mid-run
        fail(a, new Classification(FailureClass.PodDeleted, "builtin:pod-vanished",
            "driver pod " + a.podName + " no longer exists", "driver pod " + a.podName
            + " was deleted before the run finished", null, null), now);
      }
    }

    void stillRunning(Instant deadline) {
      status.phase = Phase.Running;
      wake(deadline);
    }

    void timeOut(Attempt a, Instant started) {
      deletePod = a.podName;
      fail(a, new Classification(FailureClass.Timeout, "builtin:run-timeout",
          "attempt ran for " + GoDuration.format(Duration.between(started, now)) + " (runTimeout "
              + GoDuration.format(spec.runTimeout()) + ")",
          "run exceeded runTimeout of " + GoDuration.format(spec.runTimeout()), null, null), now);
    }

    void succeed(Attempt a, Instant finishedAt) {
      int failuresBefore = status.consecutiveFailures;
      addHistory(a, finishedAt, Outcome.Succeeded, null);
      finished(a, finishedAt, Outcome.Succeeded, null);
      status.currentAttempt = null;
      status.consecutiveFailures = 0;
      status.lastSuccessTime = Times.format(finishedAt);
      if (a.windowEnd != null && !spec.isOneOff()) {
        status.lastSuccessfulWindowEnd = a.windowEnd;
      }
      Remediation r = remediation();
      r.infrastructureFailures = 0;
      String revert = "";
      if (Boolean.TRUE.equals(r.onDemandFallback)) {
        r.onDemandFallback = false;
        r.onDemandFallbackSince = null;
        r.onDemandFallbackReason = null;
        revert = "; spot capacity is used again from the next run";
      }
      event(EventReason.RunSucceeded, "run " + a.runId + " attempt " + a.attempt + " succeeded (pod " + a.podName
          + ", window " + window(a) + ")" + revert);
      if (failuresBefore > 0) {
        event(EventReason.Recovered, "recovered after " + failuresBefore + " consecutive failure"
            + (failuresBefore == 1 ? "" : "s"));
      }
      Conditions.set(status, Conditions.HEALTHY, true, "Succeeded", "last run succeeded", now, job.generation());
      Conditions.set(status, Conditions.ALERTING, false, "Succeeded", "", now, job.generation());
      Conditions.set(status, Conditions.PERMANENTLY_FAILED, false, "Succeeded", "", now, job.generation());
      status.phase = spec.isOneOff() ? Phase.Completed : Phase.Idle;
      status.nextRunTime = null;
    }

    void fail(Attempt a, Classification c, Instant finishedAt) {
      boolean counted = FailureBudget.counts(spec.retry(), c.failureClass());
      int failures = status.consecutiveFailures + (counted ? 1 : 0);
      status.consecutiveFailures = failures;
      status.currentAttempt = null;
      FailureRecord record = new FailureRecord();
      record.failureClass = c.failureClass();
      record.transientFailure = c.failureClass().isTransient();
      record.reason = c.rule();
      record.message = c.message();
      record.exitCode = c.exitCode();
      record.podName = a.podName;
      record.time = Times.format(finishedAt);
      status.lastFailure = record;
      addHistory(a, finishedAt, Outcome.Failed, c);
      finished(a, finishedAt, Outcome.Failed, c.failureClass());

      Remediation r = remediation();
      r.infrastructureFailures = c.failureClass().isInfrastructure() ? orZero(r.infrastructureFailures) + 1 : 0;
      event(EventReason.RunFailed, c.failureClass() + ": " + orEmpty(c.message()) + " (run " + a.runId + " attempt "
          + a.attempt + ", pod " + a.podName + ", rule " + c.rule() + ")");
      if (c.failureClass() == FailureClass.OutOfMemory) {
        escalateMemory(a, c);
      }

      ResolvedSpec.Retry retry = spec.retry();
      Conditions.set(status, Conditions.HEALTHY, false, c.failureClass().name(),
          failures + " consecutive failure" + (failures == 1 ? "" : "s")
              + (counted ? "" : " (infrastructure failures not counted)"), now, job.generation());
      boolean alerting = failures >= retry.alertAfterFailures();
      Conditions.set(status, Conditions.ALERTING, alerting, alerting ? "FailureThresholdReached" : "BelowThreshold",
          alerting ? failures + " consecutive failures >= alertAfterFailures " + retry.alertAfterFailures() : "",
          now, job.generation());
      if (counted && failures == retry.alertAfterFailures()) {
        event(EventReason.AlertThresholdReached, failures + " consecutive failures, features are getting stale; last: "
            + c.failureClass() + ": " + orEmpty(c.message()));
      }
      if (counted && failures >= retry.maxConsecutiveFailures()) {
        status.phase = Phase.PermanentlyFailed;
        status.nextRunTime = null;
        Conditions.set(status, Conditions.PERMANENTLY_FAILED, true, c.failureClass().name(),
            "parked after " + failures + " consecutive failures; unblock with: kubectl annotate fj " + job.name()
                + " -n " + job.namespace() + " " + io.featurejob.operator.api.Labels.UNBLOCK + "=\"$(date +%s)\" --overwrite",
            now, job.generation());
        event(EventReason.PermanentlyFailed, "parked after " + failures + " consecutive failures (cap "
            + retry.maxConsecutiveFailures() + "); last: " + c.failureClass() + ". Fix the cause, then: kubectl annotate fj "
            + job.name() + " -n " + job.namespace() + " " + io.featurejob.operator.api.Labels.UNBLOCK
            + "=\"$(date +%s)\" --overwrite");
        return;
      }
      Duration delay = RetryBackoff.delay(retry,
          FailureBudget.backoffStep(failures, orZero(r.infrastructureFailures), counted), job.uid());
      Instant retryAt = now.plus(delay);
      status.phase = Phase.BackingOff;
      status.nextRunTime = Times.format(retryAt);
      event(EventReason.RetryScheduled, "retry in " + GoDuration.format(delay) + " at " + Times.format(retryAt)
          + (counted ? " (failure " + failures + " of at most " + retry.maxConsecutiveFailures() + ")"
              : " (infrastructure failure, not counted toward maxConsecutiveFailures)"));
      if (!Boolean.TRUE.equals(r.onDemandFallback)) {
        Optional<String> why = OnDemandFallbackPolicy.reasonToFallBack(spec, c.failureClass(), r.infrastructureFailures,
            retryAt, staleAt());
        if (why.isPresent()) {
          r.onDemandFallback = true;
          r.onDemandFallbackSince = Times.format(now);
          r.onDemandFallbackReason = why.get();
          event(EventReason.CapacityFallback, "spot pods move to on-demand until the next success: " + why.get());
        }
      }
    }

    void escalateMemory(Attempt a, Classification c) {
      Remediation r = remediation();
      ResolvedSpec.Escalation e = spec.escalation();
      boolean executor = c.memoryTarget() == Classification.MemoryTarget.Executor;
      long current = executor ? executorMemory() : driverMemory();
      long ceiling = executor ? e.maxExecutorMemoryMiB() : e.maxDriverMemoryMiB();
      long next = MemoryEscalationPolicy.escalate(current, e.factor(), ceiling);
      String side = executor ? "executor" : "driver";
      if (next == current) {
        event(EventReason.MemoryEscalated, side + " memory already at its ceiling of "
            + SparkMemory.fromMebibytes(ceiling) + "; not raised");
        return;
      }
      if (executor) {
        r.executorMemory = SparkMemory.fromMebibytes(next);
      } else {
        r.driverMemory = SparkMemory.fromMebibytes(next);
      }
      event(EventReason.MemoryEscalated, side + " memory " + SparkMemory.fromMebibytes(current) + " -> "
          + SparkMemory.fromMebibytes(next) + " (ceiling " + SparkMemory.fromMebibytes(ceiling) + ")");
    }

    // ---------------------------------------------------------------- unblock and launch

    /** A new value of the unblock annotation resets the failure count and lifts PermanentlyFailed/BackingOff. */
    boolean handleUnblock() {
      String token = job.unblockToken();
      if (token == null || token.equals(status.lastUnblockToken)) {
        return false;
      }
      int failures = status.consecutiveFailures;
      status.lastUnblockToken = token;
      status.consecutiveFailures = 0;
      remediation().infrastructureFailures = 0;
      Conditions.set(status, Conditions.ALERTING, false, "Unblocked", "", now, job.generation());
      Conditions.set(status, Conditions.PERMANENTLY_FAILED, false, "Unblocked", "", now, job.generation());
      if (status.phase == Phase.PermanentlyFailed || status.phase == Phase.BackingOff) {
        status.phase = Phase.Idle;
        status.nextRunTime = null;
      }
      event(EventReason.Unblocked, "unblocked with token " + token + " after " + failures + " consecutive failure"
          + (failures == 1 ? "" : "s") + (status.currentAttempt != null ? "; an attempt is already running" : "; retrying now"));
      return true;
    }

    boolean handleRunNow() {
      Optional<RunNow.Verdict> verdict = RunNow.consider(job.runNowToken(), status, spec);
      verdict.ifPresent(v -> {
        status.lastRunNowToken = job.runNowToken();
        event(EventReason.RunNowRequested, v.message());
      });
      return verdict.map(RunNow.Verdict::launch).orElse(false);
    }

    void decideLaunch(boolean unblocked, boolean runNow) {
      if (spec.suspend()) {
        status.phase = Phase.Suspended;
        status.nextRunTime = null;
        return;
      }
      if (status.phase == Phase.Suspended) {
        status.phase = status.consecutiveFailures > 0 ? Phase.BackingOff : Phase.Idle;
      }
      if (status.phase == Phase.PermanentlyFailed) {
        return;
      }
      Instant retryAt = Times.parse(status.nextRunTime);
      boolean backingOff = FailureBudget.failing(status) && retryAt != null && now.isBefore(retryAt) && !unblocked
          && !runNow;
      if (backingOff) {
        status.phase = Phase.BackingOff;
        wake(retryAt);
        return;
      }
      LaunchPlan.Trigger trigger = unblocked ? LaunchPlan.Trigger.Unblock
          : runNow ? LaunchPlan.Trigger.RunNow
          : FailureBudget.failing(status) ? LaunchPlan.Trigger.Retry : LaunchPlan.Trigger.Schedule;
      if (spec.isOneOff()) {
        if (status.lastSuccessTime != null && !runNow) {
          status.phase = Phase.Completed;
          return;
        }
        launch("once", job.createdAt(), job.createdAt(), trigger == LaunchPlan.Trigger.Schedule ? LaunchPlan.Trigger.OneOff : trigger, 0);
        return;
      }
      Optional<RunWindow> due = RunWindow.due(spec.schedule(), Times.parse(status.lastSuccessfulWindowEnd),
          job.createdAt(), now, spec.maxCatchUpWindows());
      if (due.isEmpty() && runNow) {
        due = RunNow.newestWindow(spec.schedule(), now);
      }
      if (due.isEmpty()) {
        status.phase = Phase.Idle;
        Instant next = spec.schedule().tickAfter(now).orElse(null);
        status.nextRunTime = Times.format(next);
        wake(next);
        return;
      }
      RunWindow w = due.get();
      launch(w.runId(), w.start(), w.end(), trigger, w.skipped());
    }

    void launch(String runId, Instant windowStart, Instant windowEnd, LaunchPlan.Trigger trigger, long skipped) {
      HistoryEntry last = status.history == null || status.history.isEmpty() ? null : status.history.get(0);
      int attempt = last != null && runId.equals(last.runId) ? orZero(last.attempt) + 1 : 1;
      Remediation r = status.remediation;
      boolean fallback = r != null && Boolean.TRUE.equals(r.onDemandFallback);
      CapacityType driverCapacity = fallback ? CapacityType.OnDemand : spec.capacity().driver();
      CapacityType executorCapacity = fallback ? CapacityType.OnDemand : spec.capacity().executors();
      String podName = podNamer.driverPodName(job.name(), runId, attempt);
      launch = new LaunchPlan(runId, attempt, podName, windowStart, windowEnd, driverCapacity, executorCapacity,
          driverMemory(), executorMemory(), trigger);

      Attempt a = new Attempt();
      a.runId = runId;
      a.attempt = attempt;
      a.podName = podName;
      a.windowStart = Times.format(windowStart);
      a.windowEnd = Times.format(windowEnd);
      a.driverCapacity = driverCapacity;
      a.executorCapacity = executorCapacity;
      a.driverMemory = SparkMemory.fromMebibytes(driverMemory());
      a.executorMemory = SparkMemory.fromMebibytes(executorMemory());
      a.startTime = Times.format(now);
      a.trigger = trigger.name();
      status.currentAttempt = a;
      status.phase = Phase.Running;
      status.nextRunTime = null;
      wake(earliest(now.plus(spec.capacity().schedulingTimeout()), now.plus(spec.runTimeout())));
      event(EventReason.RunStarted, trigger + " run " + runId + " attempt " + attempt + ": pod " + podName
          + ", window " + window(a) + ", driver " + driverCapacity + " " + a.driverMemory + ", executors "
          + executorCapacity + " " + a.executorMemory
          + (skipped > 0 ? "; " + skipped + " older missed window(s) skipped (maxCatchUpWindows "
              + spec.maxCatchUpWindows() + ")" : ""));
    }

    // ---------------------------------------------------------------- freshness

    /** When the newest materialized data becomes older than the SLO; null if there is none yet. */
    Instant staleAt() {
      Instant basis = spec.isOneOff() ? Times.parse(status.lastSuccessTime) : Times.parse(status.lastSuccessfulWindowEnd);
      if (basis == null) {
        // Never succeeded: the first window's data is owed from the job's creation on.
        basis = job.createdAt();
      }
      return basis.plus(spec.freshnessSLO());
    }

    void updateFreshness() {
      if (spec.isOneOff() && status.lastSuccessTime != null) {
        Conditions.set(status, Conditions.FRESH, true, "Completed", "one-off run completed", now, job.generation());
        return;
      }
      Instant staleAt = staleAt();
      boolean neverSucceeded = status.lastSuccessTime == null;
      boolean fresh = now.isBefore(staleAt);
      String reason = fresh ? (neverSucceeded ? "NotYetDue" : "WithinSLO") : (neverSucceeded ? "NeverSucceeded" : "Stale");
      Conditions.set(status, Conditions.FRESH, fresh, reason,
          (fresh ? "fresh until " : "stale since ") + Times.format(staleAt) + " (freshnessSLO "
              + GoDuration.format(spec.freshnessSLO()) + ")",
          now, job.generation());
      if (fresh) {
        wake(staleAt);
      }
    }

    // ---------------------------------------------------------------- helpers

    Decision build() {
      Duration requeue = wakeUp == null ? MAX_REQUEUE : Duration.between(now, wakeUp);
      requeue = requeue.isNegative() ? Duration.ZERO : requeue.compareTo(MAX_REQUEUE) > 0 ? MAX_REQUEUE : requeue;
      return new Decision(status, launch, deletePod, List.copyOf(events), List.copyOf(finished), requeue);
    }

    void wake(Instant at) {
      wakeUp = earliest(wakeUp, at);
    }

    void event(EventReason reason, String message) {
      events.add(new Decision.Event(reason, message));
    }

    Remediation remediation() {
      if (status.remediation == null) {
        status.remediation = new Remediation();
      }
      return status.remediation;
    }

    long driverMemory() {
      Remediation r = status.remediation;
      return r != null && r.driverMemory != null ? SparkMemory.toMebibytes(r.driverMemory) : spec.spark().driverMemoryMiB();
    }

    long executorMemory() {
      Remediation r = status.remediation;
      return r != null && r.executorMemory != null ? SparkMemory.toMebibytes(r.executorMemory) : spec.spark().executorMemoryMiB();
    }

    void addHistory(Attempt a, Instant finishedAt, Outcome outcome, Classification c) {
      HistoryEntry h = new HistoryEntry();
      h.runId = a.runId;
      h.attempt = a.attempt;
      h.podName = a.podName;
      h.windowStart = a.windowStart;
      h.windowEnd = a.windowEnd;
      h.startTime = a.startTime;
      h.finishTime = Times.format(finishedAt);
      h.outcome = outcome;
      h.driverCapacity = a.driverCapacity;
      h.executorCapacity = a.executorCapacity;
      h.trigger = a.trigger;
      if (c != null) {
        h.failureClass = c.failureClass();
        h.reason = c.rule();
        h.message = c.message();
      }
      List<HistoryEntry> history = new ArrayList<>();
      history.add(h);
      if (status.history != null) {
        history.addAll(status.history);
      }
      status.history = new ArrayList<>(history.subList(0, Math.min(history.size(), spec.historyLimit())));
    }

    void finished(Attempt a, Instant finishedAt, Outcome outcome, FailureClass failureClass) {
      Instant started = Objects.requireNonNullElse(Times.parse(a.startTime), finishedAt);
      // Executors that never got a node (CapacityUnavailable) used no compute.
      int executors = failureClass == FailureClass.CapacityUnavailable ? 0 : spec.spark().executorInstances();
      finished.add(new Decision.FinishedAttempt(outcome, failureClass, Duration.between(started, finishedAt).abs(),
          a.driverCapacity, a.executorCapacity, executors));
    }
  }

  private static String window(Attempt a) {
    return "[" + a.windowStart + ", " + a.windowEnd + ")";
  }

  private static Instant earliest(Instant a, Instant b) {
    if (a == null) {
      return b;
    }
    if (b == null) {
      return a;
    }
    return a.isBefore(b) ? a : b;
  }

  private static int orZero(Integer i) {
    return i == null ? 0 : i;
  }

  private static String orEmpty(String s) {
    return s == null ? "" : s;
  }

  private static FeatureJobStatus copy(FeatureJobStatus status) {
    return StatusCopy.of(status);
  }
}
