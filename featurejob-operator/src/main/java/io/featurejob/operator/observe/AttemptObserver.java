package io.featurejob.operator.observe;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.featurejob.operator.api.FailureClass;
import io.featurejob.operator.api.Times;
import io.featurejob.operator.classify.Classification;
import io.featurejob.operator.classify.Classifier;
import io.featurejob.operator.classify.Evidence;
import io.featurejob.operator.classify.Redactor;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * Reduces the driver pod and its executor pods to an {@link Observation}. Pure: no client, no clock
 * of its own; times come from pod status, and {@code now} only fills in what status does not say.
 */
public final class AttemptObserver {

  /** The condition that tells whether the scheduler has placed the pod. */
  static final String POD_SCHEDULED = "PodScheduled";
  static final String UNSCHEDULABLE = "Unschedulable";
  /** A driver someone deleted (no DisruptionTarget) whose container the deletion stopped. */
  public static final String POD_DELETED_RULE = "builtin:pod-deleted";
  /** The rule for a driver that exited 137/143 with nothing else said (default-rules.yaml). */
  static final String KILLED_BY_SIGNAL_RULE = "builtin:driver-killed-by-signal";

  /**
   * @param driver the attempt's driver pod, or null if there is none
   * @param executors its executor pods (may be empty or null)
   */
  public Observation observe(Pod driver, List<Pod> executors, Classifier classifier, Instant now) {
    if (driver == null) {
      return new Observation.NoPod();
    }
    List<Pod> execs = executors == null ? List.of() : executors;
    PodStatus status = driver.getStatus() == null ? new PodStatus() : driver.getStatus();

    // Kubernetes marks a pod it is about to take away (spot reclaim, drain, preemption) with
    // DisruptionTarget and deletes it; the attempt is lost even though the phase may still say Running.
    if (driver.getMetadata() != null
        && driver.getMetadata().getDeletionTimestamp() != null
        && disruption(status) != null) {
      Classification c = classifier.classify(Evidence.fromPods(driver, execs));
      if (isFallThrough(c)) {
        // No rule knew this disruption reason (a newer Kubernetes); being taken away is still not
        // the job's fault, and the exit code of a container killed on the way out says nothing.
        PodCondition d = disruption(status);
        c = new Classification(
            FailureClass.SpotInterruption,
            "builtin:disruption-target",
            "driver pod is being deleted with condition DisruptionTarget: " + d.getReason(),
            Redactor.redact(d.getMessage()),
            c.exitCode(),
            null,
            Evidence.Role.Driver);
      }
      Instant at = firstNonNull(time(disruption(status).getLastTransitionTime()),
          time(driver.getMetadata().getDeletionTimestamp()), now);
      return new Observation.Failed(at, c, false);
    }

    String phase = status.getPhase() == null ? "Pending" : status.getPhase();
    switch (phase) {
      case "Pending": {
        Classification c = classifier.classify(Evidence.fromPods(driver, execs));
        if (c.failureClass() == FailureClass.ConfigError) {
          // A container that cannot be created never will be: fail now and let the operator delete
          // the pod, rather than wait for the scheduling timeout.
          return new Observation.Failed(now, c, true);
        }
        PodCondition scheduled = condition(status, POD_SCHEDULED);
        boolean unschedulable = isUnschedulable(scheduled);
        Instant since = firstNonNull(
            time(driver.getMetadata() == null ? null : driver.getMetadata().getCreationTimestamp()), now);
        String message = unschedulable ? scheduled.getMessage() : pendingMessage(status);
        return new Observation.Pending(since, unschedulable, Redactor.redact(message));
      }
      case "Running": {
        Instant startedAt = firstNonNull(containerStartedAt(status), time(status.getStartTime()), now);
        Instant executorsSince = null;
        String executorsMessage = null;
        for (Pod executor : execs) {
          PodStatus es = executor.getStatus();
          if (es == null || !"Pending".equals(es.getPhase())) {
            continue;
          }
          PodCondition c = condition(es, POD_SCHEDULED);
          if (!isUnschedulable(c)) {
            continue;
          }
          Instant since = firstNonNull(time(c.getLastTransitionTime()),
              time(executor.getMetadata() == null ? null : executor.getMetadata().getCreationTimestamp()), now);
          if (executorsSince == null || since.isBefore(executorsSince)) {
            executorsSince = since;
            executorsMessage = c.getMessage();
          }
        }
        return new Observation.Running(startedAt, executorsSince, Redactor.redact(executorsMessage));
      }
      case "Succeeded":
        return new Observation.Succeeded(firstNonNull(containerFinishedAt(status), now));
      case "Failed": {
        Classification c = classifier.classify(Evidence.fromPods(driver, execs));
        if (driver.getMetadata() != null && driver.getMetadata().getDeletionTimestamp() != null
            && (isFallThrough(c) || KILLED_BY_SIGNAL_RULE.equals(c.rule()))) {
          // Measured on the real node: `kubectl delete pod` makes the kubelet stop the container
          // (SIGTERM, exit 143) and write phase Failed before the pod goes, with no DisruptionTarget.
          // The exit says only that it was stopped; the deletion says why. An error of its own
          // (exit 1 with a message) that came first keeps its class.
          c = new Classification(
              FailureClass.PodDeleted,
              POD_DELETED_RULE,
              "driver pod was deleted while it ran (no DisruptionTarget: a user or a controller"
                  + " deleted it) and its container stopped with exit code " + c.exitCode(),
              c.message(),
              c.exitCode(),
              null,
              Evidence.Role.Driver);
        }
        return new Observation.Failed(firstNonNull(containerFinishedAt(status), now), c, false);
      }
      default:
        // "Unknown": the node stopped reporting. The attempt may still be alive; if the node is gone,
        // Kubernetes evicts the pod (DisruptionTarget) and the branch above reports it.
        return new Observation.Running(
            firstNonNull(containerStartedAt(status), time(status.getStartTime()), now), null, null);
    }
  }

  private static boolean isFallThrough(Classification c) {
    return Classifier.UNMATCHED_RULE.equals(c.rule()) || Classifier.NON_ZERO_EXIT_RULE.equals(c.rule());
  }

  private static PodCondition disruption(PodStatus status) {
    PodCondition c = condition(status, Evidence.DISRUPTION_TARGET);
    return c != null && "True".equalsIgnoreCase(c.getStatus()) ? c : null;
  }

  private static PodCondition condition(PodStatus status, String type) {
    if (status.getConditions() == null) {
      return null;
    }
    for (PodCondition c : status.getConditions()) {
      if (type.equals(c.getType())) {
        return c;
      }
    }
    return null;
  }

  private static boolean isUnschedulable(PodCondition scheduled) {
    return scheduled != null
        && "False".equalsIgnoreCase(scheduled.getStatus())
        && UNSCHEDULABLE.equals(scheduled.getReason());
  }

  /** Why a schedulable pod is still pending: a waiting container's reason, else the pod's message. */
  private static String pendingMessage(PodStatus status) {
    for (ContainerStatus cs : allContainers(status)) {
      if (cs.getState() != null && cs.getState().getWaiting() != null) {
        var waiting = cs.getState().getWaiting();
        if (waiting.getMessage() != null) {
          return waiting.getReason() + ": " + waiting.getMessage();
        }
        if (waiting.getReason() != null) {
          return waiting.getReason();
        }
      }
    }
    return status.getMessage();
  }

  /** The earliest time a regular container started running. */
  private static Instant containerStartedAt(PodStatus status) {
    Instant earliest = null;
    if (status.getContainerStatuses() != null) {
      for (ContainerStatus cs : status.getContainerStatuses()) {
        if (cs.getState() != null && cs.getState().getRunning() != null) {
          Instant t = time(cs.getState().getRunning().getStartedAt());
          if (t != null && (earliest == null || t.isBefore(earliest))) {
            earliest = t;
          }
        }
      }
    }
    return earliest;
  }

  /** The latest time a regular container terminated: the pod is finished when its last one is. */
  private static Instant containerFinishedAt(PodStatus status) {
    Instant latest = null;
    if (status.getContainerStatuses() != null) {
      for (ContainerStatus cs : status.getContainerStatuses()) {
        if (cs.getState() != null && cs.getState().getTerminated() != null) {
          Instant t = time(cs.getState().getTerminated().getFinishedAt());
          if (t != null && (latest == null || t.isAfter(latest))) {
            latest = t;
          }
        }
      }
    }
    return latest;
  }

  private static List<ContainerStatus> allContainers(PodStatus status) {
    List<ContainerStatus> all = new ArrayList<>();
    if (status.getInitContainerStatuses() != null) {
      all.addAll(status.getInitContainerStatuses());
    }
    if (status.getContainerStatuses() != null) {
      all.addAll(status.getContainerStatuses());
    }
    return all;
  }

  /** Kubernetes time, or null when absent or unparsable (a bad timestamp must not stop observation). */
  private static Instant time(String text) {
    try {
      return Times.parse(text);
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  @SafeVarargs
  private static <T> T firstNonNull(T... values) {
    for (T v : values) {
      if (v != null) {
        return v;
      }
    }
    return null;
  }
}
