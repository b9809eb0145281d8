package io.featurejob.operator.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.Watch;
import io.featurejob.operator.api.FailureClass;
import io.featurejob.operator.api.FeatureJob;
import io.featurejob.operator.api.FeatureJobStatus;
import io.featurejob.operator.api.HistoryEntry;
import io.featurejob.operator.api.MemoryEscalation;
import io.featurejob.operator.cluster.ClusterHarness;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * An executor killed by the kernel at its container's memory limit, on the real node: each task holds
 * 750 MiB outside the heap, above the 512m executor's 896Mi limit (512m + the 384m overhead). The run
 * fails at the first kill (spark.task.maxFailures=1), the operator classifies it OutOfMemory from what
 * the real pods show, escalates executor memory (factor 2: 1g, a 1408Mi limit) and the retry succeeds.
 *
 * <p>What this test found first: the executors are killed (OOMKilled, exit 137) but Spark deletes
 * their pods at once and the driver exits 1; the "exit code 137(SIGKILL, possible container OOM)"
 * lines end 63 lines before the end of its 267-line log, outside the 2048 bytes the kubelet keeps as
 * the termination message, so the operator saw builtin:non-zero-exit -> UserCodeError and retried with
 * the same memory (that run's driver log and status: featurejob-operator/src/test/resources/io/featurejob/operator/node/).
 * The driver entrypoint's summary (classify/EvidenceSummary) keeps those lines.
 */
@Tag("node")
class ExecutorOomOnRealNodeTest {
  @Test
  void anExecutorOomKilledAtItsLimitGetsMoreMemoryAndTheRetrySucceeds() {
    try (ClusterHarness harness = ClusterHarness.onRealNode("node-oom", SparkOnRealNodeTest.ONE_NODE)) {
      Map<String, String> executors = new ConcurrentHashMap<>();
      try (Watch watch = SparkOnRealNodeTest.watchExecutors(harness, executors)) {
        FeatureJob job = SparkOnRealNodeTest.sparkJob("oom", List.of("--off-heap-mib", "750", "--rows", "1000"));
        job.getSpec().spark.sparkConf = Map.of("spark.task.maxFailures", "1");
        job.getSpec().memoryEscalation = new MemoryEscalation();
        job.getSpec().memoryEscalation.factor = 2.0;
        harness.create(job);

        FeatureJobStatus status = RealNode.diagnosed(harness, () -> Awaitility.await("oom: a successful run after escalation")
            .atMost(RealNode.RUN_TIMEOUT.multipliedBy(2)).pollInterval(RealNode.POLL).ignoreExceptions()
            .until(() -> harness.status("oom"), s -> s != null && s.lastSuccessTime != null));

        System.out.println("[real node] executors seen: " + executors);
        List<Pod> drivers = harness.driverPods("oom");
        for (Pod driver : drivers) {
          System.out.println("[real node] driver " + driver.getMetadata().getName() + ": " + RealNode.summary(driver));
        }
        HistoryEntry failed = status.history.stream().filter(h -> h.failureClass != null).findFirst()
            .orElseThrow(() -> new AssertionError("no failed attempt in history"));
        System.out.println("[real node] failed attempt: " + failed.failureClass + " " + failed.reason + ": " + failed.message);
        assertEquals(FailureClass.OutOfMemory, failed.failureClass, failed.reason + ": " + failed.message);
        assertEquals("1g", status.remediation.executorMemory);
        assertTrue(executors.values().stream().anyMatch(seen -> seen.contains("OOMKilled exit 137")), executors::toString);
        Pod retry = drivers.get(drivers.size() - 1);
        assertTrue(retry.getSpec().getContainers().get(0).getArgs().contains("spark.executor.memory=1g"),
            () -> String.valueOf(retry.getSpec().getContainers().get(0).getArgs()));
      }
    }
  }
}
