package io.featurejob.operator.cluster;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.Quantity;
import io.featurejob.operator.api.CapacitySpec;
import io.featurejob.operator.api.CapacityType;
import io.featurejob.operator.api.FailureClass;
import io.featurejob.operator.api.FeatureJob;
import io.featurejob.operator.api.FeatureJobStatus;
import io.featurejob.operator.api.HistoryEntry;
import io.featurejob.operator.api.OnDemandFallback;
import io.featurejob.operator.api.Outcome;
import io.featurejob.operator.api.Phase;
import io.featurejob.operator.demo.DriverBehaviour;
import io.featurejob.operator.demo.DriverScript;
import io.featurejob.operator.demo.SimulatedCluster;
import io.featurejob.operator.demo.SimulatedNode;
import io.featurejob.operator.demo.Stories;
import io.featurejob.operator.events.EventReason;
import io.featurejob.operator.metrics.FeatureJobMetrics;
import io.featurejob.operator.policy.Conditions;
import io.featurejob.operator.testing.TestJobs;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The failure stories on a real kube-apiserver: real schema defaulting, status subresource,
 * admission (ServiceAccount, OwnerReferencesPermissionEnforcement), RBAC of the chart's ClusterRole,
 * field selectors, binding through pods/binding, the Eviction API and garbage collection.
 */
@Tag("cluster")
class StoriesOnControlPlaneTest {
  private ClusterHarness h;

  @AfterEach
  void stop() {
    if (h != null) {
      h.close();
    }
  }

  /** docs/design.md §1: permission revoked, alert at N, user fixes it, the pending retry succeeds; and `kubectl get fj`. */
  @Test
  void acceptanceStory() {
    h = ClusterHarness.start("acceptance");
    String job = Stories.ACCEPTANCE_JOB;
    AtomicBoolean permissionGranted = new AtomicBoolean(false);
    h.kubelet.script(job, Stories.acceptanceScript(permissionGranted));
    FeatureJob acceptance = Stories.acceptanceJob();
    acceptance.getSpec().schedule = ClusterJobs.SCHEDULE;
    h.create(acceptance);

    // T+1
    FeatureJobStatus first = h.awaitStatus(job, "first failure", s -> s.lastFailure != null);
    assertEquals(FailureClass.PermissionDenied, first.lastFailure.failureClass);
    assertTrue(first.lastFailure.message.contains("permission denied for table trips"), first.lastFailure.message);
    // T+2
    FeatureJobStatus alerting = h.awaitStatus(job, "Alerting=True", s -> Conditions.isTrue(s, Conditions.ALERTING));
    assertEquals(3, alerting.consecutiveFailures);
    assertFalse(Conditions.isTrue(alerting, Conditions.PERMANENTLY_FAILED));
    assertEquals("Warning", h.awaitEvent(job, EventReason.AlertThresholdReached).getType());
    await("alerting metric").atMost(ClusterHarness.TIMEOUT).pollInterval(ClusterHarness.POLL).ignoreExceptions()
        .until(() -> Double.valueOf(1.0).equals(h.value("featurejob_alerting", job, Map.of())));

    // `kubectl get fj` while alerting: the printer columns of docs/design.md §2, in order.
    ClusterHarness.Result table = h.kubectlHere(null, "get", "fj", job);
    assertEquals(0, table.exitCode(), table.output());
    String[] lines = table.stdout().split("\n");
    assertTrue(lines[0].matches("NAME\\s+FEATURE VIEW\\s+PHASE\\s+FAILURES\\s+LAST FAILURE\\s+NEXT RUN"
        + "\\s+LAST SUCCESS\\s+AGE\\s*"), "header: " + lines[0]);
    assertTrue(lines[1].matches(job + "\\s+trips_hourly\\s+(BackingOff|Running)\\s+[3-9]\\s+PermissionDenied\\s+.*"),
        "row: " + lines[1]);

    // T+3: the owner restores the grant; nobody touches the FeatureJob. T+4/T+5: the retry succeeds.
    permissionGranted.set(true);
    FeatureJobStatus recovered = h.awaitStatus(job, "a success", s -> s.lastSuccessTime != null);
    assertEquals(0, recovered.consecutiveFailures);
    assertFalse(Conditions.isTrue(recovered, Conditions.ALERTING), "alert resolved");
    assertNull(recovered.lastUnblockToken, "no unblock");
    HistoryEntry success = recovered.history.get(0);
    assertEquals(Outcome.Succeeded, success.outcome);
    assertEquals(1, recovered.history.stream().map(e -> e.runId).distinct().count(), "retries of one run");
    assertTrue(recovered.history.stream().skip(1).allMatch(e -> e.failureClass == FailureClass.PermissionDenied));
    h.awaitEvent(job, EventReason.Recovered);
    assertEquals(1, h.events(job, EventReason.AlertThresholdReached).size(), "alert event not repeated");
    await("recovered metrics").atMost(ClusterHarness.TIMEOUT).pollInterval(ClusterHarness.POLL).ignoreExceptions()
        .untilAsserted(() -> {
          assertEquals(0.0, h.value("featurejob_alerting", job, Map.of()));
          assertEquals(1.0, h.value("featurejob_runs_total", job,
              Map.of("outcome", "Succeeded", "failure_class", FeatureJobMetrics.NO_FAILURE_CLASS)));
        });

    ClusterHarness.Result after = h.kubectlHere(null, "get", "fj", job, "--no-headers");
    assertTrue(after.stdout().matches("(?s)" + job + "\\s+trips_hourly\\s+Idle\\s+0\\s+PermissionDenied\\s+\\S+\\s+\\S+\\s+\\S+\\s*"),
        "row after recovery: " + after.stdout());

    // Driver pods are owned by the FeatureJob (controller=true) on a server that checks ownerReferences.
    Pod driver = h.driverPods(job).get(0);
    assertEquals("FeatureJob", driver.getMetadata().getOwnerReferences().get(0).getKind());
    assertEquals(Boolean.TRUE, driver.getMetadata().getOwnerReferences().get(0).getController());

    // kube-controller-manager's garbage collector removes the owned pods with the FeatureJob.
    h.admin.resources(FeatureJob.class).inNamespace(h.namespace).withName(job).delete();
    await("driver pods garbage-collected").atMost(ClusterHarness.TIMEOUT).pollInterval(ClusterHarness.POLL)
        .until(() -> h.driverPods(job).isEmpty());
  }

  /**
   * Spot interruptions of a spot driver: first its node shuts down (DisruptionTarget
   * TerminationByKubelet), then the driver is evicted through the real Eviction API
   * (DisruptionTarget EvictionByEvictionAPI, set by kube-apiserver). After two infrastructure
   * failures the operator falls back to on-demand; the third attempt is bound to an on-demand node.
   */
  @Test
  void spotInterruptionsFallBackToOnDemand() {
    h = ClusterHarness.start("spot");
    String job = "spot-features";
    h.kubelet.script(job, DriverScript.sequence(
        DriverBehaviour.spotInterruption(Duration.ofMillis(500)),
        DriverBehaviour.runForever(),
        DriverBehaviour.succeedAfter(Duration.ofSeconds(1))));
    FeatureJob spec = ClusterJobs.job(job, "1s", "5s", 5, 10);
    spec.getSpec().capacity = new CapacitySpec();
    spec.getSpec().capacity.driver = CapacityType.Spot;
    spec.getSpec().capacity.executors = CapacityType.Spot;
    spec.getSpec().capacity.onDemandFallback = new OnDemandFallback();
    spec.getSpec().capacity.onDemandFallback.afterInfrastructureFailures = 2;
    h.create(spec);

    // (a spot interruption of a still-fresh job is not counted toward the alert, FailureBudget: wait for the
    // failure itself)
    FeatureJobStatus first = h.awaitStatus(job, "failure 1", s -> s.lastFailure != null);
    assertEquals(FailureClass.SpotInterruption, first.lastFailure.failureClass, first.lastFailure.message);
    assertEquals(Boolean.TRUE, first.lastFailure.transientFailure);

    // Attempt 2 runs on spot; evict it as a node drain or Karpenter's interruption handler would.
    Pod second = await("attempt 2 running").atMost(ClusterHarness.TIMEOUT).pollInterval(ClusterHarness.POLL)
        .until(() -> h.driverPods(job).stream().filter(p -> ClusterHarness.attemptOf(p) == 2
            && "Running".equals(ClusterHarness.phaseOf(p))).findFirst(), java.util.Optional::isPresent).get();
    assertEquals(SimulatedCluster.SPOT, h.cluster.node(second.getSpec().getNodeName()).pool().name(),
        "attempt 2 was bound to a spot node");
    assertTrue(h.admin.pods().inNamespace(h.namespace).withName(second.getMetadata().getName()).evict(),
        "eviction accepted");

    FeatureJobStatus fallback = h.awaitStatus(job, "on-demand fallback",
        s -> s.remediation != null && Boolean.TRUE.equals(s.remediation.onDemandFallback));
    assertEquals(FailureClass.SpotInterruption, fallback.lastFailure.failureClass, fallback.lastFailure.message);
    // kube-apiserver's eviction sets DisruptionTarget (reason EvictionByEvictionAPI, message
    // "Eviction API: evicting") before deleting the pod; the disruption-target rule matched it.
    assertEquals("builtin:disruption-target", fallback.lastFailure.reason);
    assertTrue(fallback.lastFailure.message.contains("Eviction API"), fallback.lastFailure.message);
    assertEquals("Normal", h.awaitEvent(job, EventReason.CapacityFallback).getType());

    FeatureJobStatus done = h.awaitStatus(job, "a success", s -> s.lastSuccessTime != null);
    HistoryEntry success = done.history.get(0);
    assertEquals(Outcome.Succeeded, success.outcome);
    assertEquals(3, success.attempt);
    assertEquals(CapacityType.OnDemand, success.driverCapacity);
    assertEquals(CapacityType.OnDemand, success.executorCapacity);
    Pod third = h.pod(success.podName).orElseThrow();
    SimulatedNode node = h.cluster.node(third.getSpec().getNodeName());
    assertEquals(SimulatedCluster.ON_DEMAND, node.pool().name(), "attempt 3 bound to " + node.name());
    // The evicted pod is gone: kube-apiserver deleted it after setting DisruptionTarget.
    assertTrue(h.pod(second.getMetadata().getName()).isEmpty(), "evicted driver deleted");
  }

  /** OOMKilled driver: OutOfMemory, then the next attempt gets 1.5x the memory. */
  @Test
  void oomThenMemoryEscalation() {
    h = ClusterHarness.start("oom");
    String job = "oom-features";
    h.kubelet.script(job, DriverScript.sequence(
        DriverBehaviour.oomKilled(Duration.ofMillis(500)),
        DriverBehaviour.succeedAfter(Duration.ofSeconds(1))));
    h.create(ClusterJobs.job(job, "1s", "5s", 3, 10));

    FeatureJobStatus done = h.awaitStatus(job, "a success", s -> s.lastSuccessTime != null);
    HistoryEntry oom = done.history.get(1);
    assertEquals(FailureClass.OutOfMemory, oom.failureClass, oom.message);
    assertEquals(Outcome.Succeeded, done.history.get(0).outcome);
    h.awaitEvent(job, EventReason.MemoryEscalated);

    List<Pod> drivers = h.driverPods(job);
    assertEquals(2, drivers.size());
    BigDecimal before = driverMemoryLimit(drivers.get(0));
    BigDecimal after = driverMemoryLimit(drivers.get(1));
    assertTrue(after.compareTo(before) > 0, "memory limit " + before + " -> " + after);
    assertNotNull(done.remediation);
    assertEquals("3g", done.remediation.driverMemory, "2g x 1.5");
    PodCondition ready = drivers.get(0).getStatus().getConditions().stream()
        .filter(c -> "Ready".equals(c.getType())).findFirst().orElseThrow();
    assertEquals("False", ready.getStatus());
  }

  private static BigDecimal driverMemoryLimit(Pod pod) {
    Container c = pod.getSpec().getContainers().get(0);
    Quantity limit = c.getResources().getLimits() != null ? c.getResources().getLimits().get("memory")
        : c.getResources().getRequests().get("memory");
    return Quantity.getAmountInBytes(limit);
  }

  /** Parked at the cap; `kubectl annotate --overwrite` unblocks it and the next attempt succeeds. */
  @Test
  void unblockWithKubectlAnnotate() {
    h = ClusterHarness.start("unblock");
    String job = "unblock-features";
    AtomicBoolean fixed = new AtomicBoolean(false);
    h.kubelet.script(job, TestJobs.userCodeErrorUntil(fixed));
    h.create(ClusterJobs.job(job, "1s", "2s", 1, 2));

    FeatureJobStatus parked = h.awaitStatus(job, "PermanentlyFailed", s -> s.phase == Phase.PermanentlyFailed);
    assertEquals(2, parked.consecutiveFailures);
    assertEquals(FailureClass.UserCodeError, parked.lastFailure.failureClass);
    await("parked: no new pod").during(Duration.ofSeconds(3)).atMost(ClusterHarness.TIMEOUT)
        .until(() -> h.driverPods(job).size() == 2);

    fixed.set(true);
    ClusterHarness.Result annotate = h.kubectlHere(null, "annotate", "fj", job,
        "featurejob.io/unblock=1764000000", "--overwrite");
    assertEquals(0, annotate.exitCode(), annotate.output());

    FeatureJobStatus done = h.awaitStatus(job, "a success after the unblock", s -> s.lastSuccessTime != null);
    assertEquals("1764000000", done.lastUnblockToken);
    assertEquals(0, done.consecutiveFailures);
    assertEquals(Phase.Idle, done.phase);
    Event unblocked = h.awaitEvent(job, EventReason.Unblocked);
    assertEquals("Normal", unblocked.getType());
    assertEquals(3, h.driverPods(job).size());
  }

  /** The operator stops mid-run and a new instance starts: the running attempt is adopted, no duplicate pod. */
  @Test
  void operatorRestartMidRunLaunchesNoDuplicate() {
    h = ClusterHarness.start("restart");
    String job = "restart-features";
    h.kubelet.script(job, DriverScript.always(DriverBehaviour.succeedAfter(Duration.ofSeconds(10))));
    h.create(ClusterJobs.job(job, "1s", "5s", 3, 10));

    FeatureJobStatus running = h.awaitStatus(job, "Running",
        s -> s.phase == Phase.Running && s.currentAttempt != null && s.currentAttempt.podName != null);
    String podName = running.currentAttempt.podName;
    await("driver running").atMost(ClusterHarness.TIMEOUT).pollInterval(ClusterHarness.POLL)
        .until(() -> h.pod(podName).map(p -> "Running".equals(ClusterHarness.phaseOf(p))).orElse(false));

    h.restartOperator();

    FeatureJobStatus done = h.awaitStatus(job, "the run recorded", s -> s.lastSuccessTime != null);
    assertEquals(1, done.history.size());
    assertEquals(podName, done.history.get(0).podName);
    assertEquals(Outcome.Succeeded, done.history.get(0).outcome);
    await("still one driver").during(Duration.ofSeconds(3)).atMost(ClusterHarness.TIMEOUT)
        .pollInterval(ClusterHarness.POLL)
        .until(() -> h.driverPods(job).size() == 1 && h.kubelet.driversCreated(job) == 1);
    assertEquals(1, h.events(job, EventReason.RunStarted).size(), "the run was started once");
  }
}
