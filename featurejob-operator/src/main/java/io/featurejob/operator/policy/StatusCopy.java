package io.featurejob.operator.policy;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.featurejob.operator.api.Attempt;
import io.featurejob.operator.api.FailureRecord;
import io.featurejob.operator.api.FeatureJobStatus;
import io.featurejob.operator.api.HistoryEntry;
import io.featurejob.operator.api.Remediation;
import java.util.ArrayList;
import java.util.List;

/**
 * Deep copy of a status, so a decision never mutates its input. Field by field: a Jackson round trip
 * cost ~20-80 us per decision, which dominated the simulator's replay of months of runs.
 * StatusCopyTest fails when a status class gains a field this copy does not carry over.
 */
final class StatusCopy {
  private StatusCopy() {}

  static FeatureJobStatus of(FeatureJobStatus s) {
    FeatureJobStatus c = new FeatureJobStatus();
    if (s == null) {
      return c;
    }
    c.phase = s.phase;
    c.observedGeneration = s.observedGeneration;
    c.observedReferences = s.observedReferences;
    c.consecutiveFailures = s.consecutiveFailures;
    c.nextRunTime = s.nextRunTime;
    c.lastSuccessTime = s.lastSuccessTime;
    c.lastSuccessfulWindowEnd = s.lastSuccessfulWindowEnd;
    c.currentAttempt = of(s.currentAttempt);
    c.lastFailure = of(s.lastFailure);
    c.remediation = of(s.remediation);
    if (s.history != null) {
      c.history = new ArrayList<>(s.history.size());
      s.history.forEach(h -> c.history.add(of(h)));
    }
    if (s.conditions != null) {
      List<Condition> conditions = new ArrayList<>(s.conditions.size());
      s.conditions.forEach(x -> conditions.add(x == null ? null : new ConditionBuilder(x).build()));
      c.conditions = conditions;
    }
    c.lastUnblockToken = s.lastUnblockToken;
    c.lastRunNowToken = s.lastRunNowToken;
    return c;
  }

  static Attempt of(Attempt a) {
    if (a == null) {
      return null;
    }
    Attempt c = new Attempt();
    c.runId = a.runId;
    c.attempt = a.attempt;
    c.podName = a.podName;
    c.podUid = a.podUid;
    c.windowStart = a.windowStart;
    c.windowEnd = a.windowEnd;
    c.driverCapacity = a.driverCapacity;
    c.executorCapacity = a.executorCapacity;
    c.driverMemory = a.driverMemory;
    c.executorMemory = a.executorMemory;
    c.startTime = a.startTime;
    c.trigger = a.trigger;
    return c;
  }

  static FailureRecord of(FailureRecord f) {
    if (f == null) {
      return null;
    }
    FailureRecord c = new FailureRecord();
    c.failureClass = f.failureClass;
    c.transientFailure = f.transientFailure;
    c.reason = f.reason;
    c.message = f.message;
    c.exitCode = f.exitCode;
    c.podName = f.podName;
    c.time = f.time;
    return c;
  }

  static Remediation of(Remediation r) {
    if (r == null) {
      return null;
    }
    Remediation c = new Remediation();
    c.onDemandFallback = r.onDemandFallback;
    c.onDemandFallbackSince = r.onDemandFallbackSince;
    c.onDemandFallbackReason = r.onDemandFallbackReason;
    c.infrastructureFailures = r.infrastructureFailures;
    c.driverMemory = r.driverMemory;
    c.executorMemory = r.executorMemory;
    c.memoryEscalatedAt = r.memoryEscalatedAt;
    c.givenBackDriverMemory = r.givenBackDriverMemory;
    c.givenBackExecutorMemory = r.givenBackExecutorMemory;
    c.memoryGivenBackAt = r.memoryGivenBackAt;
    return c;
  }

  static HistoryEntry of(HistoryEntry h) {
    if (h == null) {
      return null;
    }
    HistoryEntry c = new HistoryEntry();
    c.runId = h.runId;
    c.attempt = h.attempt;
    c.podName = h.podName;
    c.windowStart = h.windowStart;
    c.windowEnd = h.windowEnd;
    c.startTime = h.startTime;
    c.finishTime = h.finishTime;
    c.outcome = h.outcome;
    c.failureClass = h.failureClass;
    c.reason = h.reason;
    c.message = h.message;
    c.driverCapacity = h.driverCapacity;
    c.executorCapacity = h.executorCapacity;
    c.trigger = h.trigger;
    return c;
  }
}
