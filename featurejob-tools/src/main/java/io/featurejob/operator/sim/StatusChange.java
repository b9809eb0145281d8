package io.featurejob.operator.sim;

import io.featurejob.operator.api.FeatureJobStatus;
import io.featurejob.operator.api.HistoryEntry;
import io.featurejob.operator.api.Remediation;
import java.util.List;
import java.util.Objects;

/**
 * Whether a decision changed the status, i.e. whether the API server stores a new version (it drops
 * an update that changes nothing). Field by field, cheaper than serialising both.
 */
final class StatusChange {
  private StatusChange() {}

  static boolean changed(FeatureJobStatus a, FeatureJobStatus b) {
    return a.phase != b.phase
        || !Objects.equals(a.consecutiveFailures, b.consecutiveFailures)
        || !Objects.equals(a.nextRunTime, b.nextRunTime)
        || !Objects.equals(a.lastSuccessTime, b.lastSuccessTime)
        || !Objects.equals(a.lastSuccessfulWindowEnd, b.lastSuccessfulWindowEnd)
        || !Objects.equals(a.lastUnblockToken, b.lastUnblockToken)
        || !Objects.equals(a.observedGeneration, b.observedGeneration)
        || !Objects.equals(a.observedReferences, b.observedReferences)
        || !Objects.equals(a.currentAttempt == null ? null : a.currentAttempt.podName,
            b.currentAttempt == null ? null : b.currentAttempt.podName)
        || !Objects.equals(a.lastFailure == null ? null : a.lastFailure.time, b.lastFailure == null ? null : b.lastFailure.time)
        || remediationChanged(a.remediation, b.remediation)
        || historyChanged(a.history, b.history)
        || !Objects.equals(a.conditions, b.conditions);
  }

  private static boolean remediationChanged(Remediation a, Remediation b) {
    if (a == null || b == null) {
      return a != b;
    }
    return !Objects.equals(a.onDemandFallback, b.onDemandFallback)
        || !Objects.equals(a.infrastructureFailures, b.infrastructureFailures)
        || !Objects.equals(a.driverMemory, b.driverMemory)
        || !Objects.equals(a.executorMemory, b.executorMemory)
        || !Objects.equals(a.memoryEscalatedAt, b.memoryEscalatedAt);
  }

  private static boolean historyChanged(List<HistoryEntry> a, List<HistoryEntry> b) {
    int sa = a == null ? 0 : a.size();
    int sb = b == null ? 0 : b.size();
    if (sa != sb) {
      return true;
    }
    return sa > 0 && (!Objects.equals(a.get(0).podName, b.get(0).podName) || a.get(0).outcome != b.get(0).outcome);
  }
}
