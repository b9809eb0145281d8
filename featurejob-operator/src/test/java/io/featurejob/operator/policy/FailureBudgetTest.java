package io.featurejob.operator.policy;

import static io.featurejob.operator.policy.PolicyFixtures.CREATED;
import static io.featurejob.operator.policy.PolicyFixtures.decide;
import static io.featurejob.operator.policy.PolicyFixtures.failed;
import static io.featurejob.operator.policy.PolicyFixtures.hourly;
import static io.featurejob.operator.policy.PolicyFixtures.noPod;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.featurejob.operator.api.CapacitySpec;
import io.featurejob.operator.api.FailureClass;
import io.featurejob.operator.api.FeatureJobSpec;
import io.featurejob.operator.api.FeatureJobStatus;
import io.featurejob.operator.api.OnDemandFallback;
import io.featurejob.operator.api.Phase;
import io.featurejob.operator.events.EventReason;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * retryPolicy.countInfrastructureFailures and countInfrastructureFailuresWhileFresh: whether spot
 * interruptions and missing capacity spend the budget, always or only while the freshness SLO is at risk.
 */
class FailureBudgetTest {

  @ParameterizedTest(name = "count={0} whileFresh={1} atRisk={2} {3}: counted={4}")
  @CsvSource({
      "true, true, false, SpotInterruption, true",
      "true, true, false, CapacityUnavailable, true",
      "true, false, false, SpotInterruption, false",
      "true, false, false, CapacityUnavailable, false",
      "true, false, true, SpotInterruption, true",
      "true, false, true, CapacityUnavailable, true",
      "true, false, false, UserCodeError, true",
      "true, false, false, PermissionDenied, true",
      "true, false, false, OutOfMemory, true",
      "false, true, true, SpotInterruption, false",
      "false, false, true, CapacityUnavailable, false",
      "false, false, false, UserCodeError, true",
      "false, true, false, PermissionDenied, true",
      "false, false, false, OutOfMemory, true",
  })
  void onlyInfrastructureFailuresCanBeLeftOut(boolean count, boolean whileFresh, boolean atRisk, FailureClass failure,
      boolean counted) {
    ResolvedSpec.Retry retry = new ResolvedSpec.Retry(Duration.ofMinutes(1), 2, Duration.ofHours(1), 0, 3, 10, count,
        whileFresh);
    assertEquals(counted, FailureBudget.counts(retry, failure, atRisk));
  }

  @ParameterizedTest(name = "now+{0}m vs staleAt {1}m: atRisk={2}")
  @CsvSource({
      "1, 10, false",
      "9, 10, false",
      "10, 10, true",
      "11, 10, true",
      "1, -5, true",
  })
  void atRiskWhenTheRetryWouldNotLandBeforeStaleness(int delayMinutes, int staleInMinutes, boolean atRisk) {
    Instant now = CREATED;
    assertEquals(atRisk, FailureBudget.atRisk(now, Duration.ofMinutes(delayMinutes), now.plusSeconds(60L * staleInMinutes)));
    assertTrue(FailureBudget.atRisk(now, Duration.ofMinutes(1), null), "unknown staleness: counted, as before");
  }

  /**
   * Spot-only (no on-demand way out), alert at 2, cap 3, features stale 20 minutes after creation. While
   * the retry still lands within the SLO, interruptions back off further each time without counting;
   * from the failure whose retry would land after it, they count, alert and park.
   */
  @org.junit.jupiter.api.Test
  void interruptionsCountOnceFreshnessIsAtRisk() {
    FeatureJobSpec spec = spotOnly(hourly());
    spec.freshnessSLO = "20m";
    spec.retryPolicy.alertAfterFailures = 2;
    spec.retryPolicy.maxConsecutiveFailures = 3;
    Instant staleAt = CREATED.plus(Duration.ofMinutes(20));

    FeatureJobStatus status = null;
    Instant now = CREATED;
    Instant alertedAt = null;
    List<Instant> countedAt = new ArrayList<>();
    for (int i = 0; i < 12 && (status == null || status.phase != Phase.PermanentlyFailed); i++) {
      Decision launched = decide(spec, status, noPod(), now);
      assertNotNull(launched.launch(), "launch " + i);
      Instant failedAt = now.plusSeconds(60);
      int before = launched.status().consecutiveFailures;
      Decision failedAttempt = decide(spec, launched.status(), failed(FailureClass.SpotInterruption, "node reclaimed"),
          failedAt);
      status = failedAttempt.status();
      if (status.consecutiveFailures > before) {
        countedAt.add(failedAt);
      }
      if (failedAttempt.events().stream().anyMatch(e -> e.reason() == EventReason.AlertThresholdReached)) {
        alertedAt = failedAt;
      }
      if (status.nextRunTime != null) {
        now = Instant.parse(status.nextRunTime);
      }
    }
    assertEquals(Phase.PermanentlyFailed, status.phase, "a shortage that outlasts the SLO still parks");
    assertFalse(countedAt.isEmpty());
    for (Instant t : countedAt) {
      assertFalse(t.plus(Duration.ofMinutes(1)).isBefore(staleAt), "counted at " + t + " while the retry lands fresh");
    }
    assertNotNull(alertedAt);
    assertFalse(alertedAt.plus(Duration.ofMinutes(1)).isBefore(staleAt), "no alert while fresh: " + alertedAt);
  }

  private static FeatureJobSpec spotOnly(FeatureJobSpec spec) {
    spec.capacity = new CapacitySpec();
    spec.capacity.onDemandFallback = new OnDemandFallback();
    spec.capacity.onDemandFallback.afterInfrastructureFailures = 0;
    spec.capacity.onDemandFallback.whenStale = false;
    return spec;
  }

  /** Spot-only (no on-demand way out), cap 3: five interruptions in a row neither alert nor park; back-off grows. */
  @ParameterizedTest(name = "countInfrastructureFailures={0}")
  @CsvSource({"true", "false"})
  void interruptionsOnASpotOnlyJob(boolean count) {
    FeatureJobSpec spec = hourly();
    spec.retryPolicy.alertAfterFailures = 2;
    spec.retryPolicy.maxConsecutiveFailures = 3;
    spec.retryPolicy.countInfrastructureFailures = count;
    spec.retryPolicy.countInfrastructureFailuresWhileFresh = true; // count from the first one
    spec.capacity = new CapacitySpec();
    spec.capacity.onDemandFallback = new OnDemandFallback();
    spec.capacity.onDemandFallback.afterInfrastructureFailures = 0;
    spec.capacity.onDemandFallback.whenStale = false;

    FeatureJobStatus status = null;
    Instant now = CREATED;
    List<Duration> delays = new ArrayList<>();
    List<EventReason> reasons = new ArrayList<>();
    for (int i = 0; i < 5 && (status == null || status.phase != Phase.PermanentlyFailed); i++) {
      Decision launched = decide(spec, status, noPod(), now);
      assertNotNull(launched.launch(), "launch " + i);
      Decision failedAttempt = decide(spec, launched.status(), failed(FailureClass.SpotInterruption, "node reclaimed"),
          now.plusSeconds(60));
      failedAttempt.events().forEach(e -> reasons.add(e.reason()));
      status = failedAttempt.status();
      if (status.nextRunTime != null) {
        Instant retryAt = Instant.parse(status.nextRunTime);
        delays.add(Duration.between(now.plusSeconds(60), retryAt));
        assertNull(decide(spec, status, noPod(), retryAt.minusSeconds(1)).launch(), "backing off before " + retryAt);
        now = retryAt;
      }
    }
    if (count) {
      assertEquals(Phase.PermanentlyFailed, status.phase, "3 counted interruptions park the job");
      assertTrue(reasons.contains(EventReason.AlertThresholdReached));
    } else {
      assertEquals(Phase.BackingOff, status.phase);
      assertEquals(0, status.consecutiveFailures);
      assertFalse(Conditions.isTrue(status, Conditions.ALERTING));
      assertFalse(reasons.contains(EventReason.AlertThresholdReached) || reasons.contains(EventReason.PermanentlyFailed));
      assertEquals(List.of(Duration.ofMinutes(1), Duration.ofMinutes(2), Duration.ofMinutes(4), Duration.ofMinutes(8),
          Duration.ofMinutes(16)), delays, "uncounted interruptions still back off further each time");
      // A real failure after them counts as the first.
      Decision launched = decide(spec, status, noPod(), now);
      Decision userError = decide(spec, launched.status(), failed(FailureClass.UserCodeError, "bug"), now.plusSeconds(60));
      assertEquals(1, userError.status().consecutiveFailures);
    }
  }
}
