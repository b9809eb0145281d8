package io.featurejob.operator.cluster;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.featurejob.operator.api.FailureClass;
import io.featurejob.operator.api.FeatureJob;
import io.featurejob.operator.api.FeatureJobStatus;
import io.featurejob.operator.chart.HelmChart;
import io.featurejob.operator.demo.DriverBehaviour;
import io.featurejob.operator.demo.DriverScript;
import io.featurejob.operator.demo.Stories;
import io.featurejob.operator.events.EventReason;
import io.featurejob.operator.metrics.FeatureJobMetrics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The container image on the real control plane, installed the README's kubectl way: `kubectl apply
 * --server-side -f crds/ -f deploy/`, the operator's Role and the Spark identity from
 * deploy/job-namespace/ in the job namespace, which `kubectl set env` adds to the watched ones, and the image run as deploy/'s operator pod ({@link OperatorContainer}: its security
 * context, memory limit, ConfigMap, emptyDir and ServiceAccount token). Runs when `make e2e` built
 * an image (FEATUREJOB_IMAGE); FEATUREJOB_REQUIRE_IMAGE=1, which CI sets, makes a missing image fail.
 */
@Tag("cluster")
class ImageOnControlPlaneTest {
  private static final String OPERATOR_DEPLOYMENT = "featurejob-operator";
  private static final long UID = 65532;
  private static final String HA_RELEASE = "featurejob-operator-ha";

  private ClusterHarness h;
  private final List<OperatorContainer> containers = new ArrayList<>();
  /** Objects of a chart release the test installed besides deploy/, deleted afterwards. */
  private final List<HasMetadata> installed = new ArrayList<>();

  @AfterEach
  void stop() {
    containers.forEach(OperatorContainer::close);
    if (h == null) {
      return;
    }
    for (int i = installed.size() - 1; i >= 0; i--) {
      HasMetadata object = installed.get(i);
      try {
        h.admin.resource(object).delete();
      } catch (RuntimeException e) {
        System.err.println("could not delete " + object.getKind() + " " + object.getMetadata().getName() + ": " + e);
      }
    }
    h.close();
  }

  @Test
  void theImageRunsTheOperatorAsDeployedAndStopsCleanlyOnSigterm() throws IOException {
    String image = imageUnderTest();
    // The image itself is non-root (runAsNonRoot needs a numeric non-zero user when a pod sets none).
    assertEquals(UID + ":" + UID, OperatorContainer.imageConfig(image, "{{.Config.User}}"));

    // README "Install", kubectl: the CRD and the operator objects, then the Spark identity per job namespace.
    ClusterHarness.Result install = ClusterHarness.kubectl(null, "apply", "--server-side", "-f", "crds/", "-f", "deploy/");
    assertEquals(0, install.exitCode(), install.output());
    h = ClusterHarness.withoutOperator("image");
    String jobNamespace = Files.readString(ClusterHarness.JOB_NAMESPACE_MANIFEST)
        .replaceAll("(?m)namespace: featurejob-jobs$", "namespace: " + h.namespace);
    ClusterHarness.Result rbac = ClusterHarness.kubectl(jobNamespace, "apply", "-f", "-");
    assertEquals(0, rbac.exitCode(), rbac.output());
    ClusterHarness.Result watch = ClusterHarness.kubectl(null, "set", "env", "deployment/" + OPERATOR_DEPLOYMENT,
        "--namespace=" + ClusterHarness.OPERATOR_NAMESPACE, "FEATUREJOB_WATCH_NAMESPACES=" + h.namespace);
    assertEquals(0, watch.exitCode(), watch.output());
    // No kubelet runs pods here: this test plays it for the operator pod, so the Deployment keeps none.
    ClusterHarness.Result scaled = ClusterHarness.kubectl(null, "scale", "deployment/" + OPERATOR_DEPLOYMENT,
        "--namespace=" + ClusterHarness.OPERATOR_NAMESPACE, "--replicas=0");
    assertEquals(0, scaled.exitCode(), scaled.output());

    Deployment deployment = h.admin.apps().deployments().inNamespace(ClusterHarness.OPERATOR_NAMESPACE)
        .withName(OPERATOR_DEPLOYMENT).get();
    OperatorContainer container = start(deployment, image);
    container.awaitReady();
    h.useExternalOperator(container.metricsPort());

    // The pod's security context took effect inside the container.
    assertEquals(Long.toString(UID), container.exec("id", "-u").stdout().trim());
    ClusterHarness.Result rootWrite = container.exec("touch", "/opt/featurejob/probe");
    assertNotEquals(0, rootWrite.exitCode(), "root filesystem is read-only");
    assertTrue(rootWrite.output().contains("Read-only file system"), rootWrite.output());
    assertEquals(0, container.exec("touch", "/tmp/probe").exitCode(), "/tmp (the emptyDir) is writable");
    String status = container.exec("cat", "/proc/1/status").stdout();
    assertEquals("0000000000000000", statusField(status, "CapEff"), "every capability dropped");
    assertEquals("1", statusField(status, "NoNewPrivs"), "allowPrivilegeEscalation: false");
    assertEquals("2", statusField(status, "Seccomp"), "a seccomp filter (RuntimeDefault) is on");

    // The operator in the image does its work: the acceptance story (docs/design.md §1) in short.
    AtomicBoolean permissionGranted = new AtomicBoolean(false);
    h.kubelet.script(Stories.ACCEPTANCE_JOB, Stories.acceptanceScript(permissionGranted));
    FeatureJob job = Stories.acceptanceJob();
    job.getSpec().schedule = ClusterJobs.SCHEDULE;
    h.create(job);
    String name = Stories.ACCEPTANCE_JOB;
    FeatureJobStatus failed = h.awaitStatus(name, "first failure", s -> s.lastFailure != null);
    assertEquals(FailureClass.PermissionDenied, failed.lastFailure.failureClass);
    permissionGranted.set(true);
    FeatureJobStatus recovered = h.awaitStatus(name, "a success", s -> s.lastSuccessTime != null);
    assertEquals(0, recovered.consecutiveFailures);
    h.awaitEvent(name, EventReason.RunSucceeded);
    awaitOneSucceededRunInMetrics(name);
    deleteAndAwaitGone(name);

    // Within the pod's memory limit (the heap is 70% of it, from the container's cgroup).
    long peakRssBytes = Long.parseLong(statusField(container.exec("cat", "/proc/1/status").stdout(), "VmHWM")
        .replace("kB", "").trim()) * 1024;
    Container operatorContainer = deployment.getSpec().getTemplate().getSpec().getContainers().get(0);
    long limitBytes = Quantity.getAmountInBytes(operatorContainer.getResources().getLimits().get("memory")).longValueExact();
    System.out.printf("[image] peak RSS of the operator %.0f MiB, limit %.0f MiB%n", peakRssBytes / 1048576.0,
        limitBytes / 1048576.0);
    assertTrue(peakRssBytes < limitBytes, "peak RSS " + peakRssBytes + " within the limit " + limitBytes);
    // The limit reached the JVM: the image's MaxRAMPercentage=70 sizes the heap from it.
    String flags = container.exec("java", "-XX:+PrintFlagsFinal", "-version").stdout();
    Matcher maxHeap = Pattern.compile("MaxHeapSize\\s*=\\s*(\\d+)").matcher(flags);
    assertTrue(maxHeap.find(), flags);
    double heapShare = Long.parseLong(maxHeap.group(1)) / (double) limitBytes;
    // 70%, rounded up to the heap's alignment (538 MiB of 768: 0.7005)
    assertTrue(heapShare > 0.65 && heapShare < 0.71, "max heap " + maxHeap.group(1) + " = " + heapShare + " of the limit");

    // The kubelet's stop: SIGTERM, SIGKILL after the grace period. The shutdown hook must finish first.
    OperatorContainer.Stopped stopped = container.stop();
    System.out.printf("[image] SIGTERM -> exit %d in %.2f s%n", stopped.exitCode(), stopped.seconds());
    assertNotEquals(137, stopped.exitCode(), "killed after the grace period:\n" + stopped.logs());
    assertTrue(stopped.logs().contains("featurejob-operator stopped"), stopped.logs());
    assertTrue(stopped.seconds() < deployment.getSpec().getTemplate().getSpec().getTerminationGracePeriodSeconds(),
        "stopped within the grace period: " + stopped.seconds() + " s");
    assertFalse(stopped.logs().contains(container.token()), "the ServiceAccount token never reaches the log");
    assertFalse(Pattern.compile("(?m)^\\S+ (WARN|ERROR) ").matcher(stopped.logs()).find(),
        "no warning or error logged:\n" + stopped.logs());
  }

  /**
   * The chart with {@code leaderElection.enabled=true} and {@code replicas: 2}, both replicas run from
   * the image: only the Lease holder launches pods; SIGTERM to the leader releases the Lease and the
   * other replica takes over within seconds, adopting the running attempt without a second pod. (The
   * mock-server LeaderElectionTest has to fake JOSDK's Lease access check; here RBAC answers it.)
   */
  @Test
  void twoReplicasElectOneLeaderThatHandsOverOnSigterm() {
    String image = imageUnderTest();
    h = ClusterHarness.withoutOperator("ha");
    // A release of its own, so deploy/'s objects stay as the other tests expect them.
    String namespace = "featurejob-ha-" + h.namespace.substring(h.namespace.lastIndexOf('-') + 1);
    installed.add(h.admin.resource(new NamespaceBuilder().withNewMetadata().withName(namespace).endMetadata().build())
        .create());
    String values = """
        leaderElection: {enabled: true}
        replicas: 2
        watchNamespaces: [%s]
        """.formatted(h.namespace);
    String fullname = null;
    for (HasMetadata object : HelmChart.parse(HelmChart.template(HA_RELEASE, namespace, values))) {
      installed.add(h.admin.resource(object).forceConflicts().serverSideApply());
      if (object instanceof Deployment) {
        fullname = object.getMetadata().getName();
      }
    }
    assertEquals(HA_RELEASE, fullname, "a release name that contains the chart's is the objects' name");
    h.admin.apps().deployments().inNamespace(namespace).withName(fullname).scale(0); // we play the kubelet
    Deployment deployment = h.admin.apps().deployments().inNamespace(namespace).withName(fullname).get();
    OperatorContainer first = start(deployment, image);
    OperatorContainer second = start(deployment, image);

    String lease = operatorProperties(namespace, fullname).getProperty("leaderElectionLeaseName");
    String holder = await("a leader").atMost(ClusterHarness.TIMEOUT).pollInterval(ClusterHarness.POLL)
        .until(() -> leaseHolder(namespace, lease), java.util.Objects::nonNull);
    OperatorContainer leader = holder.startsWith(first.name()) ? first : second;
    OperatorContainer standby = leader == first ? second : first;
    assertTrue(holder.startsWith(leader.name()), "holder " + holder + " is one of the replicas");
    // The leader renews: it still holds the Lease after more than one lease duration.
    await("renewals past the lease duration").atMost(ClusterHarness.TIMEOUT).pollInterval(ClusterHarness.POLL)
        .until(() -> h.admin.leases().inNamespace(namespace).withName(lease).get().getSpec(),
            spec -> holder.equals(spec.getHolderIdentity())
                && spec.getRenewTime().isAfter(spec.getAcquireTime().plusSeconds(spec.getLeaseDurationSeconds())));
    // Both replicas are ready (a standby that never got ready would stall a maxUnavailable: 0 rollout).
    leader.awaitReady();
    standby.awaitReady();
    h.useExternalOperator(leader.metricsPort());

    String job = "ha-features";
    h.kubelet.script(job, DriverScript.always(DriverBehaviour.succeedAfter(Duration.ofSeconds(8))));
    h.create(ClusterJobs.job(job, "1s", "5s", 3, 5));
    await("driver running").atMost(ClusterHarness.TIMEOUT).pollInterval(ClusterHarness.POLL)
        .until(() -> h.driverPods(job).stream().anyMatch(p -> "Running".equals(ClusterHarness.phaseOf(p))));

    long sigterm = System.nanoTime();
    OperatorContainer.Stopped stopped = leader.stop();
    assertNotEquals(137, stopped.exitCode(), stopped.logs());
    assertTrue(stopped.logs().contains("released the Lease"), stopped.logs());
    try {
      await("the standby leads").atMost(ClusterHarness.TIMEOUT).pollInterval(Duration.ofMillis(100))
          .until(() -> leaseHolder(namespace, lease), l -> l != null && l.startsWith(standby.name()));
    } catch (RuntimeException e) {
      throw new AssertionError("no handover; Lease " + h.admin.leases().inNamespace(namespace).withName(lease).get()
          + "\nstandby's log:\n" + standby.logs(), e);
    }
    double handover = (System.nanoTime() - sigterm) / 1e9;
    System.out.printf("[image] leader SIGTERM -> exit %d in %.2f s; standby holds the Lease %.2f s after SIGTERM%n",
        stopped.exitCode(), stopped.seconds(), handover);

    h.useExternalOperator(standby.metricsPort());
    FeatureJobStatus done = h.awaitStatus(job, "a success", s -> s.lastSuccessTime != null);
    assertEquals(1, done.history.size(), "one attempt: " + done.history);
    assertEquals(1, h.driverPods(job).size(), "the new leader adopted the running driver instead of launching another");
    awaitOneSucceededRunInMetrics(job);
    deleteAndAwaitGone(job);
    assertTrue(standby.logs().contains("leading as " + standby.name()), standby.logs());
  }

  /** The /metrics of the container the harness reads count one successful run of {@code job}. */
  private void awaitOneSucceededRunInMetrics(String job) {
    await(job + ": runs_total from the container's /metrics").atMost(ClusterHarness.TIMEOUT)
        .pollInterval(ClusterHarness.POLL).ignoreExceptions()
        .untilAsserted(() -> assertEquals(1.0, h.value("featurejob_runs_total", job,
            Map.of("outcome", "Succeeded", "failure_class", FeatureJobMetrics.NO_FAILURE_CLASS))));
  }

  /** Deletes {@code job} and waits until it is gone (no finalizer holds it). */
  private void deleteAndAwaitGone(String job) {
    h.admin.resources(FeatureJob.class).inNamespace(h.namespace).withName(job).delete();
    await(job + " deleted").atMost(ClusterHarness.TIMEOUT).pollInterval(ClusterHarness.POLL)
        .until(() -> h.admin.resources(FeatureJob.class).inNamespace(h.namespace).withName(job).get() == null);
  }

  private OperatorContainer start(Deployment deployment, String image) {
    OperatorContainer container = OperatorContainer.start(h.admin, deployment, image);
    containers.add(container);
    return container;
  }

  /** The operator.properties of the chart's ConfigMap, as the operator reads them. */
  private java.util.Properties operatorProperties(String namespace, String configMap) {
    java.util.Properties properties = new java.util.Properties();
    try {
      properties.load(new java.io.StringReader(h.admin.configMaps().inNamespace(namespace).withName(configMap).get()
          .getData().get("operator.properties")));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return properties;
  }

  private String leaseHolder(String namespace, String name) {
    Lease lease = h.admin.leases().inNamespace(namespace).withName(name).get();
    return lease == null || lease.getSpec() == null ? null : lease.getSpec().getHolderIdentity();
  }

  /** The image `make e2e` built, or skip; with FEATUREJOB_REQUIRE_IMAGE=1 a missing image fails. */
  private static String imageUnderTest() {
    boolean required = "1".equals(System.getenv("FEATUREJOB_REQUIRE_IMAGE"));
    var image = OperatorContainer.imageUnderTest();
    if (required && image.isEmpty()) {
      throw new AssertionError("FEATUREJOB_REQUIRE_IMAGE=1 but no FEATUREJOB_IMAGE: run through `make e2e`");
    }
    assumeTrue(image.isPresent(), "no image under test (FEATUREJOB_IMAGE); `make e2e` builds one when podman or docker is there");
    return image.get();
  }

  private static String statusField(String procStatus, String field) {
    Matcher m = Pattern.compile("(?m)^" + field + ":\\s*(.+)$").matcher(procStatus);
    assertTrue(m.find(), field + " in /proc/1/status:\n" + procStatus);
    return m.group(1).trim();
  }
}
