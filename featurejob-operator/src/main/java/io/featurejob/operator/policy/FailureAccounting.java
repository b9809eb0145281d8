package io.featurejob.operator.policy;

import io.featurejob.operator.api.Attempt;
import io.featurejob.operator.api.FailureRecord;
import io.featurejob.operator.api.Phase;
import io.featurejob.operator.api.Times;
import io.featurejob.operator.classify.Classification;
import io.featurejob.operator.events.EventReason;
import java.time.Duration;
import java.time.Instant;

/**
 * The consecutive-failure count and what hangs on it: Healthy and Alerting, the alert at
 * {@code alertAfterFailures}, parking at {@code maxConsecutiveFailures}, the retry time; a success or an
 * unblock resets it. Every class counts and backs off the same way (the class only picks the remedy),
 * except that with {@code retryPolicy.countInfrastructureFailures: false} SpotInterruption and
 * CapacityUnavailable back off without counting ({@link FailureBudget}).
 */
final class FailureAccounting {
  private FailureAccounting() {}

  /** Records a success of {@code a}; returns the number of failures it ended. */
  static int succeeded(Draft d, Attempt a, Instant finishedAt) {
    int failuresBefore = d.status.consecutiveFailures;
    d.status.currentAttempt = null;
    d.status.consecutiveFailures = 0;
    d.status.lastSuccessTime = Times.format(finishedAt);
    if (a.windowEnd != null && !d.spec.isOneOff()) {
      d.status.lastSuccessfulWindowEnd = a.windowEnd;
    }
    d.condition(Conditions.HEALTHY, true, "Succeeded", "last run succeeded");
    d.condition(Conditions.ALERTING, false, "Succeeded", "");
    d.condition(Conditions.PERMANENTLY_FAILED, false, "Succeeded", "");
    d.status.phase = d.spec.isOneOff() ? Phase.Completed : Phase.Idle;
    d.status.nextRunTime = null;
    return failuresBefore;
  }

  /** Counts a failure of {@code a} and records it as the last failure. */
  static void failed(Draft d, Attempt a, Classification c, Instant finishedAt) {
    ResolvedSpec.Retry retry = d.spec.retry();
    Duration nextIfCounted = RetryBackoff.delay(retry, d.status.consecutiveFailures + 1, d.job.uid());
    boolean counted = FailureBudget.counts(retry, c.failureClass(),
        FailureBudget.atRisk(d.now, nextIfCounted, Freshness.staleAt(d)));
    d.failureCounted = counted;
    d.status.consecutiveFailures = d.status.consecutiveFailures + (counted ? 1 : 0);
    d.status.currentAttempt = null;
    d.status.lastFailure = record(a, c, finishedAt);
    d.event(EventReason.RunFailed, Messages.runFailed(a, c));
  }

  /**
   * What the count now means: conditions, the alert, parking or the retry time. Returns when the retry is
   * due, or null when the job is now parked.
   */
  static Instant afterFailure(Draft d, Classification c) {
    int failures = d.status.consecutiveFailures;
    ResolvedSpec.Retry retry = d.spec.retry();
    boolean counted = d.failureCounted;
    d.condition(Conditions.HEALTHY, false, c.failureClass().name(),
        Messages.healthy(failures) + (counted ? "" : " (infrastructure failures not counted)"));
    boolean alerting = failures >= retry.alertAfterFailures();
    d.condition(Conditions.ALERTING, alerting, alerting ? "FailureThresholdReached" : "BelowThreshold",
        alerting ? Messages.alerting(failures, retry.alertAfterFailures()) : "");
    if (counted && failures == retry.alertAfterFailures()) {
      d.event(EventReason.AlertThresholdReached, Messages.alertThresholdReached(d.job, failures, c));
    }
    if (counted && failures >= retry.maxConsecutiveFailures()) {
      d.status.phase = Phase.PermanentlyFailed;
      d.status.nextRunTime = null;
      d.condition(Conditions.PERMANENTLY_FAILED, true, c.failureClass().name(), Messages.parkedCondition(d.job, failures));
      d.event(EventReason.PermanentlyFailed,
          Messages.parkedEvent(d.job, failures, retry.maxConsecutiveFailures(), c.failureClass()));
      return null;
    }
    int infrastructureStreak = d.status.remediation == null || d.status.remediation.infrastructureFailures == null
        ? 0 : d.status.remediation.infrastructureFailures;
    Duration delay = RetryBackoff.delay(retry, FailureBudget.backoffStep(failures, infrastructureStreak, counted),
        d.job.uid());
    // a whole second, so status.nextRunTime (second precision) is the very instant of the retry, not up to a
    // second before it
    Instant retryAt = Times.ceilToSecond(d.now.plus(delay));
    d.status.phase = Phase.BackingOff;
    d.status.nextRunTime = Times.format(retryAt);
    Duration wait = Duration.between(d.now, retryAt); // the rounded wait, so "retry in" and "at" agree
    d.event(EventReason.RetryScheduled, counted
        ? Messages.retryScheduled(wait, retryAt, failures, retry.maxConsecutiveFailures())
        : Messages.retryScheduledUncounted(wait, retryAt));
    return retryAt;
  }

  /** A new value of the unblock annotation resets the count and lifts PermanentlyFailed/BackingOff. */
  static boolean unblock(Draft d) {
    String token = d.job.unblockToken();
    if (token == null || token.equals(d.status.lastUnblockToken)) {
      return false;
    }
    int failures = d.status.consecutiveFailures;
    d.status.lastUnblockToken = token;
    reset(d);
    d.event(EventReason.Unblocked, Messages.unblocked(token, failures, d.status.currentAttempt != null));
    return true;
  }

  /** A fix the operator saw ({@link RetryOnFix}) unblocks like the annotation, without a human. */
  static boolean unblockOnFix(Draft d, String fix) {
    int failures = d.status.consecutiveFailures;
    if (failures == 0 && !FailureBudget.failing(d.status)) {
      return false; // the attempt settled in this decision succeeded: nothing left to unblock
    }
    reset(d);
    d.event(EventReason.Unblocked, Messages.unblockedByFix(fix, failures, d.status.currentAttempt != null));
    return true;
  }

  private static void reset(Draft d) {
    d.status.consecutiveFailures = 0;
    d.remediation().infrastructureFailures = 0;
    d.condition(Conditions.ALERTING, false, "Unblocked", "");
    d.condition(Conditions.PERMANENTLY_FAILED, false, "Unblocked", "");
    if (d.status.phase == Phase.PermanentlyFailed || d.status.phase == Phase.BackingOff) {
      d.status.phase = Phase.Idle;
      d.status.nextRunTime = null;
    }
  }

  private static FailureRecord record(Attempt a, Classification c, Instant finishedAt) {
    FailureRecord record = new FailureRecord();
    record.failureClass = c.failureClass();
    record.transientFailure = c.failureClass().isTransient();
    record.reason = c.rule();
    record.message = c.message();
    record.exitCode = c.exitCode();
    record.podName = a.podName;
    record.time = Times.format(finishedAt);
    return record;
  }
}
