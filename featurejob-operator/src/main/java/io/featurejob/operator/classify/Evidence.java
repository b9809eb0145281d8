package io.featurejob.operator.classify;

import io.fabric8.kubernetes.api.model.ContainerState;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The facts about one attempt that the classifier looks at, flattened from the driver pod and its
 * executor pods. Pure data: the classifier never touches a fabric8 object, so rules can be tested
 * against a bare message as well as against real pod status.
 *
 * @param driver the driver pod's facts (for a bare message: a driver with only that message)
 * @param executors the executor pods' facts, possibly empty
 */
public record Evidence(PodFacts driver, List<PodFacts> executors) {

  /** The pod's condition type that Kubernetes sets when it is about to disrupt the pod. */
  public static final String DISRUPTION_TARGET = "DisruptionTarget";
  /** The driver pod's Spark container (spark.DriverPodBuilder.CONTAINER_NAME). */
  static final String DRIVER_CONTAINER = "spark-kubernetes-driver";

  public Evidence {
    Objects.requireNonNull(driver, "driver");
    executors = executors == null ? List.of() : List.copyOf(executors);
  }

  /** Evidence from a driver pod and its executor pods (either list may be empty, executors may be null). */
  public static Evidence fromPods(Pod driver, List<Pod> executors) {
    Objects.requireNonNull(driver, "driver");
    List<PodFacts> executorFacts = new ArrayList<>();
    if (executors != null) {
      for (Pod executor : executors) {
        executorFacts.add(PodFacts.of(Role.Executor, executor));
      }
    }
    return new Evidence(PodFacts.of(Role.Driver, driver), executorFacts);
  }

  /** Evidence that is nothing but a message, as if it were the driver's termination message. */
  public static Evidence fromMessage(String message) {
    return new Evidence(PodFacts.ofMessage(message), List.of());
  }

  /**
   * The same evidence with every raw log in a failed container's termination message (the kubelet's
   * FallbackToLogsOnError tail, or another engine's output) replaced by its {@link EvidenceSummary},
   * as the driver entrypoint would have written it: stack frames and shutdown chatter then never
   * decide the class. Summaries and messages of containers that exited 0 stay as they are.
   */
  public Evidence withLogsSummarized() {
    List<PodFacts> summarized = new ArrayList<>(executors.size());
    for (PodFacts executor : executors) {
      summarized.add(executor.withLogsSummarized());
    }
    return new Evidence(driver.withLogsSummarized(), summarized);
  }

  /**
   * Evidence of a driver pod whose Spark container terminated with {@code exitCode} (reason Error)
   * and this termination message, as the kubelet reports it.
   */
  public static Evidence fromDriverExit(int exitCode, String terminationMessage) {
    ContainerFacts container = new ContainerFacts(
        DRIVER_CONTAINER, false, null, null, "Error", exitCode, terminationMessage);
    return new Evidence(
        new PodFacts(Role.Driver, null, "Failed", null, null, List.of(), List.of(container)), List.of());
  }

  /** The driver first, then the executors: the order in which rules look at pods. */
  public List<PodFacts> pods() {
    List<PodFacts> all = new ArrayList<>(executors.size() + 1);
    all.add(driver);
    all.addAll(executors);
    return all;
  }

  /** Which Spark process a pod runs. */
  public enum Role { Driver, Executor }

  /**
   * One pod's status.
   *
   * @param role driver or executor
   * @param podName metadata.name; null for evidence made from a bare message
   * @param phase status.phase
   * @param reason status.reason (Evicted, NodeShutdown, Terminated, NodeLost ...)
   * @param message status.message
   * @param conditions status.conditions
   * @param containers init containers first, then the regular containers
   */
  public record PodFacts(
      Role role,
      String podName,
      String phase,
      String reason,
      String message,
      List<ConditionFacts> conditions,
      List<ContainerFacts> containers) {

    public PodFacts {
      Objects.requireNonNull(role, "role");
      conditions = conditions == null ? List.of() : List.copyOf(conditions);
      containers = containers == null ? List.of() : List.copyOf(containers);
    }

    static PodFacts of(Role role, Pod pod) {
      String name = pod.getMetadata() == null ? null : pod.getMetadata().getName();
      PodStatus status = pod.getStatus();
      if (status == null) {
        return new PodFacts(role, name, null, null, null, List.of(), List.of());
      }
      List<ConditionFacts> conditions = new ArrayList<>();
      if (status.getConditions() != null) {
        for (PodCondition c : status.getConditions()) {
          conditions.add(new ConditionFacts(c.getType(), c.getStatus(), c.getReason(), c.getMessage()));
        }
      }
      List<ContainerFacts> containers = new ArrayList<>();
      if (status.getInitContainerStatuses() != null) {
        for (ContainerStatus cs : status.getInitContainerStatuses()) {
          containers.add(ContainerFacts.of(cs, true));
        }
      }
      if (status.getContainerStatuses() != null) {
        for (ContainerStatus cs : status.getContainerStatuses()) {
          containers.add(ContainerFacts.of(cs, false));
        }
      }
      return new PodFacts(
          role, name, status.getPhase(), status.getReason(), status.getMessage(), conditions, containers);
    }

    PodFacts withLogsSummarized() {
      List<ContainerFacts> summarized = new ArrayList<>(containers.size());
      for (ContainerFacts c : containers) {
        summarized.add(c.withLogSummarized());
      }
      return new PodFacts(role, podName, phase, reason, message, conditions, summarized);
    }

    static PodFacts ofMessage(String message) {
      return new PodFacts(Role.Driver, null, null, null, message, List.of(), List.of());
    }

    /** "driver" or "executor &lt;pod name&gt;": how evidence text names this pod. */
    public String label() {
      if (role == Role.Driver) {
        return "driver";
      }
      return podName == null ? "executor" : "executor " + podName;
    }

    /** Reasons of DisruptionTarget conditions that are True (TerminationByKubelet, ...). */
    public List<ConditionFacts> disruptions() {
      List<ConditionFacts> result = new ArrayList<>();
      for (ConditionFacts c : conditions) {
        if (DISRUPTION_TARGET.equals(c.type()) && "True".equalsIgnoreCase(c.status())) {
          result.add(c);
        }
      }
      return result;
    }

    /**
     * The container that runs Spark: the first regular container that failed, else the first that
     * terminated, else the first one. Empty when the pod has no container status yet.
     */
    public Optional<ContainerFacts> mainContainer() {
      ContainerFacts firstTerminated = null;
      ContainerFacts first = null;
      for (ContainerFacts c : containers) {
        if (c.init()) {
          continue;
        }
        if (c.exitCode() != null && c.exitCode() != 0) {
          return Optional.of(c);
        }
        if (first == null) {
          first = c;
        }
        if (firstTerminated == null && c.exitCode() != null) {
          firstTerminated = c;
        }
      }
      return Optional.ofNullable(firstTerminated != null ? firstTerminated : first);
    }

    /** Every piece of free text in this pod's status, labelled with where it came from. */
    public List<Text> texts() {
      List<Text> texts = new ArrayList<>();
      for (ContainerFacts c : containers) {
        add(texts, containerLabel(c) + " termination message", c.terminatedMessage());
        add(texts, containerLabel(c) + " waiting message", c.waitingMessage());
      }
      add(texts, podName == null && role == Role.Driver ? "message" : label() + " pod message", message);
      for (ConditionFacts c : conditions) {
        add(texts, label() + " condition " + c.type(), c.message());
      }
      return texts;
    }

    /**
     * The message a human wants to read first: the main container's termination message, any
     * container's waiting or termination message, the pod's message, a disruption's message.
     */
    public Optional<String> bestMessage() {
      Optional<ContainerFacts> main = mainContainer();
      if (main.isPresent() && notBlank(main.get().terminatedMessage())) {
        return Optional.of(main.get().terminatedMessage());
      }
      for (ContainerFacts c : containers) {
        if (notBlank(c.waitingMessage())) {
          return Optional.of(c.waitingMessage());
        }
        if (c.exitCode() != null && c.exitCode() != 0 && notBlank(c.terminatedMessage())) {
          return Optional.of(c.terminatedMessage());
        }
      }
      if (notBlank(message)) {
        return Optional.of(message);
      }
      for (ConditionFacts c : disruptions()) {
        if (notBlank(c.message())) {
          return Optional.of(c.message());
        }
      }
      return Optional.empty();
    }

    /** "driver container", "driver init container fetch-deps", "executor trips-exec-2 container". */
    public String containerLabel(ContainerFacts c) {
      return label() + (c.init() ? " init container " + c.name() : " container");
    }

    private static void add(List<Text> texts, String source, String text) {
      if (notBlank(text)) {
        texts.add(new Text(source, text));
      }
    }
  }

  /** One entry of status.conditions. */
  public record ConditionFacts(String type, String status, String reason, String message) {}

  /**
   * One container's current state. Waiting and terminated fields are null when the container is not
   * in that state; {@code exitCode} is non-null exactly when it terminated.
   */
  public record ContainerFacts(
      String name,
      boolean init,
      String waitingReason,
      String waitingMessage,
      String terminatedReason,
      Integer exitCode,
      String terminatedMessage) {

    static ContainerFacts of(ContainerStatus status, boolean init) {
      ContainerState state = status.getState();
      String waitingReason = null;
      String waitingMessage = null;
      String terminatedReason = null;
      Integer exitCode = null;
      String terminatedMessage = null;
      if (state != null && state.getWaiting() != null) {
        waitingReason = state.getWaiting().getReason();
        waitingMessage = state.getWaiting().getMessage();
      }
      if (state != null && state.getTerminated() != null) {
        terminatedReason = state.getTerminated().getReason();
        exitCode = state.getTerminated().getExitCode();
        terminatedMessage = state.getTerminated().getMessage();
      }
      return new ContainerFacts(
          status.getName(), init, waitingReason, waitingMessage, terminatedReason, exitCode, terminatedMessage);
    }

    /** True when it exited non-zero and its termination message is a raw log, not an {@link EvidenceSummary}. */
    public boolean failedWithRawLog() {
      return exitCode != null && exitCode != 0 && notBlank(terminatedMessage)
          && !EvidenceSummary.isSummary(terminatedMessage);
    }

    ContainerFacts withLogSummarized() {
      if (!failedWithRawLog()) {
        return this;
      }
      return new ContainerFacts(name, init, waitingReason, waitingMessage, terminatedReason, exitCode,
          EvidenceSummary.summarize(terminatedMessage, exitCode));
    }

    /** "terminated: OOMKilled, exit 137" or "waiting: ImagePullBackOff" or "running". */
    public String describeState() {
      if (exitCode != null) {
        return "terminated: " + (terminatedReason == null ? "" : terminatedReason + ", ") + "exit " + exitCode;
      }
      if (waitingReason != null) {
        return "waiting: " + waitingReason;
      }
      return "running";
    }
  }

  /** A piece of free text and where it came from ("driver container termination message"). */
  public record Text(String source, String text) {}

  static boolean notBlank(String s) {
    return s != null && !s.isBlank();
  }
}
