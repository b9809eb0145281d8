package io.featurejob.operator.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.featurejob.operator.testing.RealNodeFixtures;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The simulated kubelet's pod statuses and events against those a real kubelet 1.36 wrote on the same
 * scenarios (featurejob-operator/src/test/resources/io/featurejob/operator/demo/real-node, captured by
 * hack/node/capture-pod-status.sh; `make e2e-node` runs the real node): same phase, reasons, exit
 * codes, condition types and order, observedGeneration, termination and scheduler messages, and event
 * reasons, types, sources and messages. The simulated side is what SimulatedKubelet writes for that
 * step ({@link PodStatuses} stamped by {@link PodStatuses#observed}, {@link PodScheduler}'s message,
 * {@link PodEvents}), fed the real pod's own facts: container, image, node, times and log.
 *
 * <p>Ignored, as the operator reads none of it: timestamps, UIDs, IPs (only whether set),
 * container IDs' digests, and the resource and volume echoes of kubelet 1.36
 * ({@code allocatedResources}, {@code resources}, {@code volumeMounts}, {@code lastState: {}}).
 */
class SimulatedKubeletMatchesRealNodeTest {

  static Stream<String> scenarios() {
    return RealNodeFixtures.SCENARIOS.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("scenarios")
  void theSimulatedPodStatusHasTheRealOnesShape(String scenario) {
    Pod real = RealNodeFixtures.pod(scenario);
    PodStatus simulated = PodStatuses.observed(simulatedStatus(scenario, real), real.getMetadata().getGeneration());
    assertEquals(shape(real.getStatus()), shape(simulated), RealNodeFixtures.how(scenario));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("scenarios")
  void theSimulatedEventsAreTheRealOnes(String scenario) {
    Pod real = RealNodeFixtures.pod(scenario);
    List<String> realEvents = RealNodeFixtures.events(scenario).stream().map(e -> eventShape(e, real)).sorted().toList();
    List<String> simulatedEvents = simulatedEvents(scenario, real).stream().map(e -> eventShape(e, real)).sorted().toList();
    assertEquals(String.join("\n", realEvents), String.join("\n", simulatedEvents), RealNodeFixtures.how(scenario));
  }

  /** What SimulatedKubelet writes at the end of the scenario, from the real pod's facts. */
  private static PodStatus simulatedStatus(String scenario, Pod real) {
    String log = RealNodeFixtures.log(scenario);
    if (scenario.equals("unschedulable")) {
      SchedulingDecision decision = PodScheduler.schedule(real.getSpec(), List.of(node(real)), pool -> true, 0);
      String message = ((SchedulingDecision.Unschedulable) decision).message();
      return PodStatuses.unschedulable(SparkExecutors.qosClass(real.getSpec()), message, Instant.EPOCH);
    }
    if (scenario.equals("configmap-missing")) {
      PodStatus status = real.getStatus();
      return PodStatuses.containerCreating(new PodFacts(real.getSpec().getContainers().get(0).getName(),
          real.getSpec().getContainers().get(0).getImage(), SparkExecutors.qosClass(real.getSpec()), node(real), null,
          Instant.parse(condition(status, "PodScheduled").getLastTransitionTime()), null));
    }
    PodFacts facts = facts(real);
    Instant finished = Instant.parse(terminated(real).getFinishedAt());
    return switch (scenario) {
      case "succeeded" -> PodStatuses.exited(facts, finished, 0, "Completed", log);
      case "exit-1" -> PodStatuses.exited(facts, finished, 1, "Error", log);
      case "oom-limit" -> PodStatuses.exited(facts, finished, 137, "OOMKilled", log);
      // a child killed at the limit, the main process exits 0: containerd still says OOMKilled
      case "oom-child" -> PodStatuses.exited(facts, finished, 0, "OOMKilled", log);
      // the DisruptionTarget condition is the API server's (Eviction API), not the kubelet's
      case "deleted", "evicted" -> PodStatuses.killedOnDeletion(facts, finished, PodStatuses.fallbackToLogs(log),
          condition(real.getStatus(), "DisruptionTarget"));
      default -> throw new IllegalArgumentException(scenario);
    };
  }

  /** The events SimulatedKubelet records on the scenario's path. */
  private static List<Event> simulatedEvents(String scenario, Pod real) {
    Instant at = Instant.EPOCH;
    if (scenario.equals("unschedulable")) {
      SchedulingDecision decision = PodScheduler.schedule(real.getSpec(), List.of(node(real)), pool -> true, 0);
      return List.of(PodEvents.failedScheduling(real, ((SchedulingDecision.Unschedulable) decision).message(), at));
    }
    String node = real.getSpec().getNodeName();
    if (scenario.equals("configmap-missing")) {
      List<Event> events = new ArrayList<>(List.of(PodEvents.scheduled(real, node, at)));
      real.getSpec().getVolumes().stream().filter(v -> v.getConfigMap() != null).forEach(v ->
          events.add(PodEvents.failedMount(real, node, v.getName(), v.getConfigMap().getName(), at)));
      return events;
    }
    List<Event> events = new ArrayList<>(List.of(PodEvents.scheduled(real, node, at), PodEvents.pulled(real, node, at),
        PodEvents.created(real, node, at), PodEvents.started(real, node, at)));
    if (scenario.equals("deleted") || scenario.equals("evicted")) {
      events.add(PodEvents.killing(real, node, at));
    }
    return events;
  }

  private static PodFacts facts(Pod real) {
    PodStatus status = real.getStatus();
    return new PodFacts(real.getSpec().getContainers().get(0).getName(), real.getSpec().getContainers().get(0).getImage(),
        SparkExecutors.qosClass(real.getSpec()), node(real), status.getPodIP(),
        Instant.parse(condition(status, "PodScheduled").getLastTransitionTime()),
        Instant.parse(terminated(real).getStartedAt()));
  }

  private static SimulatedNode node(Pod real) {
    String name = Objects.requireNonNullElse(real.getSpec().getNodeName(), "featurejob-node");
    NodePool pool = new NodePool("real", Map.of(), List.of(), List.of(name), false, "");
    String ip = Objects.requireNonNullElse(real.getStatus().getHostIP(), "10.244.0.1");
    return new SimulatedNode(name, pool, Map.of("kubernetes.io/hostname", name), List.of(), ip, 0);
  }

  /** One line per compared fact, so a mismatch shows as a readable diff. */
  static String shape(PodStatus s) {
    List<String> lines = new ArrayList<>();
    lines.add("phase " + s.getPhase() + ", reason " + s.getReason() + ", message " + s.getMessage()
        + ", observedGeneration " + s.getObservedGeneration() + ", qosClass " + s.getQosClass());
    lines.add("hostIP " + isSet(s.getHostIP()) + ", podIP " + isSet(s.getPodIP()) + ", startTime " + isSet(s.getStartTime()));
    for (PodCondition c : s.getConditions() == null ? List.<PodCondition>of() : s.getConditions()) {
      lines.add("condition " + c.getType() + "=" + c.getStatus() + " reason " + c.getReason() + " observedGeneration "
          + c.getObservedGeneration() + " message " + c.getMessage() + " since " + isSet(c.getLastTransitionTime()));
    }
    for (ContainerStatus c : s.getContainerStatuses() == null ? List.<ContainerStatus>of() : s.getContainerStatuses()) {
      lines.add("container " + c.getName() + " ready " + c.getReady() + " started " + c.getStarted() + " restarts "
          + c.getRestartCount() + " imageID " + digests(c.getImageID()) + " containerID " + digests(c.getContainerID()));
      if (c.getState().getWaiting() != null) {
        lines.add("  waiting " + c.getState().getWaiting().getReason() + ": " + c.getState().getWaiting().getMessage());
      }
      if (c.getState().getRunning() != null) {
        lines.add("  running since " + isSet(c.getState().getRunning().getStartedAt()));
      }
      ContainerStateTerminated t = c.getState().getTerminated();
      if (t != null) {
        lines.add("  terminated " + t.getReason() + " exit " + t.getExitCode() + " signal " + t.getSignal()
            + " started " + isSet(t.getStartedAt()) + " finished " + isSet(t.getFinishedAt())
            + " containerID " + digests(t.getContainerID()));
        lines.add("  message " + t.getMessage());
      }
    }
    return String.join("\n", lines);
  }

  /** type, reason, who reported it, about what, and the message with this pod's names generalized. */
  static String eventShape(Event e, Pod pod) {
    String message = e.getMessage()
        .replace(pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName(), "NAMESPACE/POD")
        .replace(Objects.requireNonNullElse(pod.getSpec().getNodeName(), "no node"), "NODE");
    return e.getType() + " " + e.getReason() + " action " + e.getAction()
        + " reporting " + e.getReportingComponent() + "/" + (e.getReportingInstance() == null ? null
            : e.getReportingInstance().replace(Objects.requireNonNullElse(pod.getSpec().getNodeName(), "no node"), "NODE")
                .replaceAll("^default-scheduler-.+", "default-scheduler-HOST"))
        + " source " + (e.getSource() == null ? null : e.getSource().getComponent())
        + " about " + e.getInvolvedObject().getKind() + " " + e.getInvolvedObject().getFieldPath()
        + " eventTime " + isSet(e.getEventTime() == null ? null : e.getEventTime().getTime())
        + " lastTimestamp " + isSet(e.getLastTimestamp()) + ": " + message;
  }

  private static String isSet(String value) {
    return value == null || value.isEmpty() ? "unset" : "set";
  }

  private static String digests(String id) {
    return id == null ? null : id.replaceAll("[0-9a-f]{64}", "<sha256>");
  }

  private static PodCondition condition(PodStatus status, String type) {
    return status.getConditions().stream().filter(c -> type.equals(c.getType())).findFirst().orElse(null);
  }

  private static ContainerStateTerminated terminated(Pod pod) {
    return pod.getStatus().getContainerStatuses().get(0).getState().getTerminated();
  }
}
