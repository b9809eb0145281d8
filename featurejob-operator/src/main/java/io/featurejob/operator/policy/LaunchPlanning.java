package io.featurejob.operator.policy;

import io.featurejob.operator.api.Attempt;
import io.featurejob.operator.api.CapacityType;
import io.featurejob.operator.api.HistoryEntry;
import io.featurejob.operator.api.Phase;
import io.featurejob.operator.api.Remediation;
import io.featurejob.operator.api.SparkMemory;
import io.featurejob.operator.api.Times;
import io.featurejob.operator.events.EventReason;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Whether to start an attempt when none is in flight, and which: nothing while suspended, parked or
 * backing off; the one-off run once; else the due window (coalescing missed ones). Attempts of one run
 * are numbered on from the newest history entry, so pod names never repeat.
 */
final class LaunchPlanning {
  private LaunchPlanning() {}

  static void decide(Draft d, boolean unblocked, boolean runNow) {
    ResolvedSpec spec = d.spec;
    if (spec.suspend()) {
      d.status.phase = Phase.Suspended;
      d.status.nextRunTime = null;
      return;
    }
    if (d.status.phase == Phase.Suspended) {
      d.status.phase = d.status.consecutiveFailures > 0 ? Phase.BackingOff : Phase.Idle;
    }
    if (d.status.phase == Phase.PermanentlyFailed) {
      return;
    }
    Instant retryAt = Times.parse(d.status.nextRunTime);
    if (FailureBudget.failing(d.status) && retryAt != null && d.now.isBefore(retryAt) && !unblocked && !runNow) {
      d.status.phase = Phase.BackingOff;
      d.wake(retryAt);
      return;
    }
    LaunchPlan.Trigger trigger = unblocked ? LaunchPlan.Trigger.Unblock
        : runNow ? LaunchPlan.Trigger.RunNow
        : FailureBudget.failing(d.status) ? LaunchPlan.Trigger.Retry : LaunchPlan.Trigger.Schedule;
    // An extra run (run-now) of work that had already succeeded, or its retry after it failed: the failure's
    // event announced that retry, and nothing else is due to carry it.
    boolean extraRun = runNow || trigger == LaunchPlan.Trigger.Retry;
    if (spec.isOneOff()) {
      if (d.status.lastSuccessTime != null && !extraRun) {
        d.status.phase = Phase.Completed;
        return;
      }
      launch(d, "once", d.job.createdAt(), d.job.createdAt(),
          trigger == LaunchPlan.Trigger.Schedule ? LaunchPlan.Trigger.OneOff : trigger, 0);
      return;
    }
    Optional<RunWindow> due = RunWindow.due(spec.schedule(), Times.parse(d.status.lastSuccessfulWindowEnd),
        d.job.createdAt(), d.now, spec.maxCatchUpWindows());
    if (due.isEmpty() && extraRun) {
      due = RunNow.newestWindow(spec.schedule(), d.now);
    }
    if (due.isEmpty()) {
      d.status.phase = Phase.Idle;
      Instant next = spec.schedule().tickAfter(d.now).orElse(null);
      d.status.nextRunTime = Times.format(next);
      d.wake(next);
      return;
    }
    RunWindow w = due.get();
    launch(d, w.runId(), w.start(), w.end(), trigger, w.skipped());
  }

  /** A new value of the run-now annotation: one extra run, the count and the schedule kept. */
  static boolean runNow(Draft d) {
    Optional<RunNow.Verdict> verdict = RunNow.consider(d.job.runNowToken(), d.status, d.spec);
    verdict.ifPresent(v -> {
      d.status.lastRunNowToken = d.job.runNowToken();
      d.event(EventReason.RunNowRequested, v.message());
    });
    return verdict.map(RunNow.Verdict::launch).orElse(false);
  }

  /** Records the attempt in status and plans its pod; its pod is created after the status is written. */
  static void launch(Draft d, String runId, Instant windowStart, Instant windowEnd, LaunchPlan.Trigger trigger,
      long skipped) {
    HistoryEntry last = d.status.history == null || d.status.history.isEmpty() ? null : d.status.history.get(0);
    int number = last != null && runId.equals(last.runId) && last.attempt != null ? last.attempt + 1 : 1;
    Remediations.beforeLaunch(d);
    Remediation r = d.status.remediation;
    boolean fallback = r != null && Boolean.TRUE.equals(r.onDemandFallback);
    CapacityType driverCapacity = fallback ? CapacityType.OnDemand : d.spec.capacity().driver();
    CapacityType executorCapacity = fallback ? CapacityType.OnDemand : d.spec.capacity().executors();
    long driverMemory = Remediations.driverMemory(d);
    long executorMemory = Remediations.executorMemory(d);
    d.launch = new LaunchPlan(runId, number, d.podNamer.driverPodName(d.job.name(), runId, number), windowStart,
        windowEnd, driverCapacity, executorCapacity, driverMemory, executorMemory, trigger);

    Attempt a = new Attempt();
    a.runId = runId;
    a.attempt = number;
    a.podName = d.launch.podName();
    a.windowStart = Times.format(windowStart);
    a.windowEnd = Times.format(windowEnd);
    a.driverCapacity = driverCapacity;
    a.executorCapacity = executorCapacity;
    a.driverMemory = SparkMemory.fromMebibytes(driverMemory);
    a.executorMemory = SparkMemory.fromMebibytes(executorMemory);
    a.startTime = Times.format(d.now);
    a.trigger = trigger.name();
    d.status.currentAttempt = a;
    d.status.phase = Phase.Running;
    d.status.nextRunTime = null;
    Duration schedulingTimeout = CapacityAwareness.schedulingTimeout(d.spec.capacity(), driverCapacity, executorCapacity,
        d.shortage);
    d.wake(Draft.earliest(d.now.plus(schedulingTimeout), d.now.plus(d.spec.runTimeout())));
    d.event(EventReason.RunStarted, Messages.runStarted(trigger, a, skipped, d.spec.maxCatchUpWindows()));
  }
}
