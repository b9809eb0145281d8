package io.featurejob.operator.e2e;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Event;
import io.featurejob.operator.api.FailureClass;
import io.featurejob.operator.api.FeatureJobStatus;
import io.featurejob.operator.api.HistoryEntry;
import io.featurejob.operator.api.Labels;
import io.featurejob.operator.api.Outcome;
import io.featurejob.operator.api.Phase;
import io.featurejob.operator.events.EventReason;
import io.featurejob.operator.policy.Conditions;
import io.featurejob.operator.testing.TestJobs;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * docs/design.md §1.5 and §6: at the cap the job is parked as PermanentlyFailed and launches nothing; a new
 * value of the {@code featurejob.io/unblock} annotation (what {@code kubectl annotate --overwrite}
 * writes) resets the count and launches an attempt right away.
 */
class UnblockTest extends E2eTest {
  private static final String JOB = "unblock-features";
  private static final String TOKEN = "1764000000";

  @Test
  void parkedJobLaunchesNothingUntilUnblockedThenContinuesItsAttempts() {
    AtomicBoolean fixed = new AtomicBoolean(false);
    h.kubelet.script(JOB, TestJobs.userCodeErrorUntil(fixed));
    h.create(TestJobs.job(JOB, "1s", "2s", 1, 2));

    FeatureJobStatus parked = h.awaitStatus(JOB, "PermanentlyFailed", s -> s.phase == Phase.PermanentlyFailed);
    assertEquals(2, parked.consecutiveFailures);
    assertEquals(FailureClass.UserCodeError, parked.lastFailure.failureClass);
    // The summary of the driver's log leads with the root cause: the traceback's exception line.
    assertTrue(parked.lastFailure.message.contains("ValueError: invalid literal for int()"), parked.lastFailure.message);
    assertTrue(Conditions.isTrue(parked, Conditions.PERMANENTLY_FAILED));
    assertTrue(Conditions.isTrue(parked, Conditions.ALERTING));
    assertNull(parked.currentAttempt);
    Event parkedEvent = h.awaitEvent(JOB, EventReason.PermanentlyFailed);
    assertEquals("Warning", parkedEvent.getType());
    assertEquals(1, h.events(JOB, EventReason.AlertThresholdReached).size());

    // Parked: no further pods, no retry.
    await("no pod while parked").during(Duration.ofSeconds(4)).atMost(E2eHarness.TIMEOUT)
        .pollInterval(E2eHarness.POLL)
        .until(() -> h.kubelet.driversCreated(JOB) == 2 && h.status(JOB).phase == Phase.PermanentlyFailed);
    assertEquals(2, h.driverPods(JOB).size());
    assertTrue(h.events(JOB, EventReason.Unblocked).isEmpty());

    // The owner fixes the code and unblocks: kubectl annotate fj unblock-features featurejob.io/unblock=<token>
    fixed.set(true);
    h.annotate(JOB, Labels.UNBLOCK, TOKEN);

    Event unblocked = h.awaitEvent(JOB, EventReason.Unblocked);
    assertEquals("Normal", unblocked.getType());
    assertTrue(unblocked.getMessage().contains(TOKEN), unblocked.getMessage());

    FeatureJobStatus done = h.awaitStatus(JOB, "success after the unblock", s -> s.lastSuccessTime != null);
    assertEquals(TOKEN, done.lastUnblockToken);
    assertEquals(0, done.consecutiveFailures);
    assertEquals(Phase.Idle, done.phase);
    assertFalse(Conditions.isTrue(done, Conditions.PERMANENTLY_FAILED));
    assertFalse(Conditions.isTrue(done, Conditions.ALERTING));
    HistoryEntry success = done.history.get(0);
    assertEquals(Outcome.Succeeded, success.outcome, () -> AcceptanceStoryTest.describe(done.history));
    assertEquals(3, success.attempt, "attempt numbering continues after the unblock");
    assertEquals(done.history.get(1).runId, success.runId, "the same run, retried");
    assertEquals(3, h.kubelet.driversCreated(JOB));
    await("permanently_failed gauge cleared").atMost(E2eHarness.TIMEOUT).pollInterval(E2eHarness.POLL)
        .until(() -> Double.valueOf(0.0).equals(h.value("featurejob_permanently_failed", JOB)));
  }
}
