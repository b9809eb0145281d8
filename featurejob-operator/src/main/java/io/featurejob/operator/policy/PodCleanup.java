package io.featurejob.operator.policy;

import io.featurejob.operator.api.FeatureJobStatus;
import io.featurejob.operator.api.HistoryEntry;
import io.featurejob.operator.api.Times;
import io.featurejob.operator.observe.JobPods;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Which of the job's own driver pods to delete, from the status a decision records. Asked on every
 * decision, so a delete that was lost (API error, operator stopped after the status write) is repeated
 * until the pod is gone: a timed-out driver never keeps running next to the next attempt.
 */
final class PodCleanup {
  private PodCleanup() {}

  /**
   * @param others the job's drivers besides the attempt in flight (see JobPods)
   * @param stopAttempt the attempt's pod the decision stops (timeout, stuck), or null
   */
  static List<String> toDelete(FeatureJobStatus status, List<JobPods.DriverPod> others, String stopAttempt) {
    List<String> delete = new ArrayList<>();
    if (stopAttempt != null) {
      delete.add(stopAttempt);
    }
    String current = status.currentAttempt == null ? null : status.currentAttempt.podName;
    Set<String> kept = new HashSet<>();
    List<HistoryEntry> history = status.history == null ? List.of() : status.history;
    history.forEach(h -> kept.add(h.podName));
    Instant oldestKept = history.isEmpty() ? null : Times.parse(history.get(history.size() - 1).startTime);
    for (JobPods.DriverPod pod : others) {
      if (pod.deleting() || pod.name().equals(current) || delete.contains(pod.name())) {
        continue;
      }
      // Still running but not the attempt in flight: a lost delete, or a pod of a stale decision.
      boolean stray = !pod.finished();
      // Finished and out of the bounded history: would pile up.
      boolean expired = pod.finished() && !kept.contains(pod.name()) && oldestKept != null
          && pod.created().isBefore(oldestKept);
      if (stray || expired) {
        delete.add(pod.name());
      }
    }
    return List.copyOf(delete);
  }
}
