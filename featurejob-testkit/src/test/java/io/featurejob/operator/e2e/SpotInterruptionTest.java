package io.featurejob.operator.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.featurejob.operator.api.CapacityType;
import io.featurejob.operator.api.FailureClass;
import io.featurejob.operator.api.FeatureJobStatus;
import io.featurejob.operator.api.HistoryEntry;
import io.featurejob.operator.api.Outcome;
import io.featurejob.operator.demo.DriverBehaviour;
import io.featurejob.operator.demo.Stories;
import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Spot nodes reclaimed mid-run, twice, by either path a node can go (graceful shutdown or the taint
 * manager): both attempts classify as SpotInterruption from what the pods show, the operator falls
 * back to on-demand after the second, and the run succeeds there.
 */
class SpotInterruptionTest extends E2eTest {
  private static final String JOB = Stories.SPOT_JOB;


  @ParameterizedTest
  @EnumSource(DriverBehaviour.Reclaim.class)
  void reclaimedSpotNodesAreSpotInterruptionsAndFallBackToOnDemand(DriverBehaviour.Reclaim how) {
    DriverBehaviour reclaimed = new DriverBehaviour.SpotInterruption(Duration.ofMillis(300), how);
    h.kubelet.script(JOB, (driver, cluster) -> {
      boolean executorsOnSpot = driver.getMetadata().getAnnotations()
          .get(io.featurejob.operator.api.Labels.EXECUTOR_CAPACITY).equals(CapacityType.Spot.name());
      return executorsOnSpot ? reclaimed : DriverBehaviour.succeedAfter(Duration.ofMillis(500));
    });
    h.create(Stories.spotJob());

    FeatureJobStatus done = h.awaitStatus(JOB, "a success", s -> s.lastSuccessTime != null);
    assertEquals(3, done.history.size(), () -> AcceptanceStoryTest.describe(done.history));
    HistoryEntry success = done.history.get(0);
    assertEquals(Outcome.Succeeded, success.outcome);
    assertEquals(CapacityType.OnDemand, success.executorCapacity);
    for (HistoryEntry failed : done.history.subList(1, 3)) {
      assertEquals(Outcome.Failed, failed.outcome);
      assertEquals(FailureClass.SpotInterruption, failed.failureClass,
          () -> "attempt " + failed.attempt + " (" + failed.reason + "): " + failed.message);
      assertEquals(CapacityType.Spot, failed.executorCapacity);
    }
  }
}
