package io.featurejob.operator.policy;

import io.featurejob.operator.api.Attempt;
import io.featurejob.operator.api.FailureClass;
import io.featurejob.operator.api.GoDuration;
import io.featurejob.operator.api.Labels;
import io.featurejob.operator.classify.Classification;
import io.featurejob.operator.classify.Evidence.Role;
import java.time.Duration;
import java.time.Instant;

/** The texts of the events and conditions the core writes: what a user reads in kubectl describe. */
final class Messages {
  private Messages() {}

  static Classification schedulingTimeout(Instant since, Instant now, Duration timeout, String podMessage) {
    return new Classification(FailureClass.CapacityUnavailable, "builtin:scheduling-timeout",
        "driver pod pending for " + GoDuration.format(Duration.between(since, now))
            + " (schedulingTimeout " + GoDuration.format(timeout) + ")",
        orEmpty(podMessage), null, null, Role.Driver);
  }

  static Classification executorsUnschedulable(Instant since, Instant now, Duration timeout, String podMessage) {
    return new Classification(FailureClass.CapacityUnavailable, "builtin:executors-unschedulable",
        "executor pods unschedulable for " + GoDuration.format(Duration.between(since, now))
            + " (schedulingTimeout " + GoDuration.format(timeout) + ")",
        orEmpty(podMessage), null, null, Role.Executor);
  }

  static Classification runTimeout(Instant started, Instant now, Duration runTimeout) {
    return new Classification(FailureClass.Timeout, "builtin:run-timeout",
        "attempt ran for " + GoDuration.format(Duration.between(started, now)) + " (runTimeout "
            + GoDuration.format(runTimeout) + ")",
        "run exceeded runTimeout of " + GoDuration.format(runTimeout), null, null);
  }

  static String rejected(Attempt a, String apiMessage) {
    return "the API server rejected driver pod " + a.podName + ": " + orEmpty(apiMessage);
  }

  static String nameTaken(String podName) {
    return "driver pod name " + podName + " is taken by a pod this FeatureJob does not control; the next attempt"
        + " uses a new name";
  }

  static String vanished(Attempt a) {
    return "driver pod " + a.podName + " was deleted before the run finished";
  }

  static String podIgnored(String podName, String why) {
    return "pod " + podName + " has this job's labels but " + why;
  }

  static String runStarted(LaunchPlan.Trigger trigger, Attempt a, long skipped, int maxCatchUpWindows) {
    return trigger + " run " + a.runId + " attempt " + a.attempt + ": pod " + a.podName + ", window " + window(a)
        + ", driver " + a.driverCapacity + " " + a.driverMemory + ", executors " + a.executorCapacity + " "
        + a.executorMemory
        + (skipped > 0 ? "; " + skipped + " older missed window(s) skipped (maxCatchUpWindows " + maxCatchUpWindows
            + ")" : "");
  }

  static String runSucceeded(Attempt a, boolean fallbackReverted) {
    return "run " + a.runId + " attempt " + a.attempt + " succeeded (pod " + a.podName + ", window " + window(a) + ")"
        + (fallbackReverted ? "; spot capacity is used again from the next run" : "");
  }

  static String recovered(int failuresBefore) {
    return "recovered after " + failures(failuresBefore);
  }

  static String runFailed(Attempt a, Classification c) {
    return c.failureClass() + ": " + orEmpty(c.message()) + " (run " + a.runId + " attempt " + a.attempt + ", pod "
        + a.podName + ", rule " + c.rule() + ")";
  }

  static String healthy(int failures) {
    return failures + " consecutive failure" + (failures == 1 ? "" : "s");
  }

  static String alerting(int failures, int alertAfter) {
    return failures + " consecutive failures >= alertAfterFailures " + alertAfter;
  }

  static String alertThresholdReached(JobRef job, int failures, Classification c) {
    return failures + " consecutive failures, features are getting stale; last: " + c.failureClass() + ": "
        + orEmpty(c.message()) + ". " + AFTER_A_FIX + unblockCommand(job);
  }

  /** What the warning says about fixes: the ones the operator sees retry by themselves. */
  static final String AFTER_A_FIX = "A spec edit or a change of a Secret or ConfigMap the job references retries at"
      + " once; after a fix outside the cluster (e.g. a GRANT), retry now with: ";

  static String parkedCondition(JobRef job, int failures) {
    return "parked after " + failures + " consecutive failures; unblock with: " + unblockCommand(job);
  }

  static String parkedEvent(JobRef job, int failures, int cap, FailureClass last) {
    return "parked after " + failures + " consecutive failures (cap " + cap + "); last: " + last
        + ". Fix the cause, then: " + unblockCommand(job);
  }

  static String retryScheduled(Duration delay, Instant retryAt, int failures, int cap) {
    return "retry in " + GoDuration.format(delay) + " at " + io.featurejob.operator.api.Times.format(retryAt)
        + " (failure " + failures + " of at most " + cap + ")";
  }

  static String retryScheduledUncounted(Duration delay, Instant retryAt) {
    return "retry in " + GoDuration.format(delay) + " at " + io.featurejob.operator.api.Times.format(retryAt)
        + " (infrastructure failure, not counted toward maxConsecutiveFailures)";
  }

  static String unblocked(String token, int failures, boolean running) {
    return "unblocked with token " + token + " after " + failures(failures)
        + (running ? "; an attempt is already running" : "; retrying now");
  }

  static String unblockedByFix(String fix, int failures, boolean running) {
    return fix + " after " + failures(failures) + ": the failure count is reset"
        + (running ? "; an attempt is already running" : "; retrying now");
  }

  static String memoryGivenBack(String side, String from, String to, Duration keepFor) {
    return side + " memory " + from + " -> " + to + " (the spec's): no OutOfMemory for "
        + GoDuration.format(keepFor);
  }

  static String fallback(String why) {
    return "spot pods move to on-demand until the next success: " + why;
  }

  static String memoryAtCeiling(String side, String ceiling) {
    return side + " memory already at its ceiling of " + ceiling + "; not raised";
  }

  static String memoryRestored(String side, String from, String to, Duration since, Duration keepFor) {
    return side + " memory " + from + " -> " + to + ": the size given back " + GoDuration.format(since)
        + " ago (an OutOfMemory within keepFor " + GoDuration.format(keepFor) + " of giving it back)";
  }

  static String memoryEscalated(String side, String from, String to, String ceiling) {
    return side + " memory " + from + " -> " + to + " (ceiling " + ceiling + ")";
  }

  static String invalidSpec(String problems) {
    return "spec is invalid, nothing will run until it is fixed: " + problems;
  }

  static String window(Attempt a) {
    return "[" + a.windowStart + ", " + a.windowEnd + ")";
  }

  private static String unblockCommand(JobRef job) {
    return "kubectl annotate fj " + job.name() + " -n " + job.namespace() + " " + Labels.UNBLOCK
        + "=\"$(date +%s)\" --overwrite";
  }

  private static String failures(int n) {
    return n + " consecutive failure" + (n == 1 ? "" : "s");
  }

  static String orEmpty(String s) {
    return s == null ? "" : s;
  }
}
