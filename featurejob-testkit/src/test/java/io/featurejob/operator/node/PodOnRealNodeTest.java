package io.featurejob.operator.node;

import static io.featurejob.operator.node.RealNode.assertContains;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.featurejob.operator.cluster.ClusterHarness;
import io.featurejob.operator.spark.PodSecurity;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Plain pods on the real node (kubelet, containerd, runc), with the restricted security context the
 * operator gives Spark pods: what the kubelet reports when a container exits non-zero and when the
 * kernel kills it at its memory limit.
 */
@Tag("node")
class PodOnRealNodeTest {
  private static KubernetesClient admin;
  private static String namespace;

  @BeforeAll
  static void namespace() {
    admin = ClusterHarness.adminClient();
    namespace = "node-pod-" + UUID.randomUUID().toString().substring(0, 5);
    admin.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(namespace)
        .addToLabels("featurejob.io/e2e", "true").endMetadata().build()).create();
    // pods run as "default", which kube-controller-manager creates in a new namespace
    await("ServiceAccount default").atMost(RealNode.RUN_TIMEOUT).pollInterval(RealNode.POLL)
        .until(() -> admin.serviceAccounts().inNamespace(namespace).withName("default").get() != null);
  }

  @AfterAll
  static void cleanUp() {
    if (admin != null) {
      admin.namespaces().withName(namespace).delete();
      admin.close();
    }
  }

  @Test
  void aFailingContainersLogTailIsItsTerminationMessageAndKubectlLogsReadsIt() {
    Pod pod = run("exits-3", "echo first line; echo 'to stderr' >&2; echo \"uid $(id -u)\"; exit 3", null);

    ContainerStateTerminated terminated = terminated(pod);
    assertEquals("Failed", pod.getStatus().getPhase());
    assertEquals(3, terminated.getExitCode());
    assertEquals("Error", terminated.getReason());
    // FallbackToLogsOnError: the log tail, stdout and stderr interleaved, is the evidence
    assertContains(terminated.getMessage(), "first line", "to stderr", "uid 185");
    assertContains(RealNode.logs(namespace, pod.getMetadata().getName()), "first line", "uid 185");
  }

  @Test
  void aContainerWhoseMainProcessPassesItsMemoryLimitIsOomKilledWithExitCode137() {
    // bash itself holds 300 MiB (a command substitution's output) under a 64 MiB limit
    Pod pod = run("oom-main", "echo start; x=$(head -c 300m /dev/zero | tr '\\0' a); echo survived", "64Mi");

    ContainerStateTerminated terminated = terminated(pod);
    assertEquals("Failed", pod.getStatus().getPhase());
    assertEquals("OOMKilled", terminated.getReason());
    assertEquals(137, terminated.getExitCode());
    String logs = RealNode.logs(namespace, pod.getMetadata().getName());
    assertContains(logs, "start");
    assertFalse(logs.contains("survived"), logs);
  }

  /**
   * containerd reports OOMKilled when the kernel killed any process of the container's cgroup: a
   * killed child of a main process that then exits 0 leaves a Succeeded pod whose container says
   * OOMKilled with exit code 0.
   */
  @Test
  void aChildKilledAtTheMemoryLimitMarksAContainerThatExitsZeroOomKilled() {
    // tail keeps its last line in memory: here one line of 300 MiB; bash goes on
    Pod pod = run("oom-child", "echo start; head -c 300m /dev/zero | tail >/dev/null; echo \"tail: $?\"", "64Mi");

    ContainerStateTerminated terminated = terminated(pod);
    assertEquals("Succeeded", pod.getStatus().getPhase());
    assertEquals("OOMKilled", terminated.getReason());
    assertEquals(0, terminated.getExitCode());
    assertContains(RealNode.logs(namespace, pod.getMetadata().getName()), "start", "tail: 137");
  }

  /**
   * The pod network's one route leads to the service range: the API server's name resolves and its
   * address answers; any other name does not resolve (no upstream DNS) and an address off this
   * machine is unreachable (no default route). 203.0.113.1 is TEST-NET-3, documentation only.
   */
  @Test
  void podsReachTheApiServerByItsServiceNameAndNothingOffTheMachine() {
    Pod pod = run("network", String.join("; ",
        "getent hosts kubernetes.default.svc.cluster.local",
        "getent hosts kubernetes.default.svc || echo 'short name unresolved'",
        "timeout 10 bash -c 'exec 3<>/dev/tcp/10.0.0.1/443' && echo 'api server port open'",
        "getent hosts example.com || echo 'example.com unresolved'",
        "timeout 10 bash -c 'exec 3<>/dev/tcp/203.0.113.1/80' 2>&1 || echo 'off-machine connect failed'",
        "ip route 2>/dev/null || cat /proc/net/route"), null);

    assertEquals("Succeeded", pod.getStatus().getPhase());
    String logs = RealNode.logs(namespace, pod.getMetadata().getName());
    assertContains(logs, "api server port open", "example.com unresolved", "Network is unreachable",
        "off-machine connect failed");
    assertTrue(logs.lines().anyMatch(line -> line.startsWith("10.0.0.1 ") && line.endsWith(" kubernetes.default.svc.cluster.local")), logs);
    assertFalse(logs.contains("short name unresolved"), logs);
  }

  /** Runs {@code script} with bash in the Spark image as the restricted user; returns the finished pod. */
  private static Pod run(String name, String script, String memoryLimit) {
    PodBuilder builder = new PodBuilder()
        .withNewMetadata().withName(name).withNamespace(namespace).endMetadata()
        .withNewSpec()
        .withRestartPolicy("Never")
        .withSecurityContext(PodSecurity.restrictedPod())
        .addNewContainer()
        .withName("main")
        .withImage(RealNode.sparkImage())
        .withCommand("/bin/bash", "-c", script)
        .withTerminationMessagePolicy("FallbackToLogsOnError")
        .withSecurityContext(PodSecurity.restrictedContainer())
        .withNewResources()
        .addToRequests("cpu", new Quantity("100m"))
        .addToLimits(memoryLimit == null ? Map.of() : Map.of("memory", new Quantity(memoryLimit)))
        .endResources()
        .endContainer()
        .endSpec();
    admin.pods().inNamespace(namespace).resource(builder.build()).create();
    Pod done = await(name + " finished").atMost(RealNode.RUN_TIMEOUT).pollInterval(RealNode.POLL)
        .until(() -> admin.pods().inNamespace(namespace).withName(name).get(),
            p -> p != null && List.of("Succeeded", "Failed").contains(p.getStatus().getPhase()));
    System.out.println("[real node] pod " + name + " status:\n" + RealNode.statusYaml(done));
    return done;
  }

  private static ContainerStateTerminated terminated(Pod pod) {
    return pod.getStatus().getContainerStatuses().get(0).getState().getTerminated();
  }
}
