package io.featurejob.operator.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Pod;
import io.featurejob.operator.api.FailureClass;
import io.featurejob.operator.api.FeatureJobStatus;
import io.featurejob.operator.api.HistoryEntry;
import io.featurejob.operator.cluster.ClusterHarness;
import io.featurejob.operator.events.EventReason;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Someone deletes the running driver pod (`kubectl delete pod`, the default grace period) once its
 * executors run: the real kubelet stops the driver (SIGTERM, exit 143), writes phase Failed with no
 * DisruptionTarget, the garbage collector removes the executors and the pod goes. docs/design.md §5:
 * a driver pod that vanished mid-run is PodDeleted (transient, no remediation); the operator retries
 * and the next attempt succeeds.
 *
 * <p>What this test found first: the operator saw the Failed version (exit 143, being deleted) before
 * the pod went and classified it Unknown (builtin:driver-killed-by-signal); AttemptObserver now says
 * PodDeleted for a deleted driver whose exit shows only that it was stopped.
 */
@Tag("node")
class DriverDeletedOnRealNodeTest {
  @Test
  void aDriverDeletedMidRunIsPodDeletedAndTheRetrySucceeds() {
    try (ClusterHarness harness = ClusterHarness.onRealNode("node-deleted", SparkOnRealNodeTest.ONE_NODE);
         NodeStory story = new NodeStory(harness, "driver-deleted")) {
      harness.create(SparkOnRealNodeTest.sparkJob("deleted", List.of("--rows", "2000000")));

      // mid-run: the driver has created its executors and they run
      List<Pod> executors = NodeStory.runningExecutors(harness, "deleted", 1);
      String first = NodeStory.driver(harness, "deleted", 1).getMetadata().getName();
      ClusterHarness.Result deleted = ClusterHarness.kubectl(null, "delete", "pod", first,
          "--namespace=" + harness.namespace, "--wait=false");
      assertEquals(0, deleted.exitCode(), deleted::output);

      FeatureJobStatus status = RealNode.diagnosed(harness, () -> Awaitility.await("deleted: a successful retry")
          .atMost(RealNode.RUN_TIMEOUT).pollInterval(RealNode.POLL).ignoreExceptions()
          .until(() -> harness.status("deleted"), s -> s != null && s.lastSuccessTime != null));
      story.writeTranscript("deleted", "kubectl delete pod " + first + " once its executors "
          + NodeStory.names(executors) + " ran");

      HistoryEntry failed = status.history.stream().filter(h -> first.equals(h.podName)).findFirst()
          .orElseThrow(() -> new AssertionError("no history entry for " + first));
      assertEquals(FailureClass.PodDeleted, failed.failureClass, failed.reason + ": " + failed.message);
      assertEquals(0, status.consecutiveFailures);
      HistoryEntry succeeded = status.history.get(0);
      assertEquals(2, succeeded.attempt, () -> String.valueOf(status.history));
      assertTrue(harness.events("deleted", EventReason.RunFailed).stream()
          .anyMatch(e -> e.getMessage().contains("PodDeleted")), () -> String.valueOf(harness.events("deleted")));
      assertEquals(1, harness.events("deleted", EventReason.Recovered).size());
    }
  }
}
