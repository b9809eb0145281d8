package io.featurejob.operator.e2e;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.featurejob.operator.api.FeatureJobStatus;
import io.featurejob.operator.api.HistoryEntry;
import io.featurejob.operator.api.Labels;
import io.featurejob.operator.config.OperatorConfig;
import io.featurejob.operator.controller.FeatureJobOperator;
import io.featurejob.operator.demo.DriverBehaviour;
import io.featurejob.operator.demo.DriverScript;
import io.featurejob.operator.events.EventReason;
import io.featurejob.operator.spark.PodNames;
import io.featurejob.operator.testing.FeatureJobHarness;
import io.featurejob.operator.testing.LeaderFreeze;
import io.featurejob.operator.testing.TestJobs;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 12: a former leader frozen between its (optimistically locked) status write and its pod create,
 * while its successor takes over and moves on, then thawed. The interleaving is exact ({@link LeaderFreeze}
 * stops that one reconcile at a chosen request); the successor is the harness's operator. Checked from the
 * API server's records, as ChaosAudit does: every pod ever admitted (a watch), the job's history and events.
 *
 * <p>The story: the old leader records attempt 1 and freezes. The successor finds attempt 1 recorded but never
 * created, creates its pod; that driver cannot pull its image (ConfigError), so the successor deletes it,
 * counts the failure and launches attempt 2, which keeps running. Then the old leader thaws.
 */
class LeaderFencingTest {
  private static final String DRIVER_ONE_FAILS_THEN_RUN = "1st driver: ImagePullBackOff; then run forever";
  private E2eHarness h;
  private FeatureJobOperator oldLeader;
  private KubernetesClient oldLeaderClient;
  private Watch watch;
  private double frozenAtFinished;
  private final List<Pod> admitted = new CopyOnWriteArrayList<>();

  @AfterEach
  void stop() {
    if (watch != null) {
      watch.close();
    }
    stopOldLeader();
    if (h != null) {
      h.close();
    }
  }

  /**
   * Frozen right after the write: the thawed leader must see the job moved on and write nothing (no pod, no
   * executor template).
   */
  @Test
  void aLeaderFrozenAfterItsStatusWriteCreatesNoPodOnceItsSuccessorMovedOn() throws Exception {
    String job = "fenced";
    LeaderFreeze freeze = new LeaderFreeze(LeaderFreeze.Point.NEXT_REQUEST);
    String attemptOne = successorMovesOnWhileTheOldLeaderIsFrozen(job, freeze);

    thawAndStopTheOldLeader(freeze);

    nothingCountedForAStalePodOver(job, attemptOne, 1, Duration.ofSeconds(3));
    // the fence comes before the executor template too: an older spec must not overwrite the successor's
    assertEquals(List.of(), freeze.writesAfterRelease().stream()
        .filter(w -> w.contains("/configmaps") || w.contains("/pods")).toList(), "the thawed leader's writes");
  }

  /**
   * Frozen inside the create (past any check): the stale pod is created after the successor moved on. The
   * successor's next pass deletes it, and nothing is counted for it.
   */
  @Test
  void aPodCreatedByAThawedLeaderIsDeletedAndNeverCounted() throws Exception {
    String job = "thawed";
    LeaderFreeze freeze = new LeaderFreeze(LeaderFreeze.Point.POD_CREATE);
    String attemptOne = successorMovesOnWhileTheOldLeaderIsFrozen(job, freeze);

    thawAndStopTheOldLeader(freeze);

    await("the frozen create went through after the successor moved on").atMost(E2eHarness.TIMEOUT)
        .pollInterval(E2eHarness.POLL).until(() -> admissionsOf(attemptOne) == 2);
    Pod stale = admitted.stream().filter(p -> attemptOne.equals(p.getMetadata().getName())).reduce((a, b) -> b)
        .orElseThrow();
    await("the successor deletes the stale pod").atMost(E2eHarness.TIMEOUT).pollInterval(E2eHarness.POLL)
        .until(() -> h.driverPods(job).stream().noneMatch(p -> isLive(p)
            && stale.getMetadata().getUid().equals(p.getMetadata().getUid())));
    nothingCountedForAStalePodOver(job, attemptOne, 2, Duration.ofSeconds(3));
  }

  // ------------------------------------------------------------------ the story

  /**
   * Starts the old leader on {@code freeze}'s client, creates {@code job}, waits for the freeze; then the
   * successor (the harness's operator) takes over and moves on to attempt 2. Returns attempt 1's pod name.
   */
  private String successorMovesOnWhileTheOldLeaderIsFrozen(String job, LeaderFreeze freeze) throws Exception {
    h = E2eHarness.start();
    h.stopOperator();
    watchAdmissions(job);
    h.kubelet.script(job, DriverScript.sequence(new DriverBehaviour.ImagePullBackOff(),
        new DriverBehaviour.RunForever()));
    oldLeaderClient = freeze.client(h.api.client().getConfiguration());
    // With leader election, as only then is there a successor to fence against (the Lease is free: it leads)
    oldLeader = FeatureJobOperator.start(oldLeaderClient, OperatorConfig.load(Map.of(
        "FEATUREJOB_METRICS_BIND_ADDRESS", "127.0.0.1", "FEATUREJOB_METRICS_PORT", "0",
        "FEATUREJOB_LEADER_ELECTION", "true", "FEATUREJOB_LEADER_ELECTION_NAMESPACE", E2eHarness.NAMESPACE)),
        h.clock, false);
    h.create(TestJobs.job(job, "1s", "5s", 3, 10));

    String frozenBefore = freeze.awaitFrozen(E2eHarness.TIMEOUT);
    frozenAtFinished = finishedReconciles();
    FeatureJobStatus recorded = h.status(job);
    String attemptOne = recorded.currentAttempt.podName;
    assertEquals(1, recorded.currentAttempt.attempt);
    assertNull(recorded.currentAttempt.podUid, "frozen before " + frozenBefore + ": nothing created yet");
    assertEquals(0, admissionsOf(attemptOne));

    h.startOperator(); // the successor
    FeatureJobStatus movedOn = h.awaitStatus(job, "the successor failed attempt 1 and runs attempt 2",
        s -> s.currentAttempt != null && s.currentAttempt.attempt == 2
            && h.driverPods(job).stream().map(p -> p.getMetadata().getName()).toList()
                .equals(List.of(s.currentAttempt.podName)));
    assertEquals(1, movedOn.consecutiveFailures, DRIVER_ONE_FAILS_THEN_RUN);
    assertEquals(1, admissionsOf(attemptOne), "the successor created attempt 1's pod once");
    return attemptOne;
  }

  /**
   * Over {@code window} of the successor's passes: attempt 1's pod admitted {@code admissions} times (a name
   * admitted twice is a duplicate driver to ChaosAudit), one failure counted (attempt 1's), attempt 2 current
   * and its pod the only live driver.
   */
  private void nothingCountedForAStalePodOver(String job, String attemptOne, int admissions, Duration window) {
    await("nothing counted for a stale pod, one live driver").during(window).atMost(window.plusSeconds(30))
        .pollInterval(E2eHarness.POLL)
        .until(() -> {
          FeatureJobStatus s = h.status(job);
          List<Pod> live = h.driverPods(job).stream().filter(LeaderFencingTest::isLive).toList();
          assertEquals(admissions, admissionsOf(attemptOne), () -> "admitted pods " + describe(admitted));
          return Objects.equals(1, s.consecutiveFailures) && s.history.size() == 1
              && s.history.get(0).attempt == 1 && s.currentAttempt != null && s.currentAttempt.attempt == 2
              && live.size() == 1 && live.get(0).getMetadata().getName().equals(s.currentAttempt.podName)
              && h.eventCount(job, EventReason.RunFailed) == 1;
        });
    List<HistoryEntry> history = h.status(job).history;
    assertTrue(history.stream().allMatch(e -> e.attempt == 1), () -> AcceptanceStoryTest.describe(history));
  }

  // ------------------------------------------------------------------ helpers

  /**
   * Thaws the old leader, waits until its frozen reconcile has returned (JOSDK serializes a job's reconciles,
   * so any later one finishing means it did), then stops it as losing the Lease does. JOSDK's stop interrupts
   * a reconcile in flight, which would cut the thawed one short.
   */
  private void thawAndStopTheOldLeader(LeaderFreeze freeze) {
    freeze.release();
    await("the old leader's frozen reconcile returned").atMost(E2eHarness.TIMEOUT).pollInterval(Duration.ofMillis(20))
        .until(() -> finishedReconciles() > frozenAtFinished);
    stopOldLeader();
  }

  /** Reconciles the old leader finished (returned or threw), from JOSDK's counters. */
  private double finishedReconciles() {
    MeterRegistry registry = oldLeader.metrics().registry();
    return Stream.of("operator.sdk.reconciliations.success", "operator.sdk.reconciliations.failed")
        .flatMap(name -> registry.find(name).counters().stream()).mapToDouble(Counter::count).sum();
  }

  private void stopOldLeader() {
    if (oldLeader != null) {
      oldLeader.close();
      oldLeader = null;
    }
    if (oldLeaderClient != null) {
      oldLeaderClient.close();
      oldLeaderClient = null;
    }
  }

  /** Every driver pod of the job the API server admits, from a watch started before the job exists. */
  private void watchAdmissions(String job) {
    watch = h.client.pods().inNamespace(E2eHarness.NAMESPACE).withLabel(Labels.JOB, PodNames.jobLabelValue(job))
        .watch(new Watcher<>() {
          @Override
          public void eventReceived(Action action, Pod pod) {
            if (action == Action.ADDED) {
              admitted.add(pod);
            }
          }

          @Override
          public void onClose(WatcherException cause) {}
        });
  }

  private long admissionsOf(String podName) {
    return admitted.stream().filter(p -> podName.equals(p.getMetadata().getName()))
        .map(p -> p.getMetadata().getUid()).distinct().count();
  }

  private static boolean isLive(Pod pod) {
    String phase = FeatureJobHarness.phaseOf(pod);
    return pod.getMetadata().getDeletionTimestamp() == null && !"Succeeded".equals(phase) && !"Failed".equals(phase);
  }

  private static String describe(List<Pod> pods) {
    return pods.stream().map(p -> p.getMetadata().getName() + " uid " + p.getMetadata().getUid()
        + " created " + p.getMetadata().getCreationTimestamp()).toList().toString();
  }
}
