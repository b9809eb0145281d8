package io.featurejob.operator.observe;

import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.featurejob.operator.api.Attempt;
import io.featurejob.operator.api.FeatureJobStatus;
import io.featurejob.operator.api.HistoryEntry;
import io.featurejob.operator.api.Labels;
import io.featurejob.operator.api.Times;
import io.featurejob.operator.classify.Classifier;
import io.featurejob.operator.spark.PodAttempt;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Reduces all pods carrying a job's label to {@link JobPods}. Pure: no client; {@code now} only fills in
 * what pod status does not say.
 *
 * <p>Ownership, not names or labels, says which pods are the job's: a driver counts only when its
 * controller ownerReference carries the job's UID (anyone who may create pods can copy labels and guess
 * the next deterministic name; an earlier job of the same name leaves pods with its own UID until the
 * garbage collector removes them). Executors count when an ownerReference names their driver's UID.
 */
public final class PodsObserver {
  private final AttemptObserver attempts = new AttemptObserver();

  /**
   * @param jobUid the FeatureJob's metadata.uid
   * @param status the recorded status (may be null)
   * @param pods every pod with the job's label (drivers and executors, any owner)
   */
  public JobPods observe(String jobUid, FeatureJobStatus status, List<Pod> pods, Classifier classifier, Instant now) {
    List<JobPods.IgnoredPod> ignored = new ArrayList<>();
    List<Pod> drivers = new ArrayList<>();
    for (Pod pod : pods) {
      if (!isDriver(pod) || !jobUid.equals(controllerUid(pod))) {
        continue;
      }
      Optional<String> unreadable = unreadable(pod);
      if (unreadable.isPresent()) {
        ignored.add(new JobPods.IgnoredPod(name(pod), unreadable.get()));
      } else {
        drivers.add(pod);
      }
    }
    Attempt recorded = status == null ? null : status.currentAttempt;
    Pod attemptPod;
    Observation observation;
    if (recorded != null) {
      attemptPod = drivers.stream().filter(p -> name(p).equals(recorded.podName)).findFirst().orElse(null);
      Pod squatter = attemptPod != null ? null
          : pods.stream().filter(p -> name(p).equals(recorded.podName)).findFirst().orElse(null);
      if (attemptPod != null) {
        observation = attempts.observe(attemptPod, executorsOf(attemptPod, pods), classifier, now);
      } else if (squatter != null) {
        String owner = owner(squatter);
        ignored.add(new JobPods.IgnoredPod(name(squatter), "not controlled by this FeatureJob (" + owner
            + "); it is not the attempt and is left alone"));
        observation = new Observation.NotOurs(name(squatter), owner);
      } else {
        observation = recorded.podUid == null ? new Observation.NeverCreated() : new Observation.NoPod();
      }
    } else {
      attemptPod = orphan(status, drivers).orElse(null);
      if (attemptPod != null) {
        Attempt adopted = PodAttempt.fromPod(attemptPod);
        adopted.podUid = attemptPod.getMetadata().getUid();
        if (adopted.startTime == null) {
          adopted.startTime = Times.format(created(attemptPod));
        }
        observation = new Observation.Orphan(adopted,
            attempts.observe(attemptPod, executorsOf(attemptPod, pods), classifier, now));
      } else {
        observation = new Observation.NoPod();
      }
    }
    List<JobPods.DriverPod> others = drivers.stream()
        .filter(p -> p != attemptPod)
        .map(p -> new JobPods.DriverPod(name(p), created(p), finished(p), p.getMetadata().getDeletionTimestamp() != null))
        .collect(Collectors.toList());
    return new JobPods(observation, attemptPod == null ? null : attemptPod.getMetadata().getUid(), others, ignored);
  }

  /**
   * A driver of the job that the status lost track of: not in the history, not being deleted, created no
   * earlier than the newest recorded attempt started (older ones were recorded and fell out of history).
   */
  private static Optional<Pod> orphan(FeatureJobStatus status, List<Pod> drivers) {
    List<HistoryEntry> history = status == null || status.history == null ? List.of() : status.history;
    Set<String> recorded = history.stream().map(h -> h.podName).collect(Collectors.toSet());
    Instant newestRecorded = history.isEmpty() ? null : Times.parse(history.get(0).startTime);
    return drivers.stream()
        .filter(p -> !recorded.contains(name(p)))
        .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
        .filter(p -> newestRecorded == null || !created(p).isBefore(newestRecorded))
        .max(Comparator.comparing(PodsObserver::created));
  }

  /** Why the labels and annotations of a driver cannot be read back as an attempt, if they cannot. */
  private static Optional<String> unreadable(Pod pod) {
    try {
      PodAttempt.planFromPod(pod);
      return Optional.empty();
    } catch (IllegalArgumentException | DateTimeParseException e) { // NumberFormatException is an IAE
      return Optional.of("labels or annotations are not the operator's (" + e.getMessage() + "); left alone");
    }
  }

  private static List<Pod> executorsOf(Pod driver, List<Pod> pods) {
    String uid = driver.getMetadata().getUid();
    return pods.stream()
        .filter(p -> Labels.ROLE_EXECUTOR.equals(labels(p).get(Labels.SPARK_ROLE)))
        .filter(p -> p.getMetadata().getOwnerReferences() != null
            && p.getMetadata().getOwnerReferences().stream().anyMatch(o -> Objects.equals(uid, o.getUid())))
        .collect(Collectors.toList());
  }

  private static boolean isDriver(Pod pod) {
    return Labels.ROLE_DRIVER.equals(labels(pod).get(Labels.SPARK_ROLE));
  }

  private static String controllerUid(Pod pod) {
    List<OwnerReference> owners = pod.getMetadata().getOwnerReferences();
    return owners == null ? null : owners.stream().filter(o -> Boolean.TRUE.equals(o.getController()))
        .map(OwnerReference::getUid).findFirst().orElse(null);
  }

  private static String owner(Pod pod) {
    List<OwnerReference> owners = pod.getMetadata().getOwnerReferences();
    return owners == null ? "no owner" : owners.stream().filter(o -> Boolean.TRUE.equals(o.getController()))
        .map(o -> "controller " + o.getKind() + "/" + o.getName() + " uid " + o.getUid())
        .findFirst().orElse("no controller");
  }

  private static boolean finished(Pod pod) {
    String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
    return "Succeeded".equals(phase) || "Failed".equals(phase);
  }

  private static Map<String, String> labels(Pod pod) {
    return pod.getMetadata().getLabels() == null ? Map.of() : pod.getMetadata().getLabels();
  }

  private static String name(Pod pod) {
    return pod.getMetadata().getName();
  }

  private static Instant created(Pod pod) {
    try {
      return Objects.requireNonNullElse(Times.parse(pod.getMetadata().getCreationTimestamp()), Instant.EPOCH);
    } catch (DateTimeParseException e) {
      return Instant.EPOCH;
    }
  }
}
