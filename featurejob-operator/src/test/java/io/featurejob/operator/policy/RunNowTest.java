package io.featurejob.operator.policy;

import static io.featurejob.operator.policy.PolicyFixtures.CREATED;
import static io.featurejob.operator.policy.PolicyFixtures.failed;
import static io.featurejob.operator.policy.PolicyFixtures.hourly;
import static io.featurejob.operator.policy.PolicyFixtures.noPod;
import static io.featurejob.operator.policy.PolicyFixtures.succeeded;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.featurejob.operator.api.FailureClass;
import io.featurejob.operator.api.FeatureJobSpec;
import io.featurejob.operator.api.FeatureJobStatus;
import io.featurejob.operator.api.Phase;
import io.featurejob.operator.events.EventReason;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** featurejob.io/run-now: one extra run per token, for any job, without resetting its schedule or count. */
class RunNowTest {
  private static final Instant T0 = CREATED; // 10:20; the newest complete hourly window is [09:00, 10:00)

  private static Decision decide(FeatureJobSpec spec, String token, FeatureJobStatus status,
      io.featurejob.operator.observe.Observation observation, Instant now) {
    return PolicyFixtures.DECIDER.decide(new JobRef("ml", "trips", "uid-1", CREATED, 1, null, token),
        PolicyFixtures.RESOLVER.resolve(spec), status, observation, now);
  }

  private static FeatureJobStatus healthy() {
    Decision launched = decide(hourly(), null, null, noPod(), T0);
    return decide(hourly(), null, launched.status(), succeeded(), T0.plusSeconds(60)).status();
  }

  @Test
  void aHealthyJobRunsTheNewestWindowAgainOncePerTokenAndKeepsItsSchedule() {
    FeatureJobStatus idle = healthy();
    assertEquals("2026-11-23T11:00:00Z", idle.nextRunTime);

    Decision extra = decide(hourly(), "manual-1", idle, noPod(), T0.plusSeconds(120));
    assertNotNull(extra.launch());
    assertEquals(LaunchPlan.Trigger.RunNow, extra.launch().trigger());
    assertEquals(Instant.parse("2026-11-23T09:00:00Z"), extra.launch().windowStart());
    assertEquals(Instant.parse("2026-11-23T10:00:00Z"), extra.launch().windowEnd());
    assertEquals(2, extra.launch().attempt(), "a new pod name: attempt 2 of the same window");
    assertEquals("manual-1", extra.status().lastRunNowToken);
    assertTrue(extra.events().stream().anyMatch(e -> e.reason() == EventReason.RunNowRequested
        && e.message().equals("run-now manual-1: running now")));

    Decision done = decide(hourly(), "manual-1", extra.status(), succeeded(), T0.plusSeconds(180));
    assertEquals("RunNow", done.status().history.get(0).trigger, "history records the trigger");
    assertEquals("Schedule", done.status().history.get(1).trigger);
    assertEquals("2026-11-23T11:00:00Z", done.status().nextRunTime, "the schedule is unchanged");
    assertEquals("2026-11-23T10:00:00Z", done.status().lastSuccessfulWindowEnd);

    // The same token, reconciled again and again: no further run.
    FeatureJobStatus status = done.status();
    for (int minute = 4; minute <= 10; minute++) {
      Decision again = decide(hourly(), "manual-1", status, noPod(), T0.plusSeconds(60L * minute));
      assertNull(again.launch(), "minute " + minute);
      status = again.status();
    }
    assertNotNull(decide(hourly(), "manual-2", status, noPod(), T0.plusSeconds(700)).launch(), "a new token runs again");
  }

  @Test
  void aBackingOffJobRetriesNowAndKeepsItsFailureCount() {
    Decision launched = decide(hourly(), null, null, noPod(), T0);
    FeatureJobStatus backingOff = decide(hourly(), null, launched.status(), failed(FailureClass.UserCodeError, "boom"),
        T0.plusSeconds(30)).status();
    assertEquals(Phase.BackingOff, backingOff.phase);

    Decision now = decide(hourly(), "t", backingOff, noPod(), T0.plusSeconds(40));
    assertEquals(LaunchPlan.Trigger.RunNow, now.launch().trigger());
    assertEquals(1, now.status().consecutiveFailures, "unlike unblock, the count stays");
  }

  /**
   * Found on the real node: an extra run of a window that had already succeeded failed (Timeout), its
   * RunFailed event said "retry in 5s", and the job went Idle with one failure until its next tick.
   */
  @Test
  void aFailedExtraRunOfASucceededWindowIsRetriedAsItsEventSays() {
    Decision extra = decide(hourly(), "manual-1", healthy(), noPod(), T0.plusSeconds(120));
    Decision failedExtra = decide(hourly(), "manual-1", extra.status(), failed(FailureClass.Timeout, "too slow"),
        T0.plusSeconds(180));
    assertEquals(Phase.BackingOff, failedExtra.status().phase);
    Instant retryAt = Instant.parse(failedExtra.status().nextRunTime);

    Decision retry = decide(hourly(), "manual-1", failedExtra.status(), noPod(), retryAt);
    assertNotNull(retry.launch(), () -> "phase " + retry.status().phase + ", next " + retry.status().nextRunTime);
    assertEquals(LaunchPlan.Trigger.Retry, retry.launch().trigger());
    assertEquals(Instant.parse("2026-11-23T10:00:00Z"), retry.launch().windowEnd(), "the same window again");
    assertEquals(3, retry.launch().attempt());
    Decision recovered = decide(hourly(), "manual-1", retry.status(), succeeded(), retryAt.plusSeconds(60));
    assertEquals(0, recovered.status().consecutiveFailures);
    assertEquals("2026-11-23T11:00:00Z", recovered.status().nextRunTime, "the schedule is unchanged");
  }

  @Test
  void aFailedExtraRunOfACompletedOneOffJobIsRetried() {
    FeatureJobSpec once = hourly();
    once.schedule = null;
    Decision launched = decide(once, null, null, noPod(), T0);
    FeatureJobStatus completed = decide(once, null, launched.status(), succeeded(), T0.plusSeconds(60)).status();
    Decision again = decide(once, "again", completed, noPod(), T0.plusSeconds(120));
    Decision failedAgain = decide(once, "again", again.status(), failed(FailureClass.UserCodeError, "boom"),
        T0.plusSeconds(150));
    Instant retryAt = Instant.parse(failedAgain.status().nextRunTime);
    Decision retry = decide(once, "again", failedAgain.status(), noPod(), retryAt);
    assertNotNull(retry.launch(), () -> "phase " + retry.status().phase);
    assertEquals(LaunchPlan.Trigger.Retry, retry.launch().trigger());
  }

  @Test
  void refusedWhileRunningSuspendedOrParkedAndTheTokenIsUsedUp() {
    Decision running = decide(hourly(), null, null, noPod(), T0);
    Decision whileRunning = decide(hourly(), "t1", running.status(),
        new io.featurejob.operator.observe.Observation.Running(T0, null, null), T0.plusSeconds(10));
    assertNull(whileRunning.launch());
    assertEquals("t1", whileRunning.status().lastRunNowToken);
    assertTrue(whileRunning.events().get(0).message().contains("an attempt is already running"));

    FeatureJobSpec suspended = hourly();
    suspended.suspend = true;
    Decision off = decide(suspended, "t2", healthy(), noPod(), T0.plusSeconds(120));
    assertNull(off.launch());
    assertTrue(off.events().get(0).message().contains("suspended"));

    FeatureJobSpec capped = hourly();
    capped.retryPolicy.alertAfterFailures = 1;
    capped.retryPolicy.maxConsecutiveFailures = 1;
    Decision first = decide(capped, null, null, noPod(), T0);
    FeatureJobStatus parked = decide(capped, null, first.status(), failed(FailureClass.PermissionDenied, "denied"),
        T0.plusSeconds(30)).status();
    Decision refused = decide(capped, "t3", parked, noPod(), T0.plusSeconds(60));
    assertNull(refused.launch());
    assertEquals(List.of("run-now t3: the job is PermanentlyFailed; use featurejob.io/unblock"),
        refused.events().stream().map(Decision.Event::message).toList());
  }

  @Test
  void aCompletedOneOffJobRunsAgain() {
    FeatureJobSpec once = hourly();
    once.schedule = null;
    Decision launched = decide(once, null, null, noPod(), T0);
    FeatureJobStatus completed = decide(once, null, decide(once, null, launched.status(), succeeded(), T0.plusSeconds(60))
        .status(), noPod(), T0.plusSeconds(61)).status();
    assertEquals(Phase.Completed, completed.phase);
    Decision again = decide(once, "again", completed, noPod(), T0.plusSeconds(120));
    assertEquals(LaunchPlan.Trigger.RunNow, again.launch().trigger());
    assertEquals("once", again.launch().runId());
  }
}
