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

/** retryPolicy.countInfrastructureFailures: whether spot interruptions and missing capacity spend the budget. */
class FailureBudgetTest {

  @ParameterizedTest(name = "count={0} {1}: counted={2}")
  @CsvSource({
      "true, SpotInterruption, true",
      "true, CapacityUnavailable, true",
      "true, UserCodeError, true",
      "false, SpotInterruption, false",
      "false, CapacityUnavailable, false",
      "false, UserCodeError, true",
      "false, PermissionDenied, true",
      "false, OutOfMemory, true",
  })
  void onlyInfrastructureFailuresCanBeLeftOut(boolean count, FailureClass failure, boolean counted) {
    ResolvedSpec.Retry retry = new ResolvedSpec.Retry(Duration.ofMinutes(1), 2, Duration.ofHours(1), 0, 3, 10, count);
    assertEquals(counted, FailureBudget.counts(retry, failure));
  }

  /** Spot-only (no on-demand way out), cap 3: five interruptions in a row neither alert nor park; back-off grows. */
  @ParameterizedTest(name = "countInfrastructureFailures={0}")
  @CsvSource({"true", "false"})
  void interruptionsOnASpotOnlyJob(boolean count) {
    FeatureJobSpec spec = hourly();
    spec.retryPolicy.alertAfterFailures = 2;
    spec.retryPolicy.maxConsecutiveFailures = 3;
    spec.retryPolicy.countInfrastructureFailures = count;
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
