package io.featurejob.operator.policy;

import static io.featurejob.operator.policy.PolicyFixtures.CREATED;
import static io.featurejob.operator.policy.PolicyFixtures.failed;
import static io.featurejob.operator.policy.PolicyFixtures.noPod;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.featurejob.operator.api.FailureClass;
import io.featurejob.operator.api.FeatureJobSpec;
import io.featurejob.operator.api.FeatureJobStatus;
import io.featurejob.operator.api.Phase;
import io.featurejob.operator.api.Remediation;
import io.featurejob.operator.events.EventReason;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** A fix the operator sees (a new generation, a changed Secret or ConfigMap) retries a failing job at once. */
class RetryOnFixTest {

  @ParameterizedTest(name = "[{index}] failures={0} infra={1} phase={2} gen {3}->{4} refs {5}->{6}: {7}")
  @CsvSource(delimiter = '|', nullValues = "-", value = {
      // failing, spec edited: a fix
      "3 | 0 | BackingOff        | 4 | 5 | a  | a  | the spec changed (generation 4 -> 5)",
      "10| 0 | PermanentlyFailed | 4 | 5 | a  | a  | the spec changed (generation 4 -> 5)",
      "0 | 1 | BackingOff        | 4 | 5 | -  | -  | the spec changed (generation 4 -> 5)",
      // failing, a referenced Secret or ConfigMap changed
      "3 | 0 | BackingOff        | 4 | 4 | a  | b  | a Secret or ConfigMap the job references changed",
      // nothing changed, or nothing known to compare
      "3 | 0 | BackingOff        | 4 | 4 | a  | a  | -",
      "3 | 0 | BackingOff        | -  | 4 | a  | a  | -",
      "3 | 0 | BackingOff        | 4 | 4 | -  | b  | -",
      "3 | 0 | BackingOff        | 4 | 4 | a  | -  | -",
      // not failing: an edit of a healthy job is just an edit
      "0 | 0 | Idle              | 4 | 5 | a  | b  | -",
      "0 | 0 | Running           | 4 | 5 | a  | b  | -",
  })
  void whatCountsAsAFix(int failures, int infrastructure, Phase phase, Long observed, long generation,
      String observedRefs, String refs, String expected) {
    FeatureJobStatus s = new FeatureJobStatus();
    s.consecutiveFailures = failures;
    s.phase = phase;
    s.observedGeneration = observed;
    s.observedReferences = observedRefs;
    s.remediation = new Remediation();
    s.remediation.infrastructureFailures = infrastructure;
    assertEquals(Optional.ofNullable(expected), RetryOnFix.fix(s, generation, refs));
  }

  @Test
  void aNewJobHasNothingToFix() {
    assertEquals(Optional.empty(), RetryOnFix.fix(null, 1, "a"));
  }

  /** Backing off after 4 failures (next retry in 8 min): the edit launches now, count reset, no human. */
  @ParameterizedTest(name = "{0}")
  @CsvSource({"spec edit", "secret rotated", "nothing"})
  void aFixRetriesNowInsteadOfAfterTheBackOff(String change) {
    FeatureJobSpec spec = PolicyFixtures.hourly();
    JobRef before = new JobRef("ml", "trips", "uid-1", CREATED, 1, null, null, "rv-1");
    FeatureJobStatus status = null;
    Instant now = CREATED;
    for (int i = 0; i < 4; i++) {
      Decision launched = PolicyFixtures.DECIDER.decide(before, PolicyFixtures.RESOLVER.resolve(spec), status, noPod(), now);
      Decision failedAttempt = PolicyFixtures.DECIDER.decide(before, PolicyFixtures.RESOLVER.resolve(spec),
          launched.status(), failed(FailureClass.PermissionDenied, "password authentication failed"), now.plusSeconds(60));
      status = failedAttempt.status();
      now = Instant.parse(status.nextRunTime);
    }
    assertEquals(4, status.consecutiveFailures);
    assertEquals("rv-1", status.observedReferences);
    Instant fixedAt = Instant.parse(status.nextRunTime).minusSeconds(300);
    JobRef after = switch (change) {
      case "spec edit" -> new JobRef("ml", "trips", "uid-1", CREATED, 2, null, null, "rv-1");
      case "secret rotated" -> before.withReferences("rv-2");
      default -> before;
    };
    Decision d = PolicyFixtures.DECIDER.decide(after, PolicyFixtures.RESOLVER.resolve(spec), status, noPod(), fixedAt);
    if ("nothing".equals(change)) {
      assertNull(d.launch(), "still backing off");
      assertEquals(Phase.BackingOff, d.status().phase);
      assertEquals(4, d.status().consecutiveFailures);
      return;
    }
    assertNotNull(d.launch());
    assertEquals(LaunchPlan.Trigger.Unblock, d.launch().trigger());
    assertEquals(0, d.status().consecutiveFailures);
    assertFalse(Conditions.isTrue(d.status(), Conditions.ALERTING));
    assertEquals(List.of(EventReason.Unblocked, EventReason.RunStarted), d.events().stream().map(Decision.Event::reason).toList());
    assertTrue(d.events().get(0).message().endsWith("after 4 consecutive failures: the failure count is reset; retrying now"),
        d.events().get(0).message());
    assertNull(d.status().lastUnblockToken, "no annotation was used");
    // Seen once: the next decision does not unblock again.
    Decision again = PolicyFixtures.DECIDER.decide(after, PolicyFixtures.RESOLVER.resolve(spec), d.status(),
        new io.featurejob.operator.observe.Observation.Running(fixedAt, null, null), fixedAt.plusSeconds(30));
    assertTrue(again.events().stream().noneMatch(e -> e.reason() == EventReason.Unblocked));
  }

  /** The alert carries the way out for a fix the operator cannot see. */
  @Test
  void theAlertCarriesTheUnblockCommand() {
    FeatureJobSpec spec = PolicyFixtures.hourly();
    FeatureJobStatus status = null;
    Instant now = CREATED;
    Decision alerted = null;
    for (int i = 0; i < 3; i++) {
      Decision launched = PolicyFixtures.decide(spec, status, noPod(), now);
      alerted = PolicyFixtures.decide(spec, launched.status(), failed(FailureClass.PermissionDenied, "denied"),
          now.plusSeconds(60));
      status = alerted.status();
      now = Instant.parse(status.nextRunTime);
    }
    String message = alerted.events().stream().filter(e -> e.reason() == EventReason.AlertThresholdReached)
        .findFirst().orElseThrow().message();
    assertTrue(message.contains("kubectl annotate fj trips -n ml featurejob.io/unblock=\"$(date +%s)\" --overwrite"),
        message);
  }
}
