package io.featurejob.operator.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Pod;
import io.featurejob.operator.api.FailureClass;
import io.featurejob.operator.api.FeatureJobStatus;
import io.featurejob.operator.api.HistoryEntry;
import io.featurejob.operator.cluster.ClusterHarness;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The node's pods are evicted through the Eviction API, as `kubectl drain` does (the real node cannot
 * be drained here without stopping the next attempt too). Attempt 1: the driver and both executors
 * are evicted once the executors run; the API server marks them DisruptionTarget
 * (EvictionByEvictionAPI) and the operator classifies the attempt SpotInterruption. Attempt 2: only
 * its executors are evicted; Spark's driver asks for new executors, and the run succeeds with no
 * failure recorded, because a driver that outlives its executors loses nothing but time.
 */
@Tag("node")
class EvictionOnRealNodeTest {
  @Test
  void evictedPodsAreSpotInterruptionAndEvictedExecutorsAreReplaced() {
    try (ClusterHarness harness = ClusterHarness.onRealNode("node-evict", SparkOnRealNodeTest.ONE_NODE);
         NodeStory story = new NodeStory(harness, "eviction")) {
      harness.create(SparkOnRealNodeTest.sparkJob("evicted", List.of("--rows", "2000000")));

      // attempt 1: the whole application, as a drain of the node would
      List<Pod> first = NodeStory.runningExecutors(harness, "evicted", 1);
      Pod driver1 = NodeStory.driver(harness, "evicted", 1);
      assertTrue(NodeStory.evict(harness, driver1.getMetadata().getName()), "eviction of the driver refused");
      for (Pod executor : first) {
        NodeStory.evict(harness, executor.getMetadata().getName()); // may be gone with its driver already
      }

      // attempt 2: its executors only
      List<Pod> second = NodeStory.runningExecutors(harness, "evicted", 2);
      for (Pod executor : second) {
        assertTrue(NodeStory.evict(harness, executor.getMetadata().getName()),
            "eviction of " + executor.getMetadata().getName() + " refused");
      }

      FeatureJobStatus status = RealNode.diagnosed(harness, () -> Awaitility.await("evicted: a successful retry")
          .atMost(RealNode.RUN_TIMEOUT).pollInterval(RealNode.POLL).ignoreExceptions()
          .until(() -> harness.status("evicted"), s -> s != null && s.lastSuccessTime != null));
      Pod driver2 = NodeStory.driver(harness, "evicted", 2);
      story.writeTranscript("evicted",
          "attempt 1: evicted driver " + driver1.getMetadata().getName() + " and executors " + NodeStory.names(first),
          "attempt 2: evicted executors " + NodeStory.names(second));

      HistoryEntry interrupted = status.history.stream()
          .filter(h -> driver1.getMetadata().getName().equals(h.podName)).findFirst()
          .orElseThrow(() -> new AssertionError("no history entry for " + driver1.getMetadata().getName()));
      assertEquals(FailureClass.SpotInterruption, interrupted.failureClass, interrupted.reason + ": " + interrupted.message);
      assertEquals(2, status.history.get(0).attempt, () -> String.valueOf(status.history));
      assertEquals(driver2.getMetadata().getName(), status.history.get(0).podName);
      assertEquals("Succeeded", driver2.getStatus().getPhase());
      // Spark replaced the evicted executors of attempt 2: executor ids beyond the first two were created
      String prefix = driver2.getMetadata().getName() + "-exec-";
      assertTrue(story.podLines().stream().anyMatch(line -> line.contains(" " + prefix + "3 ")),
          () -> String.join("\n", story.podLines()));
    }
  }
}
