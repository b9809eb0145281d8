package io.featurejob.operator.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Event;
import io.featurejob.operator.api.FailureClass;
import io.featurejob.operator.api.FeatureJobStatus;
import io.featurejob.operator.api.HistoryEntry;
import io.featurejob.operator.api.Outcome;
import io.featurejob.operator.demo.Stories;
import io.featurejob.operator.events.EventReason;
import io.featurejob.operator.metrics.FeatureJobMetrics;
import io.featurejob.operator.policy.Conditions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * docs/design.md §1, the acceptance story, end to end: T a permission is revoked, T+1 the first run fails
 * with PermissionDenied, T+2 after N=3 failures the alert fires, T+3 the user fixes the permission,
 * T+4 the current back-off expires and the job is retried, T+5 the run succeeds, the alert
 * resolves. No unblock, no operator-side human.
 */
class AcceptanceStoryTest extends E2eTest {
  private static final String JOB = Stories.ACCEPTANCE_JOB;

  @Test
  void revokedPermissionAlertsThenRecoversWithoutUnblock() {
    AtomicBoolean permissionGranted = new AtomicBoolean(false);
    h.kubelet.script(JOB, Stories.acceptanceScript(permissionGranted));
    h.create(Stories.acceptanceJob());

    // T+1: the first run fails with PermissionDenied, message from the driver's termination message.
    FeatureJobStatus first = h.awaitStatus(JOB, "first failure recorded", s -> s.lastFailure != null);
    assertEquals(FailureClass.PermissionDenied, first.lastFailure.failureClass);
    assertTrue(first.lastFailure.message.contains("permission denied for table trips"), first.lastFailure.message);
    assertEquals(Boolean.FALSE, first.lastFailure.transientFailure);
    assertFalse(Conditions.isTrue(first, Conditions.ALERTING), "no alert after one failure");

    // T+2: after N=3 consecutive failures the alert fires.
    FeatureJobStatus alerting = h.awaitStatus(JOB, "Alerting=True", s -> Conditions.isTrue(s, Conditions.ALERTING));
    assertEquals(3, alerting.consecutiveFailures);
    assertFalse(Conditions.isTrue(alerting, Conditions.PERMANENTLY_FAILED), "alert comes before the cap");
    Event alert = h.awaitEvent(JOB, EventReason.AlertThresholdReached);
    assertEquals("Warning", alert.getType());
    Awaitility.await("alerting metrics").atMost(E2eHarness.TIMEOUT).pollInterval(E2eHarness.POLL)
        .untilAsserted(() -> {
          assertEquals(1.0, h.value("featurejob_alerting", JOB));
          assertEquals(3.0, h.value("featurejob_consecutive_failures", JOB));
        });

    // T+3: the owner restores GRANT SELECT ON trips; nobody touches the FeatureJob.
    permissionGranted.set(true);

    // T+4/T+5: the pending retry runs and succeeds.
    FeatureJobStatus recovered = h.awaitStatus(JOB, "a success", s -> s.lastSuccessTime != null);
    assertEquals(0, recovered.consecutiveFailures);
    assertFalse(Conditions.isTrue(recovered, Conditions.ALERTING), "alert resolved");
    assertNull(recovered.lastUnblockToken, "recovered without an unblock");

    List<HistoryEntry> history = recovered.history;
    assertEquals(4, history.size(), () -> "history: " + describe(history));
    assertEquals(Outcome.Succeeded, history.get(0).outcome);
    assertEquals(4, history.get(0).attempt);
    for (int i = 1; i <= 3; i++) {
      HistoryEntry failed = history.get(i);
      assertEquals(Outcome.Failed, failed.outcome, "history[" + i + "]");
      assertEquals(FailureClass.PermissionDenied, failed.failureClass, "history[" + i + "]");
      assertEquals(4 - i, failed.attempt, "history[" + i + "] attempt");
    }
    // One run id: the retries were attempts of the same window, not new runs.
    assertEquals(1, history.stream().map(e -> e.runId).distinct().count(), () -> describe(history));
    assertEquals(4, h.kubelet.driversCreated(JOB), "one pod per attempt");

    h.awaitEvent(JOB, EventReason.Recovered);
    h.awaitEvent(JOB, EventReason.RunSucceeded);
    assertEquals(1, h.events(JOB, EventReason.AlertThresholdReached).size(), "alert event not repeated");

    Awaitility.await("recovered metrics").atMost(E2eHarness.TIMEOUT).pollInterval(E2eHarness.POLL)
        .untilAsserted(() -> {
          assertEquals(0.0, h.value("featurejob_alerting", JOB));
          assertEquals(0.0, h.value("featurejob_consecutive_failures", JOB));
          assertEquals(1.0, h.value("featurejob_runs_total", JOB,
              Map.of("outcome", "Succeeded", "failure_class", FeatureJobMetrics.NO_FAILURE_CLASS)));
          assertEquals(3.0, h.value("featurejob_runs_total", JOB,
              Map.of("outcome", "Failed", "failure_class", "PermissionDenied")));
          Double lastSuccess = h.value("featurejob_last_success_timestamp_seconds", JOB);
          assertNotNull(lastSuccess, "featurejob_last_success_timestamp_seconds");
          assertTrue(lastSuccess > 1.6e9, "a Unix time in seconds: " + lastSuccess);
        });
  }

  static String describe(List<HistoryEntry> history) {
    StringBuilder out = new StringBuilder();
    for (HistoryEntry e : history) {
      out.append("\n  attempt ").append(e.attempt).append(' ').append(e.outcome).append(' ')
          .append(e.failureClass).append(' ').append(e.podName);
    }
    return out.toString();
  }
}
