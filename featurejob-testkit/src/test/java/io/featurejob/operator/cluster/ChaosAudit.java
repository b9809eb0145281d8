package io.featurejob.operator.cluster;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntry;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.featurejob.operator.api.FailureClass;
import io.featurejob.operator.api.FeatureJob;
import io.featurejob.operator.api.FeatureJobStatus;
import io.featurejob.operator.api.HistoryEntry;
import io.featurejob.operator.api.Labels;
import io.featurejob.operator.api.Outcome;
import io.featurejob.operator.api.Phase;
import io.featurejob.operator.api.Times;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What the chaos scenarios must never produce, counted from the API server's own records after each one:
 * the job's driver pods (owner UID, attempt label, container start and finish times), its status history,
 * and the field managers and times of every write. One row per scenario; {@link #table} prints them.
 */
final class ChaosAudit {
  static final String DUPLICATE_DRIVERS = "duplicate drivers";
  static final String TWO_RUNS = "two runs of one window";
  static final String NEVER_STARTED = "failures of attempts never started";
  static final String OTHER_CLASS = "failures not of the script's class";
  static final String LOST = "lost transitions";
  static final String NO_DEADLINE = "jobs without a next deadline";
  static final String STALE_WRITES = "stale-leader writes";
  /** Unexpected errors the operator reported (a transient API error must be retried, not reported). */
  static final String ERROR_EVENTS = "ReconcileError events";
  static final List<String> COLUMNS = List.of(DUPLICATE_DRIVERS, TWO_RUNS, NEVER_STARTED, OTHER_CLASS, LOST,
      NO_DEADLINE, STALE_WRITES, ERROR_EVENTS);

  /** A scenario's counts (null = does not apply: one operator, no leader to go stale) and what it did. */
  record Row(String scenario, Map<String, Integer> counts, String faults, long seconds, long settledAfterFault) {
    Map<String, Integer> nonZero() {
      Map<String, Integer> bad = new LinkedHashMap<>();
      counts.forEach((k, v) -> {
        if (v != null && v != 0) {
          bad.put(k, v);
        }
      });
      return bad;
    }
  }

  private ChaosAudit() {}

  /**
   * The counts over {@code jobs}. Every driver fails with the script's class ({@code scripted}) or succeeds;
   * no pod is deleted in these storms, so every driver the kubelet admitted is still listed.
   */
  static Map<String, Integer> audit(ClusterHarness h, List<String> jobs, FailureClass scripted) {
    Map<String, Integer> counts = new LinkedHashMap<>();
    COLUMNS.forEach(c -> counts.put(c, 0));
    counts.put(STALE_WRITES, null);
    for (String job : jobs) {
      FeatureJob featureJob = h.job(job);
      FeatureJobStatus status = featureJob.getStatus();
      String uid = featureJob.getMetadata().getUid();
      List<Pod> drivers = h.driverPods(job).stream().filter(p -> uid.equals(controllerUid(p))).toList();
      List<HistoryEntry> history = status.history == null ? List.of() : status.history;
      Map<String, Pod> byName = drivers.stream().collect(Collectors.toMap(p -> p.getMetadata().getName(), p -> p));
      Set<String> recorded = history.stream().map(e -> e.podName).collect(Collectors.toSet());

      // A pod name created twice (the kubelet admits by UID), or two pods carrying one attempt number.
      int recreated = Math.max(0, h.kubelet.driversCreated(job) - drivers.size());
      int sameAttempt = drivers.size() - (int) drivers.stream()
          .map(p -> p.getMetadata().getLabels().get(Labels.ATTEMPT)).distinct().count();
      counts.merge(DUPLICATE_DRIVERS, recreated + sameAttempt, Integer::sum);
      counts.merge(TWO_RUNS, overlaps(drivers), Integer::sum);
      List<HistoryEntry> failed = history.stream().filter(e -> e.outcome == Outcome.Failed).toList();
      counts.merge(NEVER_STARTED, (int) failed.stream()
          .filter(e -> !byName.containsKey(e.podName) || ran(byName.get(e.podName)) == null).count(), Integer::sum);
      counts.merge(OTHER_CLASS, (int) failed.stream().filter(e -> e.failureClass != scripted).count(), Integer::sum);
      counts.merge(LOST, (int) drivers.stream().filter(ChaosAudit::finished)
          .filter(p -> !recorded.contains(p.getMetadata().getName())).count(), Integer::sum);
      boolean hasDeadline = status.currentAttempt != null || status.phase == Phase.PermanentlyFailed
          || status.phase == Phase.Completed || status.nextRunTime != null;
      counts.merge(NO_DEADLINE, hasDeadline ? 0 : 1, Integer::sum);
    }
    return counts;
  }

  /**
   * Writes by a former leader that the API server accepted after its successor took over: the field
   * manager {@code manager} (its User-Agent) with a write time after {@code takeover}, on any of
   * {@code objects}. The API server keeps each manager's latest write time per object (whole seconds);
   * the former leader was paused a whole lease before the takeover, so its last legitimate write is earlier.
   */
  static int staleWrites(List<? extends HasMetadata> objects, Map<String, Instant> takeoverByManager) {
    int stale = 0;
    Set<String> seen = new java.util.HashSet<>();
    for (HasMetadata object : objects) {
      for (ManagedFieldsEntry entry : object.getMetadata().getManagedFields()) {
        Instant takeover = takeoverByManager.get(entry.getManager());
        if (takeover != null) {
          seen.add(entry.getManager());
        }
        if (takeover != null && entry.getTime() != null && Times.parse(entry.getTime()).isAfter(takeover)) {
          System.out.println("stale write by " + entry.getManager() + " at " + entry.getTime() + " (takeover "
              + takeover + "): " + object.getKind() + " " + object.getMetadata().getName() + " "
              + entry.getOperation() + " " + Objects.toString(entry.getSubresource(), ""));
          stale++;
        }
      }
    }
    if (!seen.equals(takeoverByManager.keySet())) {
      // A check that cannot see a former leader's writes at all could never fail.
      throw new AssertionError("no write of " + takeoverByManager.keySet() + " in the records, only of " + seen);
    }
    return stale;
  }

  /** Pairs of a job's drivers whose containers ran at the same time: one window run twice at once. */
  private static int overlaps(List<Pod> drivers) {
    int pairs = 0;
    for (int i = 0; i < drivers.size(); i++) {
      for (int j = i + 1; j < drivers.size(); j++) {
        Instant[] a = ran(drivers.get(i));
        Instant[] b = ran(drivers.get(j));
        if (a != null && b != null && a[0].isBefore(b[1]) && b[0].isBefore(a[1])) {
          pairs++;
        }
      }
    }
    return pairs;
  }

  /** [started, finished) of the driver container; finished = never while it runs; null if it never ran. */
  private static Instant[] ran(Pod pod) {
    if (pod.getStatus() == null || pod.getStatus().getContainerStatuses() == null) {
      return null;
    }
    for (ContainerStatus cs : pod.getStatus().getContainerStatuses()) {
      if (cs.getState() == null) {
        continue;
      }
      if (cs.getState().getTerminated() != null && cs.getState().getTerminated().getStartedAt() != null) {
        return new Instant[] {Times.parse(cs.getState().getTerminated().getStartedAt()),
            Times.parse(cs.getState().getTerminated().getFinishedAt())};
      }
      if (cs.getState().getRunning() != null) {
        return new Instant[] {Times.parse(cs.getState().getRunning().getStartedAt()), Instant.MAX};
      }
    }
    return null;
  }

  private static boolean finished(Pod pod) {
    String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
    return "Succeeded".equals(phase) || "Failed".equals(phase);
  }

  private static String controllerUid(Pod pod) {
    return pod.getMetadata().getOwnerReferences().stream().filter(o -> Boolean.TRUE.equals(o.getController()))
        .map(OwnerReference::getUid).filter(Objects::nonNull).findFirst().orElse(null);
  }

  /** The markdown table: one row per scenario, a column per count ("n/a" where it does not apply). */
  static String table(List<Row> rows) {
    List<String> header = new ArrayList<>(List.of("scenario"));
    header.addAll(COLUMNS);
    header.addAll(List.of("faults injected", "storm seconds", "settled s after last fault"));
    StringBuilder out = new StringBuilder("| " + String.join(" | ", header) + " |\n|");
    header.forEach(h -> out.append("---|"));
    out.append('\n');
    for (Row row : rows) {
      out.append("| ").append(row.scenario());
      for (String column : COLUMNS) {
        Integer v = row.counts().get(column);
        out.append(" | ").append(v == null ? "n/a" : v.toString());
      }
      out.append(" | ").append(row.faults()).append(" | ").append(row.seconds()).append(" | ")
          .append(row.settledAfterFault()).append(" |\n");
    }
    return out.toString();
  }

  static void write(Path file, String text) {
    try {
      Files.createDirectories(file.getParent());
      Files.writeString(file, text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
