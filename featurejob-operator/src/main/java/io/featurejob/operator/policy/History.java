package io.featurejob.operator.policy;

import io.featurejob.operator.api.Attempt;
import io.featurejob.operator.api.FailureClass;
import io.featurejob.operator.api.HistoryEntry;
import io.featurejob.operator.api.Outcome;
import io.featurejob.operator.api.Times;
import io.featurejob.operator.classify.Classification;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** Every finished attempt: one history entry (newest first, at most historyLimit) and one metrics record. */
final class History {
  private History() {}

  static void finished(Draft d, Attempt a, Instant finishedAt, Outcome outcome, Classification c) {
    d.status.history = add(d.status.history, entry(a, finishedAt, outcome, c), d.spec.historyLimit());
    Instant started = Objects.requireNonNullElse(Times.parse(a.startTime), finishedAt);
    FailureClass failureClass = c == null ? null : c.failureClass();
    // Executors that never got a node (CapacityUnavailable) used no compute.
    int executors = failureClass == FailureClass.CapacityUnavailable ? 0 : d.spec.spark().executorInstances();
    d.finished.add(new Decision.FinishedAttempt(outcome, failureClass, Duration.between(started, finishedAt).abs(),
        a.driverCapacity, a.executorCapacity, executors, c == null ? null : c.pod()));
  }

  static List<HistoryEntry> add(List<HistoryEntry> history, HistoryEntry newest, int limit) {
    List<HistoryEntry> all = new ArrayList<>();
    all.add(newest);
    if (history != null) {
      all.addAll(history);
    }
    return new ArrayList<>(all.subList(0, Math.min(all.size(), limit)));
  }

  static HistoryEntry entry(Attempt a, Instant finishedAt, Outcome outcome, Classification c) {
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
    return h;
  }
}
