package io.featurejob.operator.demo;

import io.fabric8.kubernetes.api.model.ContainerState;
import io.fabric8.kubernetes.api.model.ContainerStateBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.HostIP;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.PodIP;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.featurejob.operator.classify.EvidenceSummary;
import io.featurejob.operator.spark.Sha256;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/**
 * The pod statuses kube-scheduler and the kubelet write at each step of a pod's life, field for
 * field (condition order, reasons, messages, RFC 3339 second-precision times). Pure. Checked against
 * statuses captured from a real kubelet 1.36 (hack/node/capture-pod-status.sh) by
 * SimulatedKubeletMatchesRealNodeTest.
 */
final class PodStatuses {
  private PodStatuses() {}

  static final String NODE_SHUTDOWN_MESSAGE = "Pod was terminated in response to imminent node shutdown.";
  static final String TAINT_MANAGER_MESSAGE = "Taint manager: deleting due to NoExecute taint";
  /** FallbackToLogsOnError keeps at most the last 80 lines and 2048 bytes of the log. */
  static final int FALLBACK_MAX_LINES = 80;
  static final int FALLBACK_MAX_BYTES = 2048;

  /** Pending, the scheduler found no node: PodScheduled=False, reason Unschedulable. */
  static PodStatus unschedulable(String qosClass, String message, Instant since) {
    return new PodStatusBuilder()
        .withPhase("Pending")
        .withConditions(new PodConditionBuilder().withType("PodScheduled").withStatus("False")
            .withReason("Unschedulable").withMessage(message).withLastTransitionTime(time(since)).build())
        .withQosClass(qosClass)
        .build();
  }

  /** Bound, sandbox being created (no pod IP yet): the container waits in ContainerCreating. */
  static PodStatus containerCreating(PodFacts pod) {
    ContainerState state = waitingState("ContainerCreating", null);
    PodFacts noSandboxYet = new PodFacts(pod.containerName(), pod.image(), pod.qosClass(), pod.node(), null,
        pod.boundAt(), null);
    return pending(noSandboxYet, "False", state);
  }

  /** Sandbox up, the image cannot be pulled: ErrImagePull, later ImagePullBackOff. */
  static PodStatus imagePullFailing(PodFacts pod, boolean backOff) {
    String image = pod.image();
    ContainerState state = backOff
        ? waitingState("ImagePullBackOff", "Back-off pulling image \"" + image + "\"")
        : waitingState("ErrImagePull", "Failed to pull image \"" + image + "\": rpc error: code = NotFound"
            + " desc = failed to pull and unpack image \"" + fullReference(image) + "\": failed to resolve"
            + " reference \"" + fullReference(image) + "\": " + fullReference(image) + ": not found");
    return pending(pod, "True", state);
  }

  /** Running and ready. */
  static PodStatus running(PodFacts pod) {
    String since = time(pod.runningAt());
    ContainerStatus container = container(pod, true,
        new ContainerStateBuilder().withNewRunning().withStartedAt(since).endRunning().build());
    return base(pod, "Running")
        .withConditions(
            condition("PodReadyToStartContainers", "True", null, null, pod.runningAt()),
            condition("Initialized", "True", null, null, pod.boundAt()),
            condition("Ready", "True", null, null, pod.runningAt()),
            condition("ContainersReady", "True", null, null, pod.runningAt()),
            condition("PodScheduled", "True", null, null, pod.boundAt()))
        .withContainerStatuses(container)
        .build();
  }

  /**
   * The container exited: Succeeded for exit 0, else Failed. {@code logTail} becomes the
   * termination message on a non-zero exit (terminationMessagePolicy FallbackToLogsOnError).
   */
  static PodStatus exited(PodFacts pod, Instant at, int exitCode, String reason, String logTail) {
    boolean succeeded = exitCode == 0;
    String message = succeeded ? null : fallbackToLogs(logTail);
    return terminal(pod, at, succeeded ? "Succeeded" : "Failed", terminated(pod, at, exitCode, reason, message), null);
  }

  /**
   * The driver container exited: as {@link #exited}, but the termination message is what the
   * driver entrypoint writes ({@link #driverTerminationMessage}), as on a real kubelet.
   */
  static PodStatus driverExited(PodFacts pod, Instant at, int exitCode, String reason, String log) {
    boolean succeeded = exitCode == 0;
    String message = succeeded ? null : driverTerminationMessage(log, exitCode);
    return terminal(pod, at, succeeded ? "Succeeded" : "Failed", terminated(pod, at, exitCode, reason, message), null);
  }

  /**
   * The driver's termination message for a failed run that printed {@code log}: the evidence
   * summary its entrypoint (spark.DriverEvidence) writes to /dev/termination-log; an entrypoint that
   * wrote nothing leaves the kubelet's FallbackToLogsOnError tail.
   */
  static String driverTerminationMessage(String log, int exitCode) {
    if (log == null || log.isEmpty()) {
      return null;
    }
    return EvidenceSummary.summarize(log, exitCode);
  }

  /**
   * Graceful node shutdown (spot reclaim): the kubelet marks the pod DisruptionTarget
   * (TerminationByKubelet), kills the container with SIGTERM (exit 143) and sets the pod Failed
   * with reason Terminated. {@code message} is the container's termination message.
   */
  static PodStatus nodeShutdown(PodFacts pod, Instant at, String message) {
    ContainerState state = terminated(pod, at, 143, "Error", message);
    PodCondition disruption = condition("DisruptionTarget", "True", "TerminationByKubelet", NODE_SHUTDOWN_MESSAGE, at);
    PodStatus status = terminal(pod, at, "Failed", state, disruption);
    status.setReason("Terminated");
    status.setMessage(NODE_SHUTDOWN_MESSAGE);
    return status;
  }

  /**
   * The pod was deleted while its container ran (kubectl delete, the Eviction API, a controller): the
   * kubelet stops the container (SIGTERM: exit 143, reason Error) and, before the pod object goes,
   * writes phase Failed, as a real kubelet 1.36 does. {@code disruption}: the DisruptionTarget
   * condition the API server added (EvictionByEvictionAPI), kept first as the kubelet keeps it; null
   * for a plain deletion, which gets none.
   */
  static PodStatus killedOnDeletion(PodFacts pod, Instant at, String message, PodCondition disruption) {
    return terminal(pod, at, "Failed", terminated(pod, at, 143, "Error", message), disruption);
  }

  /**
   * The generation each writer observed: the kubelet sets {@code status.observedGeneration} and that of
   * every condition it owns; the scheduler only that of PodScheduled (an unscheduled pod has no
   * kubelet yet: no hostIP). DisruptionTarget, added by the API server or a controller, gets none.
   * A pod's generation is 1, and 2 once its deletion began.
   */
  static PodStatus observed(PodStatus status, long generation) {
    PodStatus copy = new PodStatusBuilder(status).build();
    boolean kubelet = copy.getHostIP() != null;
    if (kubelet) {
      copy.setObservedGeneration(generation);
    }
    if (copy.getConditions() != null) {
      for (PodCondition c : copy.getConditions()) {
        boolean owned = kubelet ? !"DisruptionTarget".equals(c.getType()) : "PodScheduled".equals(c.getType());
        if (owned) {
          c.setObservedGeneration(generation);
        }
      }
    }
    return copy;
  }

  /**
   * The taint manager's mark on a pod it is about to delete: DisruptionTarget, reason
   * DeletionByTaintManager, added to the pod's current status.
   */
  static PodStatus markedForTaintEviction(PodStatus current, Instant at) {
    PodStatus status = new PodStatusBuilder(current).build();
    List<PodCondition> conditions = new ArrayList<>();
    conditions.add(condition("DisruptionTarget", "True", "DeletionByTaintManager", TAINT_MANAGER_MESSAGE, at));
    conditions.addAll(current.getConditions());
    status.setConditions(conditions);
    return status;
  }

  /** The kubelet's FallbackToLogsOnError: the tail of the log, at most 80 lines and 2048 bytes. */
  static String fallbackToLogs(String log) {
    if (log == null || log.isEmpty()) {
      return null;
    }
    String[] lines = log.split("\n", -1);
    int from = Math.max(0, lines.length - FALLBACK_MAX_LINES);
    String tail = String.join("\n", java.util.Arrays.copyOfRange(lines, from, lines.length));
    byte[] bytes = tail.getBytes(StandardCharsets.UTF_8);
    if (bytes.length <= FALLBACK_MAX_BYTES) {
      return tail;
    }
    return new String(bytes, bytes.length - FALLBACK_MAX_BYTES, FALLBACK_MAX_BYTES, StandardCharsets.UTF_8);
  }

  static String time(Instant instant) {
    return instant == null ? null : instant.truncatedTo(ChronoUnit.SECONDS).toString();
  }

  /** Docker Hub short names as containerd resolves them. */
  static String fullReference(String image) {
    String first = image.contains("/") ? image.substring(0, image.indexOf('/')) : "";
    if (first.contains(".") || first.contains(":") || first.equals("localhost")) {
      return image;
    }
    return image.contains("/") ? "docker.io/" + image : "docker.io/library/" + image;
  }

  private static PodStatus pending(PodFacts pod, String sandboxReady, ContainerState state) {
    String unready = "containers with unready status: [" + pod.containerName() + "]";
    return base(pod, "Pending")
        .withConditions(
            condition("PodReadyToStartContainers", sandboxReady, null, null, pod.boundAt()),
            condition("Initialized", "True", null, null, pod.boundAt()),
            condition("Ready", "False", "ContainersNotReady", unready, pod.boundAt()),
            condition("ContainersReady", "False", "ContainersNotReady", unready, pod.boundAt()),
            condition("PodScheduled", "True", null, null, pod.boundAt()))
        .withContainerStatuses(container(pod, false, state))
        .build();
  }

  private static PodStatus terminal(
      PodFacts pod, Instant at, String phase, ContainerState state, PodCondition disruption) {
    String reason = "Succeeded".equals(phase) ? "PodCompleted" : "PodFailed";
    List<PodCondition> conditions = new ArrayList<>();
    if (disruption != null) {
      conditions.add(disruption);
    }
    conditions.add(condition("PodReadyToStartContainers", "False", null, null, at));
    conditions.add(condition("Initialized", "True",
        "Succeeded".equals(phase) ? "PodCompleted" : null, null, pod.boundAt()));
    conditions.add(condition("Ready", "False", reason, null, at));
    conditions.add(condition("ContainersReady", "False", reason, null, at));
    conditions.add(condition("PodScheduled", "True", null, null, pod.boundAt()));
    return base(pod, phase)
        .withConditions(conditions)
        .withContainerStatuses(container(pod, false, state))
        .build();
  }

  private static PodStatusBuilder base(PodFacts pod, String phase) {
    PodStatusBuilder status = new PodStatusBuilder()
        .withPhase(phase)
        .withQosClass(pod.qosClass())
        .withStartTime(time(pod.boundAt()))
        .withHostIP(pod.node().internalIp())
        .withHostIPs(new HostIP(pod.node().internalIp()));
    // The sandbox IP appears once the sandbox exists.
    if (pod.podIp() != null) {
      status.withPodIP(pod.podIp()).withPodIPs(new PodIP(pod.podIp()));
    }
    return status;
  }

  private static ContainerStatus container(PodFacts pod, boolean ready, ContainerState state) {
    boolean created = state.getWaiting() == null;
    return new ContainerStatusBuilder()
        .withName(pod.containerName())
        .withImage(pod.image())
        .withImageID(created ? imageId(pod.image()) : "")
        .withContainerID(created ? "containerd://" + Sha256.hex(pod.containerName() + pod.podIp() + pod.boundAt()) : null)
        .withReady(ready)
        .withStarted(state.getRunning() != null)
        .withRestartCount(0)
        .withState(state)
        .build();
  }

  private static ContainerState terminated(PodFacts pod, Instant at, int exitCode, String reason, String message) {
    return new ContainerStateBuilder().withNewTerminated()
        .withExitCode(exitCode)
        .withReason(reason)
        .withMessage(message)
        .withStartedAt(time(pod.runningAt()))
        .withFinishedAt(time(at))
        .withContainerID("containerd://" + Sha256.hex(pod.containerName() + pod.podIp() + pod.boundAt()))
        .endTerminated().build();
  }

  private static ContainerState waitingState(String reason, String message) {
    return new ContainerStateBuilder().withNewWaiting().withReason(reason).withMessage(message).endWaiting().build();
  }

  private static PodCondition condition(String type, String status, String reason, String message, Instant since) {
    return new PodConditionBuilder().withType(type).withStatus(status).withReason(reason).withMessage(message)
        .withLastTransitionTime(time(since)).build();
  }

  /**
   * containerd's image reference: {@code repository@sha256:<manifest digest>} for a pulled image; for
   * a {@code localhost/} image, which was imported and never pulled, the image's own ID
   * ({@code sha256:<config digest>}), as the real node reports it.
   */
  static String imageId(String image) {
    String reference = fullReference(image);
    if (reference.startsWith("localhost/")) {
      return "sha256:" + Sha256.hex(reference);
    }
    int tag = reference.lastIndexOf(':');
    String repository = tag > reference.lastIndexOf('/') ? reference.substring(0, tag) : reference;
    return repository + "@sha256:" + Sha256.hex(reference);
  }
}
