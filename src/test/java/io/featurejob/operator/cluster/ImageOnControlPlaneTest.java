package io.featurejob.operator.cluster;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.featurejob.operator.api.FailureClass;
import io.featurejob.operator.api.FeatureJob;
import io.featurejob.operator.api.FeatureJobStatus;
import io.featurejob.operator.demo.Stories;
import io.featurejob.operator.events.EventReason;
import io.featurejob.operator.metrics.FeatureJobMetrics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The container image on the real control plane, installed the README's kubectl way: `kubectl apply
 * --server-side -f crds/ -f deploy/`, the Spark identity from deploy/job-namespace/ in the job
 * namespace, and the image run as deploy/'s operator pod ({@link OperatorContainer}: its security
 * context, memory limit, ConfigMap, emptyDir and ServiceAccount token). Runs when `make e2e` built
 * an image (FEATUREJOB_IMAGE); FEATUREJOB_REQUIRE_IMAGE=1, which CI sets, makes a missing image fail.
 */
@Tag("cluster")
class ImageOnControlPlaneTest {
  private static final String OPERATOR_DEPLOYMENT = "featurejob-operator";
  private static final long UID = 65532;

  private ClusterHarness h;
  private OperatorContainer container;

  @AfterEach
  void stop() {
    if (container != null) {
      container.close();
    }
    if (h != null) {
      h.close();
    }
  }

  @Test
  void theImageRunsTheOperatorAsDeployedAndStopsCleanlyOnSigterm() {
    String image = imageUnderTest();
    // The image itself is non-root (runAsNonRoot needs a numeric non-zero user when a pod sets none).
    assertEquals(UID + ":" + UID, OperatorContainer.imageConfig(image, "{{.Config.User}}"));

    // README "Install", kubectl: the CRD and the operator objects, then the Spark identity per job namespace.
    ClusterHarness.Result install = ClusterHarness.kubectl(null, "apply", "--server-side", "-f", "crds/", "-f", "deploy/");
    assertEquals(0, install.exitCode(), install.output());
    h = ClusterHarness.withoutOperator("image");
    String sparkIdentity = read(Path.of("deploy", "job-namespace", "featurejob-spark.yaml"))
        .replaceAll("(?m)namespace: featurejob-jobs$", "namespace: " + h.namespace);
    ClusterHarness.Result spark = ClusterHarness.kubectl(sparkIdentity, "apply", "-f", "-");
    assertEquals(0, spark.exitCode(), spark.output());
    // No kubelet runs pods here: this test plays it for the operator pod, so the Deployment keeps none.
    ClusterHarness.Result scaled = ClusterHarness.kubectl(null, "scale", "deployment/" + OPERATOR_DEPLOYMENT,
        "--namespace=" + ClusterHarness.OPERATOR_NAMESPACE, "--replicas=0");
    assertEquals(0, scaled.exitCode(), scaled.output());

    Deployment deployment = h.admin.apps().deployments().inNamespace(ClusterHarness.OPERATOR_NAMESPACE)
        .withName(OPERATOR_DEPLOYMENT).get();
    container = OperatorContainer.start(h.admin, deployment, image);
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

    // The operator in the image does its work: the acceptance story (DESIGN §1) in short.
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
    await("runs_total from the container's /metrics").atMost(ClusterHarness.TIMEOUT).pollInterval(ClusterHarness.POLL)
        .ignoreExceptions().untilAsserted(() -> assertEquals(1.0, h.metric("featurejob_runs_total", name,
            Map.of("outcome", "Succeeded", "failure_class", FeatureJobMetrics.NO_FAILURE_CLASS))));
    // Deleting the FeatureJob needs the operator to remove its finalizer.
    h.admin.resources(FeatureJob.class).inNamespace(h.namespace).withName(name).delete();
    await("FeatureJob deleted").atMost(ClusterHarness.TIMEOUT).pollInterval(ClusterHarness.POLL)
        .until(() -> h.admin.resources(FeatureJob.class).inNamespace(h.namespace).withName(name).get() == null);

    // Within the pod's memory limit (the heap is 75% of it, from the container's cgroup).
    long peakRssBytes = Long.parseLong(statusField(container.exec("cat", "/proc/1/status").stdout(), "VmHWM")
        .replace("kB", "").trim()) * 1024;
    Container operatorContainer = deployment.getSpec().getTemplate().getSpec().getContainers().get(0);
    long limitBytes = Quantity.getAmountInBytes(operatorContainer.getResources().getLimits().get("memory")).longValueExact();
    System.out.printf("[image] peak RSS of the operator %.0f MiB, limit %.0f MiB%n", peakRssBytes / 1048576.0,
        limitBytes / 1048576.0);
    assertTrue(peakRssBytes < limitBytes, "peak RSS " + peakRssBytes + " within the limit " + limitBytes);
    // The limit reached the JVM: the image's MaxRAMPercentage=75 sizes the heap from it.
    String flags = container.exec("java", "-XX:+PrintFlagsFinal", "-version").stdout();
    Matcher maxHeap = Pattern.compile("MaxHeapSize\\s*=\\s*(\\d+)").matcher(flags);
    assertTrue(maxHeap.find(), flags);
    double heapShare = Long.parseLong(maxHeap.group(1)) / (double) limitBytes;
    assertTrue(heapShare > 0.70 && heapShare <= 0.75, "max heap " + maxHeap.group(1) + " = " + heapShare + " of the limit");

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

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
