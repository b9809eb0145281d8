package io.featurejob.operator.policy;

import static io.featurejob.operator.policy.Drafts.attempt;
import static io.featurejob.operator.policy.Drafts.draft;
import static io.featurejob.operator.policy.Drafts.reasons;
import static io.featurejob.operator.policy.Drafts.status;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.featurejob.operator.api.FailureClass;
import io.featurejob.operator.api.FeatureJobSpec;
import io.featurejob.operator.api.Phase;
import io.featurejob.operator.classify.Classification;
import io.featurejob.operator.events.EventReason;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The count and what hangs on it (alertAfterFailures 3, maxConsecutiveFailures 5, backoff 1m x2, no jitter). */
class FailureAccountingTest {
  static final Instant NOW = Instant.parse("2026-11-23T10:30:00Z");

  @ParameterizedTest(name = "failure {0}: {1}, alerting {2}, retry in {3}s, events {4}")
  @CsvSource(delimiter = '|', value = {
      "1 | BackingOff       | false | 60  | RunFailed RetryScheduled",
      "2 | BackingOff       | false | 120 | RunFailed RetryScheduled",
      "3 | BackingOff       | true  | 240 | RunFailed AlertThresholdReached RetryScheduled",
      "4 | BackingOff       | true  | 480 | RunFailed RetryScheduled",
      "5 | PermanentlyFailed | true | -1  | RunFailed PermanentlyFailed",
  })
  void countsAlertsAndParks(int failure, Phase phase, boolean alerting, long retrySeconds, String events) {
    Draft d = draft(spec(), status(failure - 1), NOW);
    Classification c = new Classification(FailureClass.UserCodeError, "r", "e", "boom", 1, null);
    FailureAccounting.failed(d, attempt("2026-11-23T10:00:00Z"), c, NOW);
    Instant retryAt = FailureAccounting.afterFailure(d, c);
    assertEquals(failure, d.status.consecutiveFailures);
    assertEquals(phase, d.status.phase);
    assertEquals(alerting, Conditions.isTrue(d.status, Conditions.ALERTING));
    assertEquals(retrySeconds < 0 ? null : NOW.plus(Duration.ofSeconds(retrySeconds)), retryAt);
    assertEquals(events, String.join(" ", reasons(d).stream().map(Enum::name).toList()));
  }

  @ParameterizedTest(name = "token {0} after {1}: unblocked {2}")
  @CsvSource(delimiter = '|', value = {
      "t1 | -  | true",
      "t1 | t1 | false",
      "t2 | t1 | true",
  })
  void unblocksOncePerToken(String token, String last, boolean unblocked) {
    Draft d = new Draft(PolicyFixtures.job(token), status(5), NOW, (j, r, a) -> j);
    d.status.phase = Phase.PermanentlyFailed;
    d.status.lastUnblockToken = "-".equals(last) ? null : last;
    assertEquals(unblocked, FailureAccounting.unblock(d));
    assertEquals(unblocked ? 0 : 5, d.status.consecutiveFailures);
    assertEquals(unblocked ? Phase.Idle : Phase.PermanentlyFailed, d.status.phase);
    assertEquals(unblocked ? List.of(EventReason.Unblocked) : List.of(), reasons(d));
  }

  private static FeatureJobSpec spec() {
    FeatureJobSpec spec = PolicyFixtures.hourly();
    spec.retryPolicy.alertAfterFailures = 3;
    spec.retryPolicy.maxConsecutiveFailures = 5;
    return spec;
  }
}
