package io.featurejob.operator.node;

import static io.featurejob.operator.node.RealNode.assertContains;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.featurejob.operator.api.DriverSpec;
import io.featurejob.operator.api.ExecutorSpec;
import io.featurejob.operator.api.FeatureJob;
import io.featurejob.operator.api.FeatureJobStatus;
import io.featurejob.operator.api.Labels;
import io.featurejob.operator.cluster.ClusterHarness;
import io.featurejob.operator.testing.TestJobs;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The operator (in this JVM, as the chart's ServiceAccount) launches a FeatureJob on the real node:
 * the real driver pod runs spark-submit against the API server through the in-cluster address,
 * creates executor pods from the operator's template, they register with the driver, run tasks, and
 * the run succeeds.
 */
@Tag("node")
class SparkOnRealNodeTest {
  /** One node: capacity types cannot be told apart, so pods go wherever the scheduler puts them. */
  static final Map<String, String> ONE_NODE = Map.of(
      "FEATUREJOB_CAPACITY_PROFILE", "none",
      // the image built for the node (operator option sparkImages, an allow-list)
      "FEATUREJOB_SPARK_IMAGES", "localhost/featurejob-spark");

  @Test
  void theDriverCreatesExecutorsFromTheTemplateAndTheRunSucceeds() {
    try (ClusterHarness harness = ClusterHarness.onRealNode("node-spark", ONE_NODE)) {
      Map<String, String> executors = new ConcurrentHashMap<>();
      try (Watch watch = watchExecutors(harness, executors)) {
        FeatureJob job = sparkJob("synthetic", List.of("--rows", "2000000"));
        harness.create(job);

        FeatureJobStatus status = RealNode.diagnosed(harness, () -> Awaitility.await("synthetic: a successful run")
            .atMost(RealNode.RUN_TIMEOUT).pollInterval(RealNode.POLL).ignoreExceptions()
            .until(() -> harness.status("synthetic"), s -> s != null && s.lastSuccessTime != null));

        assertEquals(0, status.consecutiveFailures);
        Pod driver = harness.driverPods("synthetic").get(0);
        System.out.println("[real node] driver " + driver.getMetadata().getName() + " status:\n" + RealNode.statusYaml(driver));
        assertEquals("Succeeded", driver.getStatus().getPhase());
        String log = RealNode.logs(harness.namespace, driver.getMetadata().getName());
        assertContains(log, "featurejob-example: 2000000 rows, 10 keys, total 1999999000000");
        System.out.println("[real node] executors seen: " + executors);
        // both executors from the template (its labels), and each ran: it registered and was
        // removed by the driver at the end (Succeeded or deleted while Running)
        assertEquals(2, executors.size(), executors::toString);
        assertContains(log, "Registered executor");
      }
    }
  }

  static FeatureJob sparkJob(String name, List<String> arguments) {
    FeatureJob job = TestJobs.job(name, "5s", "30s", 3, 10);
    job.getSpec().schedule = "@yearly";
    job.getSpec().spark.image = RealNode.sparkImage();
    job.getSpec().spark.mainApplicationFile = "local:///opt/spark/jars/featurejob-example.jar";
    job.getSpec().spark.mainClass = "io.featurejob.example.FeatureJobExample";
    job.getSpec().spark.arguments = arguments;
    job.getSpec().spark.driver = new DriverSpec();
    job.getSpec().spark.driver.cores = "500m";
    job.getSpec().spark.driver.memory = "512m";
    job.getSpec().spark.executor = new ExecutorSpec();
    job.getSpec().spark.executor.instances = 2;
    job.getSpec().spark.executor.cores = "500m";
    job.getSpec().spark.executor.memory = "512m";
    return job;
  }

  /** Records each executor pod's last phase as the real kubelet reports it (Spark deletes them at the end). */
  static Watch watchExecutors(ClusterHarness harness, Map<String, String> phases) {
    return harness.admin.pods().inNamespace(harness.namespace).withLabel(Labels.SPARK_ROLE, Labels.ROLE_EXECUTOR)
        .watch(new Watcher<>() {
          @Override
          public void eventReceived(Action action, Pod pod) {
            String seen = RealNode.summary(pod);
            phases.put(pod.getMetadata().getName(), action == Action.DELETED ? "deleted (was " + seen + ")" : seen);
          }

          @Override
          public void onClose(WatcherException cause) {
            // the test closes it
          }
        });
  }
}
