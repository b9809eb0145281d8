package io.featurejob.operator.policy;

import static io.featurejob.operator.policy.PolicyFixtures.CREATED;
import static io.featurejob.operator.policy.PolicyFixtures.decide;
import static io.featurejob.operator.policy.PolicyFixtures.failed;
import static io.featurejob.operator.policy.PolicyFixtures.hourly;
import static io.featurejob.operator.policy.PolicyFixtures.noPod;
import static io.featurejob.operator.policy.PolicyFixtures.succeeded;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.featurejob.operator.api.CapacityType;
import io.featurejob.operator.api.FailureClass;
import io.featurejob.operator.api.FeatureJobSpec;
import io.featurejob.operator.api.FeatureJobStatus;
import io.featurejob.operator.api.Outcome;
import io.featurejob.operator.api.Phase;
import io.featurejob.operator.events.EventReason;
import io.featurejob.operator.observe.Observation;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class DeciderTest {
  private static final Instant T0 = CREATED;

  private static List<EventReason> reasons(Decision d) {
    return d.events().stream().map(Decision.Event::reason).collect(Collectors.toList());
  }

  /** Launch, then fail the attempt with the given class; returns the decision after the failure. */
  private static Decision launchAndFail(FeatureJobSpec spec, FeatureJobStatus status, Instant at, FailureClass c) {
    Decision launched = decide(spec, status, noPod(), at);
    assertNotNull(launched.launch(), "expected a launch at " + at);
    return decide(spec, launched.status(), failed(c, c + " happened"), at.plusSeconds(30));
  }

  @Test
  void newScheduledJobRunsTheNewestCompleteWindowRightAway() {
    Decision d = decide(hourly(), null, noPod(), T0);
    assertEquals("20261123-0900", d.launch().runId());
    assertEquals(1, d.launch().attempt());
    assertEquals("trips-20261123-0900-1", d.launch().podName());
    assertEquals(CapacityType.OnDemand, d.launch().driverCapacity());
    assertEquals(CapacityType.Spot, d.launch().executorCapacity());
    assertEquals(2048, d.launch().driverMemoryMiB());
    assertEquals(Phase.Running, d.status().phase);
    assertEquals("trips-20261123-0900-1", d.status().currentAttempt.podName);
    assertEquals(List.of(EventReason.RunStarted), reasons(d));
    assertTrue(Conditions.isTrue(d.status(), Conditions.SPEC_VALID));
  }

  @Test
  void aRunningAttemptWaitsForItsNearestDeadline() {
    Decision launched = decide(hourly(), null, noPod(), T0);
    Decision running = decide(hourly(), launched.status(), new Observation.Running(T0, null, null), T0.plusSeconds(60));
    assertNull(running.launch());
    assertEquals(Phase.Running, running.status().phase);
    assertTrue(running.events().isEmpty());
    // Created 10:20, freshnessSLO 2h: it turns stale at 12:20, when its 2h run timeout also ends; the
    // requeue is the 10 min safety net until then (NextDeadlineTest has one row per situation).
    assertEquals(Instant.parse("2026-11-23T12:20:00Z"), running.nextDeadline());
    assertEquals(Decider.MAX_REQUEUE, running.requeueAfter());
  }

  @Test
  void theRequeueCountsFromWhenItIsAskedForNotFromTheDecision() {
    Decision failed = launchAndFail(hourly(), null, T0, FailureClass.CapacityUnavailable);
    Instant decidedAt = T0.plusSeconds(30);
    Instant retryAt = Instant.parse(failed.status().nextRunTime);
    assertEquals(Duration.between(decidedAt, retryAt), failed.requeueAfter());
    assertEquals(failed.requeueAfter(), failed.requeueAfter(decidedAt));
    // The reconcile's status write and pod delete took 3 s: the retry stays at retryAt, not 3 s after it.
    assertEquals(Duration.between(decidedAt.plusSeconds(3), retryAt), failed.requeueAfter(decidedAt.plusSeconds(3)));
    assertEquals(Duration.ZERO, failed.requeueAfter(retryAt.plusSeconds(1)));
    Decision launched = decide(hourly(), null, noPod(), T0);
    Decision running = decide(hourly(), launched.status(), new Observation.Running(T0, null, null), T0.plusSeconds(60));
    assertEquals(Decider.MAX_REQUEUE, running.requeueAfter(T0.plusSeconds(65))); // its deadlines are hours away
  }

  @Test
  void successRecordsTheWindowAndWaitsForTheNextTick() {
    Decision launched = decide(hourly(), null, noPod(), T0);
    Decision done = decide(hourly(), launched.status(), succeeded(), T0.plusSeconds(300));
    FeatureJobStatus s = done.status();
    assertEquals(Phase.Idle, s.phase);
    assertEquals("2026-11-23T10:00:00Z", s.lastSuccessfulWindowEnd);
    assertEquals("2026-11-23T11:00:00Z", s.nextRunTime);
    assertEquals(0, s.consecutiveFailures);
    assertEquals(Outcome.Succeeded, s.history.get(0).outcome);
    assertEquals(List.of(EventReason.RunSucceeded), reasons(done));
    assertEquals(Outcome.Succeeded, done.finished().get(0).outcome());
    assertTrue(Conditions.isTrue(s, Conditions.FRESH));
    assertTrue(Conditions.isTrue(s, Conditions.HEALTHY));
  }

  @Test
  void everyClassBacksOffTheSameWayAndAlertsAtNThenParksAtTheCap() {
    FeatureJobSpec spec = hourly();
    spec.retryPolicy.alertAfterFailures = 3;
    spec.retryPolicy.maxConsecutiveFailures = 5;
    spec.retryPolicy.countInfrastructureFailuresWhileFresh = true; // else the interruption counts only once stale
    FailureClass[] classes = {FailureClass.PermissionDenied, FailureClass.SpotInterruption, FailureClass.UserCodeError,
        FailureClass.Unknown, FailureClass.PermissionDenied};
    long[] expectedDelaySeconds = {60, 120, 240, 480};
    FeatureJobStatus status = null;
    Instant now = T0;
    for (int i = 0; i < classes.length; i++) {
      Decision d = launchAndFail(spec, status, now, classes[i]);
      status = d.status();
      int failures = i + 1;
      assertEquals(failures, status.consecutiveFailures);
      assertEquals(classes[i], status.lastFailure.failureClass);
      assertEquals(failures >= 3, Conditions.isTrue(status, Conditions.ALERTING), "alerting after " + failures);
      assertEquals(failures == 3, reasons(d).contains(EventReason.AlertThresholdReached), "alert event at " + failures);
      Instant failedAt = now.plusSeconds(30);
      if (failures < 5) {
        assertEquals(Phase.BackingOff, status.phase);
        Instant retryAt = Instant.parse(status.nextRunTime);
        assertEquals(Duration.ofSeconds(expectedDelaySeconds[i]), Duration.between(failedAt, retryAt));
        // Before the retry time nothing launches; at it, the retry launches with the next attempt number.
        Decision early = decide(spec, status, noPod(), retryAt.minusSeconds(1));
        assertNull(early.launch());
        assertEquals(Phase.BackingOff, early.status().phase);
        now = retryAt;
      } else {
        assertEquals(Phase.PermanentlyFailed, status.phase);
        assertTrue(reasons(d).contains(EventReason.PermanentlyFailed));
        assertTrue(Conditions.isTrue(status, Conditions.PERMANENTLY_FAILED));
        assertNull(status.nextRunTime);
      }
    }
    assertEquals(5, status.history.get(0).attempt, "attempts of one run are numbered on");
    Decision muchLater = decide(spec, status, noPod(), now.plus(Duration.ofDays(2)));
    assertNull(muchLater.launch(), "a parked job never relaunches by itself");
    assertEquals(Phase.PermanentlyFailed, muchLater.status().phase);
  }

  @Test
  void aFixedCauseRecoversWithoutUnblockAndResetsTheCount() {
    FeatureJobSpec spec = hourly();
    FeatureJobStatus status = null;
    Instant now = T0;
    for (int i = 0; i < 3; i++) {
      status = launchAndFail(spec, status, now, FailureClass.PermissionDenied).status();
      now = Instant.parse(status.nextRunTime);
    }
    assertTrue(Conditions.isTrue(status, Conditions.ALERTING));
    Decision retry = decide(spec, status, noPod(), now);
    assertEquals(LaunchPlan.Trigger.Retry, retry.launch().trigger());
    assertEquals(4, retry.launch().attempt());
    Decision recovered = decide(spec, retry.status(), succeeded(), now.plusSeconds(60));
    assertEquals(List.of(EventReason.RunSucceeded, EventReason.Recovered), reasons(recovered));
    assertEquals(0, recovered.status().consecutiveFailures);
    assertFalse(Conditions.isTrue(recovered.status(), Conditions.ALERTING));
  }

  @Test
  void unblockResetsTheCountAndLaunchesNowOncePerToken() {
    FeatureJobSpec spec = hourly();
    spec.retryPolicy.alertAfterFailures = 1;
    spec.retryPolicy.maxConsecutiveFailures = 1;
    FeatureJobStatus parked = launchAndFail(spec, null, T0, FailureClass.PermissionDenied).status();
    assertEquals(Phase.PermanentlyFailed, parked.phase);

    Decision unblocked = PolicyFixtures.DECIDER.decide(PolicyFixtures.job("1700000000"),
        PolicyFixtures.RESOLVER.resolve(spec), parked, noPod(), T0.plusSeconds(120));
    assertEquals(List.of(EventReason.Unblocked, EventReason.RunStarted), reasons(unblocked));
    assertEquals(LaunchPlan.Trigger.Unblock, unblocked.launch().trigger());
    assertEquals(2, unblocked.launch().attempt(), "attempt numbers keep counting, pod names never repeat");
    assertEquals("1700000000", unblocked.status().lastUnblockToken);
    assertEquals(0, unblocked.status().consecutiveFailures);

    FeatureJobStatus failedAgain = PolicyFixtures.DECIDER.decide(PolicyFixtures.job("1700000000"),
        PolicyFixtures.RESOLVER.resolve(spec), unblocked.status(), failed(FailureClass.PermissionDenied, "still"),
        T0.plusSeconds(180)).status();
    Decision sameToken = PolicyFixtures.DECIDER.decide(PolicyFixtures.job("1700000000"),
        PolicyFixtures.RESOLVER.resolve(spec), failedAgain, noPod(), T0.plusSeconds(240));
    assertNull(sameToken.launch(), "the same token does not unblock twice");
    assertEquals(Phase.PermanentlyFailed, sameToken.status().phase);
  }

  @Test
  void fallsBackToOnDemandAfterKInfrastructureFailuresAndRevertsAfterSuccess() {
    FeatureJobSpec spec = hourly();
    spec.freshnessSLO = "48h"; // isolate the count rule from the staleness rule
    Decision first = launchAndFail(spec, null, T0, FailureClass.CapacityUnavailable);
    assertFalse(Boolean.TRUE.equals(first.status().remediation.onDemandFallback));
    Instant retryAt = Instant.parse(first.status().nextRunTime);
    Decision second = launchAndFail(spec, first.status(), retryAt, FailureClass.SpotInterruption);
    assertTrue(second.status().remediation.onDemandFallback);
    assertTrue(reasons(second).contains(EventReason.CapacityFallback));

    Decision onDemand = decide(spec, second.status(), noPod(), Instant.parse(second.status().nextRunTime));
    assertEquals(CapacityType.OnDemand, onDemand.launch().executorCapacity());
    Decision ok = decide(spec, onDemand.status(), succeeded(), Instant.parse(second.status().nextRunTime).plusSeconds(60));
    assertFalse(ok.status().remediation.onDemandFallback);
    Decision next = decide(spec, ok.status(), noPod(), Instant.parse("2026-11-23T11:00:01Z"));
    assertEquals(CapacityType.Spot, next.launch().executorCapacity(), "back on spot after a success");
  }

  @Test
  void fallsBackWhenTheRetryWouldBreachFreshnessButNeverForNonInfrastructureFailures() {
    FeatureJobSpec spec = hourly();
    spec.freshnessSLO = "1h"; // data of window ending 10:00 is stale at 11:00
    spec.capacity = new io.featurejob.operator.api.CapacitySpec();
    spec.capacity.onDemandFallback = new io.featurejob.operator.api.OnDemandFallback();
    spec.capacity.onDemandFallback.afterInfrastructureFailures = 0; // only the staleness rule
    spec.retryPolicy.initialBackoff = "50m";
    FeatureJobStatus ok = decide(spec, decide(spec, null, noPod(), T0).status(), succeeded(), T0.plusSeconds(60)).status();
    Instant tick = Instant.parse("2026-11-23T11:00:00Z");
    Decision spot = launchAndFail(spec, ok, tick, FailureClass.SpotInterruption);
    assertTrue(spot.status().remediation.onDemandFallback, "retry at 11:50 breaches the SLO ending 11:00");
    Decision permission = launchAndFail(spec, ok, tick, FailureClass.PermissionDenied);
    assertFalse(Boolean.TRUE.equals(permission.status().remediation.onDemandFallback),
        "on-demand does not fix a permission");
  }

  @Test
  void outOfMemoryEscalatesUpToTheCeiling() {
    FeatureJobSpec spec = hourly();
    spec.retryPolicy.maxConsecutiveFailures = 10;
    FeatureJobStatus status = null;
    Instant now = T0;
    List<Long> seen = new java.util.ArrayList<>();
    for (int i = 0; i < 6; i++) {
      Decision launched = decide(spec, status, noPod(), now);
      seen.add(launched.launch().executorMemoryMiB());
      Decision d = decide(spec, launched.status(), failed(FailureClass.OutOfMemory, "OOM"), now.plusSeconds(30));
      assertTrue(reasons(d).contains(EventReason.MemoryEscalated));
      status = d.status();
      now = Instant.parse(status.nextRunTime);
    }
    // 2g * 1.5 = 3g, 4.5g, 6.75g (rounded up to 128m), 10.125g (rounded up), then the 16g ceiling.
    assertEquals(List.of(2048L, 3072L, 4608L, 6912L, 10368L, 15616L), seen);
    assertEquals("16g", status.remediation.executorMemory);
    assertEquals(2048, decide(spec, status, noPod(), now).launch().driverMemoryMiB(), "driver untouched");
  }

  @Test
  void stuckPodsFailByTimeoutsAndAreDeleted() {
    FeatureJobSpec spec = hourly();
    FeatureJobStatus running = decide(spec, null, noPod(), T0).status();
    Decision unschedulable = decide(spec, running, new Observation.Pending(T0, true, "0/3 nodes are available"),
        T0.plus(Duration.ofMinutes(10)));
    assertEquals(FailureClass.CapacityUnavailable, unschedulable.status().lastFailure.failureClass);
    assertEquals(List.of("trips-20261123-0900-1"), unschedulable.deletePods());

    Decision executors = decide(spec, running, new Observation.Running(T0, T0.plusSeconds(5), "no Spot capacity"),
        T0.plus(Duration.ofMinutes(11)));
    assertEquals(FailureClass.CapacityUnavailable, executors.status().lastFailure.failureClass);
    assertEquals("builtin:executors-unschedulable", executors.status().lastFailure.reason);

    Decision timeout = decide(spec, running, new Observation.Running(T0, null, null), T0.plus(Duration.ofHours(2)));
    assertEquals(FailureClass.Timeout, timeout.status().lastFailure.failureClass);
    assertEquals(List.of("trips-20261123-0900-1"), timeout.deletePods());

    Decision vanished = decide(spec, running, noPod(), T0.plusSeconds(30));
    assertEquals(FailureClass.PodDeleted, vanished.status().lastFailure.failureClass);
    assertEquals(List.of(), vanished.deletePods());
  }

  @Test
  void suspendStopsLaunchesButLetsTheRunningAttemptFinish() {
    FeatureJobSpec spec = hourly();
    FeatureJobStatus running = decide(spec, null, noPod(), T0).status();
    spec.suspend = true;
    Decision stillRunning = decide(spec, running, new Observation.Running(T0, null, null), T0.plusSeconds(10));
    assertEquals(Phase.Running, stillRunning.status().phase);
    Decision finished = decide(spec, stillRunning.status(), succeeded(), T0.plusSeconds(20));
    assertEquals(Phase.Suspended, finished.status().phase);
    Decision later = decide(spec, finished.status(), noPod(), T0.plus(Duration.ofHours(5)));
    assertNull(later.launch());
    spec.suspend = false;
    Decision resumed = decide(spec, later.status(), noPod(), T0.plus(Duration.ofHours(5)));
    assertNotNull(resumed.launch(), "resuming catches up the missed windows in one run");
    assertEquals(Instant.parse("2026-11-23T10:00:00Z"), resumed.launch().windowStart());
    assertEquals(Instant.parse("2026-11-23T15:00:00Z"), resumed.launch().windowEnd());
  }

  @Test
  void oneOffRunsOnceAndCompletes() {
    FeatureJobSpec spec = hourly();
    spec.schedule = null;
    Decision launched = decide(spec, null, noPod(), T0);
    assertEquals("once", launched.launch().runId());
    assertEquals(LaunchPlan.Trigger.OneOff, launched.launch().trigger());
    Decision done = decide(spec, launched.status(), succeeded(), T0.plusSeconds(60));
    assertEquals(Phase.Completed, done.status().phase);
    assertNull(decide(spec, done.status(), noPod(), T0.plus(Duration.ofDays(1))).launch());
  }

  @Test
  void invalidSpecLaunchesNothingAndReportsOnce() {
    FeatureJobSpec spec = hourly();
    spec.schedule = "61 * * * *";
    spec.retryPolicy.alertAfterFailures = 12;
    Decision d = decide(spec, null, noPod(), T0);
    assertNull(d.launch());
    assertEquals(Phase.Invalid, d.status().phase);
    assertFalse(Conditions.isTrue(d.status(), Conditions.SPEC_VALID));
    String message = Conditions.find(d.status(), Conditions.SPEC_VALID).getMessage();
    assertTrue(message.contains("schedule"), message);
    assertTrue(message.contains("alertAfterFailures (12) must be <= retryPolicy.maxConsecutiveFailures (10)"), message);
    assertEquals(List.of(EventReason.InvalidSpec), reasons(d));
    Decision again = decide(spec, d.status(), noPod(), T0.plusSeconds(5));
    assertTrue(again.events().isEmpty(), "the same problem is not reported again");
    spec.schedule = "0 * * * *";
    spec.retryPolicy.alertAfterFailures = 3;
    assertNotNull(decide(spec, again.status(), noPod(), T0.plusSeconds(10)).launch(), "a fixed spec runs");
  }
}
