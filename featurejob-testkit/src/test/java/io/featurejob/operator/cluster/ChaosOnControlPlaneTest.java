package io.featurejob.operator.cluster;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.featurejob.operator.api.FailureClass;
import io.featurejob.operator.api.FeatureJob;
import io.featurejob.operator.api.FeatureJobStatus;
import io.featurejob.operator.api.HistoryEntry;
import io.featurejob.operator.api.Outcome;
import io.featurejob.operator.api.Phase;
import io.featurejob.operator.api.Times;
import io.featurejob.operator.demo.DriverBehaviour;
import io.featurejob.operator.demo.DriverScript;
import io.featurejob.operator.testing.TestJobs;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Fault injection on the real control plane: a storm of jobs that fail and retry while the operator is
 * stopped and started again at random points, then an audit from the API server's own records (pods, their
 * owners and container times, each job's status history). {@code make chaos} runs a bigger storm
 * ({@code -Dfeaturejob.chaos.jobs}, {@code .restarts}, {@code .seed}); {@code make e2e} the small default.
 */
@Tag("cluster")
class ChaosOnControlPlaneTest {
  static final int JOBS = Integer.getInteger("featurejob.chaos.jobs", 4);
  static final int RESTARTS = Integer.getInteger("featurejob.chaos.restarts", 6);
  static final long SEED = Long.getLong("featurejob.chaos.seed", 1);

  private ClusterHarness h;

  @AfterEach
  void stop() {
    if (h != null) {
      h.close();
    }
  }

  @Test
  void aStormOfRetryingJobsSurvivesOperatorRestartsAtRandomPoints() throws InterruptedException {
    h = ClusterHarness.start("chaos");
    Random random = new Random(SEED);
    List<String> jobs = new ArrayList<>();
    for (int i = 0; i < JOBS; i++) {
      String job = "chaos-" + i;
      int failures = 1 + i % 3; // each job fails 1-3 times, then succeeds
      AtomicInteger started = new AtomicInteger();
      DriverScript script = (driver, cluster) -> started.incrementAndGet() <= failures
          ? DriverBehaviour.failAfter(Duration.ofMillis(200 + random.nextInt(800)), 1, TestJobs.TRACEBACK)
          : DriverBehaviour.succeedAfter(Duration.ofMillis(200 + random.nextInt(800)));
      h.kubelet.script(job, script);
      FeatureJob featureJob = ClusterJobs.job(job, "1s", "2s", 3, 10);
      featureJob.getSpec().historyLimit = 100; // every attempt stays in history for the audit
      h.create(featureJob);
      jobs.add(job);
    }
    for (int r = 0; r < RESTARTS; r++) {
      // Random points of the storm: these waits place the faults, no assertion follows them.
      Thread.sleep(200 + random.nextInt(2000));
      h.stopOperator();
      Thread.sleep(random.nextInt(1000));
      h.startOperator();
    }
    await("every job succeeded").atMost(Duration.ofMinutes(3)).pollInterval(ClusterHarness.POLL)
        .until(() -> jobs.stream().allMatch(j -> h.status(j) != null && h.status(j).lastSuccessTime != null));
    h.stopOperator(); // a quiet API server for the audit

    Map<String, Integer> counts = audit(jobs);
    System.out.println("chaos (jobs " + JOBS + ", operator restarts " + RESTARTS + ", seed " + SEED + "): " + counts);
    assertEquals(Map.of("duplicate drivers", 0, "two runs of one window", 0, "failures of attempts never started", 0,
        "lost transitions", 0, "jobs without a next deadline", 0), counts);
  }

  /** The five invariants, counted over all jobs from the API server's pods and statuses. */
  private Map<String, Integer> audit(List<String> jobs) {
    Map<String, Integer> counts = new LinkedHashMap<>();
    for (String name : List.of("duplicate drivers", "two runs of one window", "failures of attempts never started",
        "lost transitions", "jobs without a next deadline")) {
      counts.put(name, 0);
    }
    for (String job : jobs) {
      FeatureJob featureJob = h.job(job);
      FeatureJobStatus status = featureJob.getStatus();
      String uid = featureJob.getMetadata().getUid();
      List<Pod> drivers = h.driverPods(job).stream().filter(p -> uid.equals(controllerUid(p))).toList();
      List<HistoryEntry> history = status.history == null ? List.of() : status.history;
      Set<String> podNames = drivers.stream().map(p -> p.getMetadata().getName()).collect(Collectors.toSet());
      Set<String> recorded = history.stream().map(e -> e.podName).collect(Collectors.toSet());

      // No pod is deleted in this storm, so every driver the kubelet admitted is still listed: more
      // admissions than listed pods means a pod name was created twice.
      counts.merge("duplicate drivers", Math.max(0, h.kubelet.driversCreated(job) - drivers.size()), Integer::sum);
      counts.merge("two runs of one window", overlaps(drivers), Integer::sum);
      counts.merge("failures of attempts never started", (int) history.stream()
          .filter(e -> e.outcome == Outcome.Failed)
          .filter(e -> !podNames.contains(e.podName) || e.failureClass == FailureClass.PodDeleted).count(), Integer::sum);
      counts.merge("lost transitions", (int) drivers.stream().filter(ChaosOnControlPlaneTest::finished)
          .filter(p -> !recorded.contains(p.getMetadata().getName())).count(), Integer::sum);
      boolean hasDeadline = status.currentAttempt != null || status.phase == Phase.PermanentlyFailed
          || status.phase == Phase.Completed || status.nextRunTime != null;
      counts.merge("jobs without a next deadline", hasDeadline ? 0 : 1, Integer::sum);
    }
    return counts;
  }

  /** Pairs of a job's drivers whose containers ran at the same time: one window run twice at once. */
  private static int overlaps(List<Pod> drivers) {
    int pairs = 0;
    for (int i = 0; i < drivers.size(); i++) {
      for (int j = i + 1; j < drivers.size(); j++) {
        Instant[] a = ran(drivers.get(i));
        Instant[] b = ran(drivers.get(j));
        if (a != null && b != null && a[0].isBefore(b[1]) && b[0].isBefore(a[1])) {
          pairs++;
        }
      }
    }
    return pairs;
  }

  /** [started, finished) of the driver container; finished = now while it runs; null if it never ran. */
  private static Instant[] ran(Pod pod) {
    if (pod.getStatus() == null || pod.getStatus().getContainerStatuses() == null) {
      return null;
    }
    for (ContainerStatus cs : pod.getStatus().getContainerStatuses()) {
      if (cs.getState() == null) {
        continue;
      }
      if (cs.getState().getTerminated() != null && cs.getState().getTerminated().getStartedAt() != null) {
        return new Instant[] {Times.parse(cs.getState().getTerminated().getStartedAt()),
            Times.parse(cs.getState().getTerminated().getFinishedAt())};
      }
      if (cs.getState().getRunning() != null) {
        return new Instant[] {Times.parse(cs.getState().getRunning().getStartedAt()), Instant.MAX};
      }
    }
    return null;
  }

  private static boolean finished(Pod pod) {
    String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
    return "Succeeded".equals(phase) || "Failed".equals(phase);
  }

  private static String controllerUid(Pod pod) {
    return pod.getMetadata().getOwnerReferences().stream().filter(o -> Boolean.TRUE.equals(o.getController()))
        .map(OwnerReference::getUid).filter(Objects::nonNull).findFirst().orElse(null);
  }
}
