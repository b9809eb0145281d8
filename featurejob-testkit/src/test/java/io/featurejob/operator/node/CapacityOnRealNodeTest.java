package io.featurejob.operator.node;

import static io.featurejob.operator.node.RealNode.assertContains;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Pod;
import io.featurejob.operator.api.CapacitySpec;
import io.featurejob.operator.api.CapacityType;
import io.featurejob.operator.api.FailureClass;
import io.featurejob.operator.api.FeatureJob;
import io.featurejob.operator.api.FeatureJobStatus;
import io.featurejob.operator.api.HistoryEntry;
import io.featurejob.operator.api.Labels;
import io.featurejob.operator.cluster.ClusterHarness;
import io.featurejob.operator.events.EventReason;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A driver that cannot fit: it requests 64 CPUs of a node that has 2. The real kube-scheduler leaves
 * it Pending with PodScheduled=False/Unschedulable ("Insufficient cpu"); after the job's 10 s
 * schedulingTimeout the operator deletes it and records CapacityUnavailable, retries after its back-off,
 * and after two infrastructure failures (capacity.onDemandFallback.afterInfrastructureFailures, default 2)
 * moves the job to on-demand capacity: the third driver is created with on-demand capacity. On this one
 * node the fallback cannot make room, so the story ends there: the policy's steps, not a success.
 */
@Tag("node")
class CapacityOnRealNodeTest {
  @Test
  void aDriverThatCannotFitIsCapacityUnavailableAfterTheSchedulingTimeoutThenFallsBackToOnDemand() {
    try (ClusterHarness harness = ClusterHarness.onRealNode("node-capacity", SparkOnRealNodeTest.ONE_NODE);
         NodeStory story = new NodeStory(harness, "capacity")) {
      FeatureJob job = SparkOnRealNodeTest.sparkJob("toobig", List.of("--rows", "1000"));
      job.getSpec().spark.driver.cores = "64";
      job.getSpec().capacity = new CapacitySpec();
      job.getSpec().capacity.schedulingTimeout = "10s";
      harness.create(job);

      FeatureJobStatus status = RealNode.diagnosed(harness, () -> Awaitility.await("toobig: on-demand fallback")
          .atMost(RealNode.RUN_TIMEOUT).pollInterval(RealNode.POLL).ignoreExceptions()
          .until(() -> harness.status("toobig"), s -> s != null && s.remediation != null
              && Boolean.TRUE.equals(s.remediation.onDemandFallback)));
      Pod third = RealNode.diagnosed(harness, () -> Awaitility.await("toobig: attempt 3 created")
          .atMost(RealNode.RUN_TIMEOUT).pollInterval(RealNode.POLL).ignoreExceptions()
          .until(() -> harness.driverPods("toobig").stream().filter(p -> ClusterHarness.attemptOf(p) == 3)
              .findFirst().orElse(null), p -> p != null));
      story.writeTranscript("toobig", "spark.driver.cores=64 on a 2-CPU node, capacity.schedulingTimeout 10s");

      List<HistoryEntry> failures = status.history.stream().filter(h -> h.failureClass != null).toList();
      assertEquals(2, failures.size(), () -> String.valueOf(status.history));
      for (HistoryEntry failure : failures) {
        assertEquals(FailureClass.CapacityUnavailable, failure.failureClass, failure.reason + ": " + failure.message);
        assertContains(failure.message, "Insufficient cpu");
      }
      // the infrastructure streak decides the fallback; whether the failures also count toward the alert
      // depends on the freshness SLO being at risk (FailureBudget)
      assertEquals(Integer.valueOf(2), status.remediation.infrastructureFailures);
      assertEquals(1, harness.events("toobig", EventReason.CapacityFallback).size());
      // one RunFailed per transition that matters, carrying when the retry runs (EventSelection)
      assertTrue(harness.events("toobig", EventReason.RunFailed).stream().anyMatch(e -> e.getMessage().contains("CapacityUnavailable")));
      assertEquals(CapacityType.OnDemand.name(), third.getMetadata().getAnnotations().get(Labels.EXECUTOR_CAPACITY));
      // the operator deleted the two pods it gave up on
      Awaitility.await("toobig: attempts 1 and 2 deleted").atMost(RealNode.RUN_TIMEOUT).pollInterval(RealNode.POLL)
          .until(() -> harness.driverPods("toobig").stream().noneMatch(p -> ClusterHarness.attemptOf(p) < 3));
    }
  }
}
