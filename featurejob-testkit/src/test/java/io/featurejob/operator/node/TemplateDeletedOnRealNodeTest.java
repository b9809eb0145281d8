package io.featurejob.operator.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.fabric8.kubernetes.api.model.Pod;
import io.featurejob.operator.api.FailureClass;
import io.featurejob.operator.api.FeatureJob;
import io.featurejob.operator.api.FeatureJobStatus;
import io.featurejob.operator.api.HistoryEntry;
import io.featurejob.operator.api.Labels;
import io.featurejob.operator.api.Outcome;
import io.featurejob.operator.cluster.ClusterHarness;
import io.featurejob.operator.spark.PodNames;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Someone deletes a job's executor-template ConfigMap by hand between runs ({@code kubectl delete
 * configmap}). The operator remembers writing it and does not write it again per run, so the next driver
 * on the real node cannot mount it: the kubelet keeps the pod in ContainerCreating until the job's
 * runTimeout ends the attempt as Timeout. That failure is not transient, so the operator writes the
 * template again before the retry ({@code TemplateWrites.suspect}), and the retry succeeds.
 */
@Tag("node")
class TemplateDeletedOnRealNodeTest {
  static final String JOB = "untemplated";

  @Test
  void aDeletedTemplateStopsOneAttemptAndTheRetryWritesItAgain() {
    try (ClusterHarness harness = ClusterHarness.onRealNode("node-template", SparkOnRealNodeTest.ONE_NODE);
         NodeStory story = new NodeStory(harness, "template-deleted")) {
      FeatureJob job = SparkOnRealNodeTest.sparkJob(JOB, List.of("--rows", "1000"));
      job.getSpec().spark.executor.instances = 1;
      job.getSpec().runTimeout = "2m"; // a run takes under a minute here; the stuck attempt ends after 2
      harness.create(job);
      FeatureJobStatus first = RealNode.diagnosed(harness, () -> Awaitility.await(JOB + ": the first run succeeds")
          .atMost(RealNode.RUN_TIMEOUT).pollInterval(RealNode.POLL).ignoreExceptions()
          .until(() -> harness.status(JOB), s -> s != null && s.lastSuccessTime != null));

      String firstDriver = harness.driverPods(JOB).get(0).getMetadata().getName();
      String configMap = PodNames.executorTemplateConfigMap(JOB);
      ClusterHarness.Result deleted = ClusterHarness.kubectl(null, "delete", "configmap", configMap,
          "--namespace=" + harness.namespace);
      assertEquals(0, deleted.exitCode(), deleted::output);
      ClusterHarness.Result annotated = ClusterHarness.kubectl(null, "annotate", "featurejob", JOB,
          Labels.RUN_NOW + "=after-the-delete", "--namespace=" + harness.namespace);
      assertEquals(0, annotated.exitCode(), annotated::output);

      // the real kubelet's view of a driver whose ConfigMap volume is gone
      Pod stuck = RealNode.diagnosed(harness, () -> Awaitility.await(JOB + ": the next driver waits for its volume")
          .atMost(RealNode.RUN_TIMEOUT).pollInterval(RealNode.POLL).ignoreExceptions()
          .until(() -> harness.driverPods(JOB).stream().filter(p -> !p.getMetadata().getName().equals(firstDriver))
              .findFirst().orElse(null), p -> p != null && p.getSpec().getNodeName() != null
              && p.getStatus().getContainerStatuses() != null && !p.getStatus().getContainerStatuses().isEmpty()
              && p.getStatus().getContainerStatuses().get(0).getState().getWaiting() != null));
      System.out.println("[real node] driver without its template ConfigMap:\n" + RealNode.statusYaml(stuck));
      assertEquals("ContainerCreating", stuck.getStatus().getContainerStatuses().get(0).getState().getWaiting().getReason());

      FeatureJobStatus healed = RealNode.diagnosed(harness, () -> Awaitility.await(JOB + ": a later run succeeds")
          .atMost(RealNode.RUN_TIMEOUT).pollInterval(RealNode.POLL).ignoreExceptions()
          .until(() -> harness.status(JOB), s -> s != null && s.lastSuccessTime != null
              && !s.lastSuccessTime.equals(first.lastSuccessTime)));
      story.writeTranscript(JOB, "kubectl delete configmap " + configMap + " after the first run, then "
          + Labels.RUN_NOW + "; runTimeout 2m");

      HistoryEntry timedOut = healed.history.stream().filter(h -> stuck.getMetadata().getName().equals(h.podName))
          .findFirst().orElseThrow(() -> new AssertionError("no history entry for " + stuck.getMetadata().getName()));
      assertEquals(FailureClass.Timeout, timedOut.failureClass, timedOut.reason + ": " + timedOut.message);
      HistoryEntry retried = healed.history.get(0);
      assertEquals(Outcome.Succeeded, retried.outcome, () -> String.valueOf(healed.history));
      assertEquals(timedOut.runId, retried.runId, () -> String.valueOf(healed.history));
      assertEquals(timedOut.attempt + 1, retried.attempt, () -> String.valueOf(healed.history));
      assertNotNull(harness.admin.configMaps().inNamespace(harness.namespace).withName(configMap).get(),
          "the operator wrote the template again");
    }
  }
}
