package io.featurejob.operator.controller;

import io.featurejob.operator.api.FailureRecord;
import io.featurejob.operator.api.FeatureJobStatus;
import io.featurejob.operator.api.Times;
import io.featurejob.operator.events.EventReason;
import io.featurejob.operator.policy.Decision;
import io.featurejob.operator.policy.LaunchPlan;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Which of a decision's events are written: one per transition that matters, so that a storm of retries
 * costs no event writes once it is under way (issue 15). Pure; a row per rule in EventSelectionTest.
 *
 * <ul>
 *   <li>RetryScheduled goes into the RunFailed of the same decision (one event: what failed, when it is
 *       retried).
 *   <li>RunStarted of a retry is not written: the failure before it said when the retry starts.
 *   <li>An uncounted failure (infrastructure: no capacity, spot reclaim) of the same class as the failure
 *       before it, with no success in between, is not written: the job is still in the transition its
 *       first failure reported. Counted failures are always written (they are bounded by
 *       maxConsecutiveFailures). The status (lastFailure, history) and the run metrics show every one.
 * </ul>
 * Every other event (alerts, parking, recovery, fallback, invalid spec...) is written as decided.
 */
final class EventSelection {
  private EventSelection() {}

  static List<Decision.Event> select(FeatureJobStatus before, Decision decision) {
    List<Decision.Event> events = decision.events();
    Decision.Event failed = find(events, EventReason.RunFailed);
    Decision.Event retry = find(events, EventReason.RetryScheduled);
    boolean quietFailure = failed != null && repeatsUncountedFailure(before, decision.status());
    boolean retryLaunch = decision.launch() != null && decision.launch().trigger() == LaunchPlan.Trigger.Retry;
    List<Decision.Event> out = new ArrayList<>(events.size());
    for (Decision.Event e : events) {
      if (e.reason() == EventReason.RunFailed) {
        if (!quietFailure) {
          out.add(retry == null ? e : new Decision.Event(EventReason.RunFailed, e.message() + "; " + retry.message()));
        }
      } else if (e.reason() == EventReason.RetryScheduled) {
        if (failed == null) {
          out.add(e);
        }
      } else if (e.reason() != EventReason.RunStarted || !retryLaunch) {
        out.add(e);
      }
    }
    return out;
  }

  /** The new failure did not count and has the class of the failure before it, with no success since. */
  static boolean repeatsUncountedFailure(FeatureJobStatus before, FeatureJobStatus after) {
    if (before == null || before.lastFailure == null || after == null || after.lastFailure == null) {
      return false;
    }
    boolean counted = !Objects.equals(before.consecutiveFailures, after.consecutiveFailures);
    FailureRecord last = before.lastFailure;
    Instant lastFailed = Times.parse(last.time);
    Instant lastSucceeded = Times.parse(before.lastSuccessTime);
    boolean successSince = lastSucceeded != null && (lastFailed == null || !lastSucceeded.isBefore(lastFailed));
    return !counted && !successSince && last.failureClass == after.lastFailure.failureClass;
  }

  private static Decision.Event find(List<Decision.Event> events, EventReason reason) {
    return events.stream().filter(e -> e.reason() == reason).findFirst().orElse(null);
  }
}
