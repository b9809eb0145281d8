package io.featurejob.operator.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Event;
import io.featurejob.operator.api.CapacityType;
import io.featurejob.operator.api.FailureClass;
import io.featurejob.operator.api.FeatureJobStatus;
import io.featurejob.operator.api.HistoryEntry;
import io.featurejob.operator.api.Outcome;
import io.featurejob.operator.demo.SimulatedCluster;
import io.featurejob.operator.demo.Stories;
import io.featurejob.operator.events.EventReason;
import io.featurejob.operator.metrics.ScrapedSample;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * The spot-shortage story: no spot capacity, executors stay unschedulable past the scheduling
 * timeout twice (CapacityUnavailable), the operator falls back to on-demand, the run succeeds there,
 * and the fallback ends with the success.
 */
class SpotShortageStoryTest extends E2eTest {
  private static final String JOB = Stories.SPOT_JOB;

  @Test
  void fallsBackToOnDemandAfterTwoCapacityFailuresAndSucceedsThere() {
    h.cluster.setCapacity(SimulatedCluster.SPOT, false);
    h.create(Stories.spotJob());

    FeatureJobStatus fallback = h.awaitStatus(JOB, "on-demand fallback active",
        s -> s.remediation != null && Boolean.TRUE.equals(s.remediation.onDemandFallback));
    // two infrastructure failures in a row; they do not count toward the alert while the job is still
    // fresh (FailureBudget), but they do decide the fallback
    assertEquals(Integer.valueOf(2), fallback.remediation.infrastructureFailures);
    assertEquals(0, fallback.consecutiveFailures, "capacity failures of a still-fresh job are not counted");
    assertEquals(FailureClass.CapacityUnavailable, fallback.lastFailure.failureClass);
    assertEquals(Boolean.TRUE, fallback.lastFailure.transientFailure);
    assertNotNull(fallback.remediation.onDemandFallbackSince);
    List<HistoryEntry> failures = fallback.history;
    assertEquals(2, failures.size(), () -> AcceptanceStoryTest.describe(failures));
    for (HistoryEntry failed : failures) {
      assertEquals(Outcome.Failed, failed.outcome);
      assertEquals(FailureClass.CapacityUnavailable, failed.failureClass);
      assertEquals(CapacityType.Spot, failed.executorCapacity, "the failed attempts asked for spot executors");
    }
    assertEquals("Normal", h.awaitEvent(JOB, EventReason.CapacityFallback).getType());
    // the first failure of the streak is a Warning event carrying its retry (EventSelection): the
    // repeat is not written, the first always is
    Event firstFailure = h.awaitEvent(JOB, EventReason.RunFailed);
    assertEquals("Warning", firstFailure.getType());
    assertTrue(firstFailure.getMessage().startsWith("CapacityUnavailable: ") && firstFailure.getMessage().contains("retry in"),
        firstFailure.getMessage());

    FeatureJobStatus done = h.awaitStatus(JOB, "a success", s -> s.lastSuccessTime != null);
    HistoryEntry success = done.history.get(0);
    assertEquals(Outcome.Succeeded, success.outcome, () -> AcceptanceStoryTest.describe(done.history));
    assertEquals(3, success.attempt);
    assertEquals(CapacityType.OnDemand, success.executorCapacity, "the successful attempt ran on on-demand");
    assertEquals(0, done.consecutiveFailures);
    assertNotNull(done.remediation);
    assertEquals(Boolean.FALSE, done.remediation.onDemandFallback, "the fallback ends with the success");
    assertEquals(3, h.kubelet.driversCreated(JOB));
    // no Recovered: the failures before it were not counted (the job was still fresh)
    h.awaitEvent(JOB, EventReason.RunSucceeded);

    Awaitility.await("compute metrics").atMost(E2eHarness.TIMEOUT).pollInterval(E2eHarness.POLL)
        .untilAsserted(() -> {
          List<ScrapedSample> onDemand = h.samples("featurejob_compute_seconds_total",
              Map.of("namespace", E2eHarness.NAMESPACE, "featurejob", JOB, "capacity", "OnDemand"));
          assertFalse(onDemand.isEmpty(), "an OnDemand series of featurejob_compute_seconds_total");
          assertTrue(onDemand.stream().anyMatch(s -> "Succeeded".equals(s.labels().get("outcome")) && s.value() > 0),
              () -> "on-demand compute of the successful run: " + onDemand);
          assertEquals(2.0, h.value("featurejob_runs_total", JOB,
              Map.of("outcome", "Failed", "failure_class", "CapacityUnavailable")));
          // attempts 2 and 3 were retries: how late each started, by step
          for (String step : List.of("decided", "pod_created")) {
            List<ScrapedSample> delays = h.samples("featurejob_retry_delay_seconds_count", Map.of("step", step));
            assertEquals(1, delays.size(), delays::toString);
            assertEquals(2.0, delays.get(0).value(), step);
          }
        });
  }
}
