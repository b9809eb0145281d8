package io.featurejob.operator.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Event;
import io.featurejob.operator.api.CapacityType;
import io.featurejob.operator.api.FailureClass;
import io.featurejob.operator.api.FeatureJob;
import io.featurejob.operator.api.FeatureJobStatus;
import io.featurejob.operator.api.HistoryEntry;
import io.featurejob.operator.api.Importance;
import io.featurejob.operator.demo.DriverBehaviour;
import io.featurejob.operator.demo.SimulatedCluster;
import io.featurejob.operator.demo.Stories;
import io.featurejob.operator.events.EventReason;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Issue 17's capacity awareness through the reconciler: one job's capacity failure marks its spot pool short
 * in the operator's shared registry (PoolShortages), and a job created afterwards on the same pool whose
 * features would go stale before its ordinary fallback starts on on-demand at once; a job with time to wait
 * stays on spot. The pure rules are table-tested (CapacityAwarenessTest, PoolShortagesTest); this shows
 * the registry is one per operator, shared by jobs, and fed by real failures.
 */
class PoolShortageStoryTest extends E2eTest {
  private static final String AT_RISK = "clicks-1m";
  private static final String CAN_WAIT = "clicks-1d";

  @Test
  void aShortageOneJobHitMovesOnlyTheJobThatCannotWaitToOnDemand() {
    h.cluster.setCapacity(SimulatedCluster.SPOT, false);
    h.create(Stories.spotJob());
    h.awaitStatus(Stories.SPOT_JOB, "a capacity failure on the spot pool",
        s -> s.lastFailure != null && s.lastFailure.failureClass == FailureClass.CapacityUnavailable);

    // Both wait 10 failures x 10 s for their ordinary fallback; only one goes stale before that.
    h.create(jobOnTheSamePool(AT_RISK, "1m"));
    h.create(jobOnTheSamePool(CAN_WAIT, "24h"));

    FeatureJobStatus atRisk = h.awaitStatus(AT_RISK, "a first attempt",
        s -> s.currentAttempt != null || !s.history.isEmpty());
    assertEquals(CapacityType.OnDemand, executors(atRisk), "starts on on-demand at once");
    Event fallback = h.awaitEvent(AT_RISK, EventReason.CapacityFallback);
    assertTrue(fallback.getMessage().contains("capacity shortage on pool"), fallback.getMessage());
    assertEquals(0, h.eventCount(AT_RISK, EventReason.RunFailed), "no spot attempt failed first");

    FeatureJobStatus canWait = h.awaitStatus(CAN_WAIT, "a first attempt",
        s -> s.currentAttempt != null || !s.history.isEmpty());
    assertEquals(CapacityType.Spot, executors(canWait), "features that can wait stay on spot");
    assertEquals(0, h.eventCount(CAN_WAIT, EventReason.CapacityFallback));
  }

  /**
   * The on-demand node under a spot job's driver shuts down (drained for an upgrade): SpotInterruption, but
   * the spot pool is not short, so a job on it whose SLO cannot wait still starts on spot. Until the
   * classification said which pods failed, every such shutdown moved those jobs to on-demand for 30 min.
   */
  @Test
  void anOnDemandDriversNodeShutdownDoesNotMarkTheSpotPoolShort() {
    h.kubelet.script(Stories.SPOT_JOB, (driver, cluster) -> new DriverBehaviour.DriverNodeShutdown(Duration.ofMillis(300)));
    h.create(Stories.spotJob());
    FeatureJobStatus interrupted = h.awaitStatus(Stories.SPOT_JOB, "its driver's node shut down",
        s -> s.lastFailure != null && s.lastFailure.failureClass == FailureClass.SpotInterruption);
    HistoryEntry lost = interrupted.history.get(0);
    assertEquals(CapacityType.OnDemand, lost.driverCapacity, "the driver ran on on-demand");
    assertEquals(CapacityType.Spot, lost.executorCapacity, "its executors on spot");
    assertEquals("builtin:disruption-target", lost.reason, "the driver pod's own DisruptionTarget (TerminationByKubelet)");

    h.create(jobOnTheSamePool(AT_RISK, "1m"));
    FeatureJobStatus atRisk = h.awaitStatus(AT_RISK, "a first attempt",
        s -> s.currentAttempt != null || !s.history.isEmpty());
    assertEquals(CapacityType.Spot, executors(atRisk), "the spot pool is not short: the job starts on spot");
  }

  /** Spot executors with no nodeSelector of their own, like the spot job: the same pool. */
  private static FeatureJob jobOnTheSamePool(String name, String freshnessSLO) {
    FeatureJob job = Stories.spotJob();
    job.getMetadata().setName(name);
    job.getMetadata().setLabels(Map.of("team", "ads"));
    job.getSpec().importance = Importance.Low;
    job.getSpec().freshnessSLO = freshnessSLO;
    job.getSpec().capacity.onDemandFallback.afterInfrastructureFailures = 10;
    return job;
  }

  private static CapacityType executors(FeatureJobStatus s) {
    return s.currentAttempt != null ? s.currentAttempt.executorCapacity : s.history.get(0).executorCapacity;
  }
}
