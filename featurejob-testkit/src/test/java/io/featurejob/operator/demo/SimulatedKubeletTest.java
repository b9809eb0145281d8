package io.featurejob.operator.demo;

import static io.featurejob.operator.demo.DriverBehaviour.executorOomThenFail;
import static io.featurejob.operator.demo.DriverBehaviour.failAfter;
import static io.featurejob.operator.demo.DriverBehaviour.imagePullBackOff;
import static io.featurejob.operator.demo.DriverBehaviour.oomKilled;
import static io.featurejob.operator.demo.DriverBehaviour.runForever;
import static io.featurejob.operator.demo.DriverBehaviour.spotInterruption;
import static io.featurejob.operator.demo.DriverScript.always;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.featurejob.operator.api.Labels;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStateWaiting;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.featurejob.operator.spark.PodNames;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The simulated kubelet against a CRUD mock API server, one story per test. */
class SimulatedKubeletTest {

  private static final Instant NOW = Instant.parse("2025-03-01T10:00:00Z");
  private static final String JOB = "trip-features";
  private static final String NS = DriverPods.NAMESPACE;
  private static final String SPOT = "spot";
  private static final String ON_DEMAND = "on-demand";
  private static final Duration SHORT = Duration.ofMillis(300);

  private MockApi api;
  private SimulatedCluster cluster;
  private SimulatedKubelet kubelet;

  @BeforeEach
  void startKubelet() {
    api = MockApi.start();
    cluster = SimulatedCluster.karpenter();
    kubelet = new SimulatedKubelet(api.client, cluster, Clock.fixed(NOW, ZoneOffset.UTC)).start();
  }

  @AfterEach
  void stop() {
    kubelet.close();
    api.close();
  }

  @Test
  void defaultDriverRunsItsExecutorsAndSucceeds() {
    DriverPods.create(api.client, JOB, "trip-features-r1-a1", ON_DEMAND, SPOT, 2);

    Pod done = awaitPod("trip-features-r1-a1", p -> "Succeeded".equals(phase(p)));
    PodStatus status = done.getStatus();
    assertEquals(ON_DEMAND, cluster.node(done.getSpec().getNodeName()).pool().name());
    assertEquals("2025-03-01T10:00:00Z", status.getStartTime());
    assertEquals(cluster.node(done.getSpec().getNodeName()).internalIp(), status.getHostIP());
    assertNotNull(status.getPodIP());
    assertEquals("Burstable", status.getQosClass());
    assertEquals(List.of("PodReadyToStartContainers", "Initialized", "Ready", "ContainersReady", "PodScheduled"),
        status.getConditions().stream().map(PodCondition::getType).toList());
    assertEquals("PodCompleted", condition(done, "Ready").getReason());
    assertEquals("False", condition(done, "Ready").getStatus());
    assertEquals("True", condition(done, "PodScheduled").getStatus());
    ContainerStateTerminated terminated = terminated(done);
    assertEquals(0, terminated.getExitCode());
    assertEquals("Completed", terminated.getReason());
    assertNull(terminated.getMessage());
    assertEquals("2025-03-01T10:00:00Z", terminated.getFinishedAt());
    assertTrue(status.getContainerStatuses().get(0).getContainerID().startsWith("containerd://"));

    assertEquals(1, kubelet.driversCreated(JOB));
    assertEquals(2, kubelet.executorsCreated(JOB));
    assertTrue(executors().isEmpty(), "Spark deletes its executors when the driver finishes");
    assertEquals(0, kubelet.activeDrivers());
  }

  @Test
  void executorsComeFromTheTemplateOwnedByTheDriverAndDeletingTheDriverStopsEverything() {
    kubelet.script(JOB, always(runForever()));
    Pod driver = DriverPods.create(api.client, JOB, "trip-features-r1-a1", ON_DEMAND, SPOT, 3);

    await().until(() -> executors().size() == 3 && executors().stream().allMatch(e -> "Running".equals(phase(e))));
    Pod executor = api.client.pods().inNamespace(NS).withName("trip-features-r1-a1-exec-1").get();
    assertEquals(Labels.ROLE_EXECUTOR, executor.getMetadata().getLabels().get(Labels.SPARK_ROLE));
    assertEquals(JOB, executor.getMetadata().getLabels().get(Labels.JOB));
    assertEquals("1", executor.getMetadata().getLabels().get("spark-exec-id"));
    assertEquals(driver.getMetadata().getUid(), executor.getMetadata().getOwnerReferences().get(0).getUid());
    assertEquals("Pod", executor.getMetadata().getOwnerReferences().get(0).getKind());
    assertEquals(SPOT, cluster.node(executor.getSpec().getNodeName()).pool().name());
    assertEquals("spark-kubernetes-executor", executor.getStatus().getContainerStatuses().get(0).getName());
    assertEquals("Running", phase(pod("trip-features-r1-a1")));

    api.client.pods().inNamespace(NS).withName("trip-features-r1-a1").delete();

    await().until(() -> executors().isEmpty() && kubelet.activeDrivers() == 0);
    // Stays gone: nothing recreates or writes to the deleted pods.
    await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(30))
        .until(() -> api.client.pods().inNamespace(NS).list().getItems().isEmpty());
  }

  /** As the real node shows (capture-pod-status.sh, configmap-missing): no ConfigMap, no container. */
  @Test
  void aDriverWhoseTemplateConfigMapIsGoneWaitsInContainerCreatingUntilItComesBack() {
    DriverPods.create(api.client, JOB, "trip-features-r1-a1", ON_DEMAND, SPOT, 2);
    awaitPod("trip-features-r1-a1", p -> "Succeeded".equals(phase(p)));
    String configMap = PodNames.executorTemplateConfigMap(JOB);
    ConfigMap template = api.client.configMaps().inNamespace(NS).withName(configMap).get();
    api.client.configMaps().inNamespace(NS).withName(configMap).delete();

    api.client.pods().inNamespace(NS).resource(new PodBuilder(pod("trip-features-r1-a1")).editMetadata()
        .withName("trip-features-r1-a2").withUid(null).withResourceVersion(null).endMetadata()
        .withStatus(null).editSpec().withNodeName(null).endSpec().build()).create();
    // a window of evaluations, not a sleep: the driver never gets past ContainerCreating
    await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(30)).until(() -> {
      Pod p = pod("trip-features-r1-a2");
      return p.getStatus() != null && p.getStatus().getContainerStatuses() != null
          && "ContainerCreating".equals(p.getStatus().getContainerStatuses().get(0).getState().getWaiting().getReason());
    });
    assertEquals(List.of(
            "Warning FailedMount: MountVolume.SetUp failed for volume \"executor-template\" : configmap \"" + configMap
                + "\" not found",
            "Warning FailedMount: MountVolume.SetUp failed for volume \"featurejob-evidence\" : configmap \"" + configMap
                + "\" not found"),
        api.client.v1().events().inNamespace(NS).list().getItems().stream()
            .filter(e -> "trip-features-r1-a2".equals(e.getInvolvedObject().getName()))
            .filter(e -> "FailedMount".equals(e.getReason()))
            .map(e -> e.getType() + " " + e.getReason() + ": " + e.getMessage()).sorted().toList());
    assertEquals(2, kubelet.executorsCreated(JOB), "the second driver started no executors yet");

    api.client.configMaps().inNamespace(NS).resource(new ConfigMapBuilder(template).editMetadata()
        .withResourceVersion(null).withUid(null).endMetadata().build()).create();
    awaitPod("trip-features-r1-a2", p -> "Succeeded".equals(phase(p)));
  }

  @Test
  void failingDriverShowsExitCodeAndTheSummaryOfItsLog() {
    // The revoked permission as the real run prints it: 43 lines (~3.4 KiB) follow the exception.
    String log = SparkLogs.pysparkJdbcLoadFailed(Instant.parse("2025-03-01T10:02:40Z"), Stories.PERMISSION_DENIED);
    assertFalse(PodStatuses.fallbackToLogs(log).contains("permission denied"), "out of the kubelet's tail's reach");
    kubelet.script(JOB, always(failAfter(SHORT, 1, log)));
    DriverPods.create(api.client, JOB, "trip-features-r1-a1", ON_DEMAND, SPOT, 2);

    Pod failed = awaitPod("trip-features-r1-a1", p -> "Failed".equals(phase(p)));
    ContainerStateTerminated terminated = terminated(failed);
    assertEquals("Error", terminated.getReason());
    assertEquals(1, terminated.getExitCode());
    assertEquals("featurejob-evidence/v1 exit=1\n"
        + "py4j.protocol.Py4JJavaError: An error occurred while calling o37.load.\n"
        + ": org.postgresql.util.PSQLException: ERROR: permission denied for table trips\n", terminated.getMessage());
    assertEquals("PodFailed", condition(failed, "Ready").getReason());
    assertNull(failed.getStatus().getReason());
  }

  @Test
  void driverOomKilled() {
    kubelet.script(JOB, always(oomKilled(SHORT)));
    DriverPods.create(api.client, JOB, "trip-features-r1-a1", ON_DEMAND, SPOT, 1);

    Pod failed = awaitPod("trip-features-r1-a1", p -> "Failed".equals(phase(p)));
    ContainerStateTerminated terminated = terminated(failed);
    assertEquals("OOMKilled", terminated.getReason());
    assertEquals(137, terminated.getExitCode());
  }

  @Test
  void executorOomKilledThenDriverAbortsTheJob() {
    kubelet.script(JOB, always(executorOomThenFail(SHORT)));
    DriverPods.create(api.client, JOB, "trip-features-r1-a1", ON_DEMAND, SPOT, 2);

    Pod executor = awaitPod("trip-features-r1-a1-exec-1", p -> "Failed".equals(phase(p)));
    assertEquals("OOMKilled", terminated(executor).getReason());
    assertEquals(137, terminated(executor).getExitCode());

    Pod failed = awaitPod("trip-features-r1-a1", p -> "Failed".equals(phase(p)));
    String message = terminated(failed).getMessage();
    assertEquals(1, terminated(failed).getExitCode());
    assertTrue(message.contains("ExecutorLostFailure (executor 1 exited caused by one of the running tasks)"), message);
    assertTrue(message.contains("exit code 137(SIGKILL, possible container OOM)"), message);
    assertTrue(message.contains("termination reason: OOMKilled"), message);
    assertTrue(message.startsWith("featurejob-evidence/v1 exit=1\n"), "the entrypoint's summary: " + message);
    assertTrue(message.getBytes(java.nio.charset.StandardCharsets.UTF_8).length <= 4096);
  }

  @Test
  void imagePullBackOffStaysPending() {
    kubelet.script(JOB, always(imagePullBackOff()));
    DriverPods.create(api.client, JOB, "trip-features-r1-a1", ON_DEMAND, SPOT, 2);

    Pod pending = awaitPod("trip-features-r1-a1", p -> waiting(p) != null && "ImagePullBackOff".equals(waiting(p).getReason()));
    assertEquals("Pending", phase(pending));
    assertEquals("Back-off pulling image \"apache/spark:3.5.3\"", waiting(pending).getMessage());
    assertEquals("ContainersNotReady", condition(pending, "Ready").getReason());
    assertEquals("True", condition(pending, "PodScheduled").getStatus());
    assertTrue(executors().isEmpty(), "a driver that never starts requests no executors");
  }

  @Test
  void executorsWaitForSpotCapacityWhileTheDriverRuns() {
    cluster.setCapacity(SPOT, false);
    DriverPods.create(api.client, JOB, "trip-features-r1-a1", ON_DEMAND, SPOT, 2);

    await().until(() -> executors().size() == 2 && executors().stream().allMatch(e -> isUnschedulable(e)));
    PodCondition scheduled = condition(executors().get(0), "PodScheduled");
    assertEquals("0/6 nodes are available: 3 Insufficient cpu, 3 Insufficient memory, 3 node(s) didn't match"
        + " Pod's node affinity/selector. no new claims to deallocate, preemption: 0/6 nodes are available: 3 No preemption victims found"
        + " for incoming pod, 3 Preemption is not helpful for scheduling.", scheduled.getMessage());
    assertEquals("Pending", phase(executors().get(0)));
    await().until(() -> api.client.v1().events().inNamespace(NS).list().getItems().stream()
        .anyMatch(e -> e.getMessage().contains("InsufficientInstanceCapacity: There is no Spot capacity available")));
    // Without executors the job cannot progress: the driver keeps running.
    await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(30))
        .until(() -> "Running".equals(phase(pod("trip-features-r1-a1"))));

    cluster.setCapacity(SPOT, true);

    Pod done = awaitPod("trip-features-r1-a1", p -> "Succeeded".equals(phase(p)));
    assertEquals(ON_DEMAND, cluster.node(done.getSpec().getNodeName()).pool().name());
  }

  @Test
  void driverOnSpotWithoutCapacityStaysUnschedulableUntilItReturns() {
    cluster.setCapacity(SPOT, false);
    DriverPods.create(api.client, JOB, "trip-features-r1-a1", SPOT, SPOT, 1);

    Pod pending = awaitPod("trip-features-r1-a1", SimulatedKubeletTest::isUnschedulable);
    assertEquals("Pending", phase(pending));
    assertNull(pending.getSpec().getNodeName());

    cluster.setCapacity(SPOT, true);
    awaitPod("trip-features-r1-a1", p -> "Succeeded".equals(phase(p)));
  }

  @Test
  void spotInterruptionDisruptsTheExecutorsNodeAndFailsTheDriver() {
    kubelet.script(JOB, always(spotInterruption(SHORT)));
    DriverPods.create(api.client, JOB, "trip-features-r1-a1", ON_DEMAND, SPOT, 2);

    Pod victim = awaitPod("trip-features-r1-a1-exec-1", p -> "Failed".equals(phase(p)), Duration.ofMillis(50));
    assertEquals("Terminated", victim.getStatus().getReason());
    assertEquals("Pod was terminated in response to imminent node shutdown.", victim.getStatus().getMessage());
    PodCondition disruption = condition(victim, "DisruptionTarget");
    assertEquals("True", disruption.getStatus());
    assertEquals("TerminationByKubelet", disruption.getReason());
    assertEquals(143, terminated(victim).getExitCode());

    Pod failed = awaitPod("trip-features-r1-a1", p -> "Failed".equals(phase(p)));
    String message = terminated(failed).getMessage();
    assertTrue(message.contains("ExecutorLostFailure (executor 1"), message);
    assertTrue(message.contains("The API gave the following message: Pod was terminated in response to imminent"
        + " node shutdown."), message);
    assertNull(condition(failed, "DisruptionTarget"), "the driver's own node was not reclaimed");
  }

  @Test
  void spotInterruptionUnderASpotDriverTerminatesTheDriver() {
    kubelet.script(JOB, always(spotInterruption(SHORT)));
    DriverPods.create(api.client, JOB, "trip-features-r1-a1", SPOT, SPOT, 2);

    Pod failed = awaitPod("trip-features-r1-a1", p -> "Failed".equals(phase(p)));
    assertEquals("Terminated", failed.getStatus().getReason());
    assertEquals("TerminationByKubelet", condition(failed, "DisruptionTarget").getReason());
    assertEquals("Error", terminated(failed).getReason());
    assertEquals(143, terminated(failed).getExitCode());
  }

  @Test
  void taintManagerMarksThenDeletesTheReclaimedNodesExecutors() {
    kubelet.script(JOB, always(DriverBehaviour.spotInterruptionByTaintManager(SHORT)));
    DriverPods.create(api.client, JOB, "trip-features-r1-a1", ON_DEMAND, SPOT, 2);

    Pod marked = awaitPod("trip-features-r1-a1-exec-1", p -> condition(p, "DisruptionTarget") != null,
        Duration.ofMillis(50));
    assertEquals("DeletionByTaintManager", condition(marked, "DisruptionTarget").getReason());
    assertEquals("Taint manager: deleting due to NoExecute taint", condition(marked, "DisruptionTarget").getMessage());
    assertEquals("Running", phase(marked));

    Pod failed = awaitPod("trip-features-r1-a1", p -> "Failed".equals(phase(p)));
    String message = terminated(failed).getMessage();
    assertTrue(message.contains("ExecutorLostFailure (executor 1 exited unrelated to the running tasks)"), message);
    assertTrue(message.contains("The executor with id 1 was deleted by a user or the framework."), message);
    assertTrue(executors().isEmpty());
  }

  @Test
  void deletedWhileUnschedulableIsNotScheduledWhenCapacityReturns() {
    cluster.setCapacity(SPOT, false);
    DriverPods.create(api.client, JOB, "trip-features-r1-a1", SPOT, SPOT, 1);
    awaitPod("trip-features-r1-a1", SimulatedKubeletTest::isUnschedulable);

    api.client.pods().inNamespace(NS).withName("trip-features-r1-a1").delete();
    await().until(() -> kubelet.activeDrivers() == 0);
    cluster.setCapacity(SPOT, true);

    await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(30))
        .until(() -> api.client.pods().inNamespace(NS).list().getItems().isEmpty());
    assertEquals(1, kubelet.driversCreated(JOB));
    assertEquals(0, kubelet.executorsCreated(JOB));
  }

  @Test
  void sequenceScriptGivesEachAttemptItsOwnFate() {
    kubelet.script(JOB, DriverScript.sequence(failAfter(SHORT, 1, "boom"), DriverBehaviour.succeedAfter(SHORT)));
    DriverPods.create(api.client, JOB, "trip-features-r1-a1", ON_DEMAND, SPOT, 1);
    awaitPod("trip-features-r1-a1", p -> "Failed".equals(phase(p)));
    DriverPods.create(api.client, JOB, "trip-features-r1-a2", ON_DEMAND, SPOT, 1);
    awaitPod("trip-features-r1-a2", p -> "Succeeded".equals(phase(p)));
    assertEquals(2, kubelet.driversCreated(JOB));
  }

  // ---- helpers

  private ConditionFactory await() {
    return org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(100));
  }

  private Pod awaitPod(String name, java.util.function.Predicate<Pod> condition) {
    return awaitPod(name, condition, Duration.ofMillis(100));
  }

  private Pod awaitPod(String name, java.util.function.Predicate<Pod> condition, Duration poll) {
    return org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(15)).pollInterval(poll)
        .until(() -> pod(name), p -> p != null && condition.test(p));
  }

  private Pod pod(String name) {
    return api.client.pods().inNamespace(NS).withName(name).get();
  }

  private List<Pod> executors() {
    return api.client.pods().inNamespace(NS).withLabel(Labels.SPARK_ROLE, Labels.ROLE_EXECUTOR).list().getItems();
  }

  private static String phase(Pod pod) {
    return pod.getStatus() == null ? null : pod.getStatus().getPhase();
  }

  private static PodCondition condition(Pod pod, String type) {
    if (pod.getStatus() == null || pod.getStatus().getConditions() == null) {
      return null;
    }
    return pod.getStatus().getConditions().stream().filter(c -> type.equals(c.getType())).findFirst().orElse(null);
  }

  private static boolean isUnschedulable(Pod pod) {
    PodCondition scheduled = condition(pod, "PodScheduled");
    return scheduled != null && "False".equals(scheduled.getStatus()) && "Unschedulable".equals(scheduled.getReason());
  }

  private static ContainerStateTerminated terminated(Pod pod) {
    return pod.getStatus().getContainerStatuses().get(0).getState().getTerminated();
  }

  private static ContainerStateWaiting waiting(Pod pod) {
    if (pod.getStatus() == null || pod.getStatus().getContainerStatuses() == null) {
      return null;
    }
    return pod.getStatus().getContainerStatuses().get(0).getState().getWaiting();
  }
}
