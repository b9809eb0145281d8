package io.featurejob.operator.node;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.featurejob.operator.cluster.ClusterHarness;
import java.time.Duration;
import java.util.function.Supplier;

/** What the tests on the real node share: its images (named by `make e2e-node`) and generous waits. */
final class RealNode {
  /** Spark's JVMs start in seconds, but this machine's two cores are shared: a run took 2 to 8 minutes here under load. */
  static final Duration RUN_TIMEOUT = Duration.ofMinutes(10);
  static final Duration POLL = Duration.ofMillis(500);

  private RealNode() {}

  /** The Spark image imported into the node's containerd (hack/node/images.sh spark). */
  static String sparkImage() {
    String image = System.getenv("FEATUREJOB_NODE_SPARK_IMAGE");
    if (image == null || image.isBlank()) {
      throw new IllegalStateException("FEATUREJOB_NODE_SPARK_IMAGE is not set: run these tests with `make e2e-node`");
    }
    return image;
  }

  /** The pod's status as YAML, printed so a run's output records what the real kubelet reported. */
  static String statusYaml(Pod pod) {
    return Serialization.asYaml(pod.getStatus());
  }

  /**
   * Runs {@code check}; when it fails, prints what the node shows (the namespace's pods with their
   * status, each pod's log tail, events, the FeatureJobs) before rethrowing: the pods are gone after
   * the harness closes.
   */
  static <T> T diagnosed(ClusterHarness harness, Supplier<T> check) {
    try {
      return check.get();
    } catch (RuntimeException | AssertionError e) {
      String ns = "--namespace=" + harness.namespace;
      System.out.println("[real node] diagnosis of " + harness.namespace);
      System.out.println(ClusterHarness.kubectl(null, "get", "fj,pods,events", ns, "-o", "wide").output());
      System.out.println(ClusterHarness.kubectl(null, "get", "fj,pods", ns, "-o", "yaml").output());
      for (Pod pod : harness.admin.pods().inNamespace(harness.namespace).list().getItems()) {
        System.out.println("[real node] log tail of " + pod.getMetadata().getName() + ":\n"
            + ClusterHarness.kubectl(null, "logs", ns, "--tail=60", pod.getMetadata().getName()).output());
      }
      throw e;
    }
  }

  /** Phase, and the first container's termination (reason, exit code) when it has one. */
  static String summary(Pod pod) {
    if (pod.getStatus() == null) {
      return "no status";
    }
    String summary = String.valueOf(pod.getStatus().getPhase());
    if (pod.getStatus().getContainerStatuses() != null && !pod.getStatus().getContainerStatuses().isEmpty()) {
      var terminated = pod.getStatus().getContainerStatuses().get(0).getState().getTerminated();
      if (terminated != null) {
        summary += " " + terminated.getReason() + " exit " + terminated.getExitCode();
      }
    }
    return summary;
  }

  /** True once the pod's first container is running (not being deleted). */
  static boolean containerRunning(Pod pod) {
    return pod != null && pod.getMetadata().getDeletionTimestamp() == null && pod.getStatus() != null
        && pod.getStatus().getContainerStatuses() != null && !pod.getStatus().getContainerStatuses().isEmpty()
        && pod.getStatus().getContainerStatuses().get(0).getState().getRunning() != null;
  }

  static String logs(String namespace, String pod) {
    ClusterHarness.Result result = ClusterHarness.kubectl(null, "logs", "--namespace=" + namespace, pod);
    if (result.exitCode() != 0) {
      throw new AssertionError("kubectl logs " + pod + " failed: " + result.output());
    }
    return result.stdout();
  }

  /** Fails naming the first of {@code parts} missing from {@code text}, and showing the text. */
  static void assertContains(String text, String... parts) {
    for (String part : parts) {
      if (text == null || !text.contains(part)) {
        throw new AssertionError("expected '" + part + "' in:\n" + text);
      }
    }
  }
}
