package io.featurejob.operator.policy;

import static io.featurejob.operator.policy.PolicyFixtures.CREATED;
import static io.featurejob.operator.policy.PolicyFixtures.DECIDER;
import static io.featurejob.operator.policy.PolicyFixtures.RESOLVER;
import static io.featurejob.operator.policy.PolicyFixtures.decide;
import static io.featurejob.operator.policy.PolicyFixtures.hourly;
import static io.featurejob.operator.policy.PolicyFixtures.job;
import static io.featurejob.operator.policy.PolicyFixtures.noPod;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.featurejob.operator.api.Attempt;
import io.featurejob.operator.api.FailureClass;
import io.featurejob.operator.api.FeatureJobStatus;
import io.featurejob.operator.api.Phase;
import io.featurejob.operator.events.EventReason;
import io.featurejob.operator.observe.JobPods;
import io.featurejob.operator.observe.Observation;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The decisions on the fault observations: never created, rejected, not ours, orphans, lost deletes. */
class DeciderFaultsTest {
  private static final Instant T0 = CREATED;

  private static FeatureJobStatus launched() {
    return decide(hourly(), null, noPod(), T0).status();
  }

  private static Decision decidePods(FeatureJobStatus status, JobPods pods, Instant now) {
    return DECIDER.decide(job(), RESOLVER.resolve(hourly()), status, pods, now);
  }

  @Test
  void anAttemptNeverCreatedIsCreatedHoweverLateAndCountsNoFailure() {
    Instant muchLater = T0.plus(Duration.ofHours(3)); // past runTimeout (2h) and any grace period
    Decision d = decide(hourly(), launched(), new Observation.NeverCreated(), muchLater);
    assertEquals("trips-20261123-0900-1", d.launch().podName());
    assertEquals(0, d.status().consecutiveFailures);
    assertNull(d.status().lastFailure);
    assertEquals(Phase.Running, d.status().phase);
    assertEquals(muchLater.toString(), d.status().currentAttempt.startTime, "its timeouts count from its creation");
    assertTrue(d.events().isEmpty(), "RunStarted was announced when the attempt was recorded");
  }

  @Test
  void anAttemptSeenOnceAndGoneIsADeletedRun() {
    FeatureJobStatus running = launched();
    FeatureJobStatus seen = decidePods(running, new JobPods(new Observation.Running(T0, null, null), "uid-p1",
        List.of(), List.of()), T0.plusSeconds(5)).status();
    assertEquals("uid-p1", seen.currentAttempt.podUid, "the UID is recorded the first time the pod is seen");
    Decision gone = decide(hourly(), seen, noPod(), T0.plusSeconds(10));
    assertEquals(FailureClass.PodDeleted, gone.status().lastFailure.failureClass);
  }

  @Test
  void aRejectedPodFailsTheAttemptAsConfigError() {
    Decision d = decide(hourly(), launched(), new Observation.Rejected(422, "spec.containers[0].image: Required value"),
        T0.plusSeconds(1));
    assertEquals(FailureClass.ConfigError, d.status().lastFailure.failureClass);
    assertEquals("builtin:pod-rejected", d.status().lastFailure.reason);
    assertEquals(Phase.BackingOff, d.status().phase);
  }

  @Test
  void aPodThatIsNotTheJobsFailsTheAttemptAndIsNeverDeletedNorASuccess() {
    JobPods pods = new JobPods(new Observation.NotOurs("trips-20261123-0900-1", "no owner"), null, List.of(),
        List.of(new JobPods.IgnoredPod("trips-20261123-0900-1", "not controlled by this FeatureJob")));
    Decision d = decidePods(launched(), pods, T0.plusSeconds(1));
    assertEquals("builtin:pod-name-taken", d.status().lastFailure.reason);
    assertNull(d.status().lastSuccessTime);
    assertEquals(List.of(), d.deletePods());
    assertTrue(d.events().stream().anyMatch(e -> e.reason() == EventReason.PodIgnored));
    Decision retry = decide(hourly(), d.status(), noPod(), Instant.parse(d.status().nextRunTime));
    assertEquals("trips-20261123-0900-2", retry.launch().podName(), "the retry uses a name of its own");
  }

  @Test
  void anOrphanBecomesTheAttemptAndSettlesInTheSameDecision() {
    Attempt orphan = Drafts.attempt(T0.toString());
    orphan.podUid = "uid-p1";
    Decision d = decidePods(null, JobPods.of(new Observation.Orphan(orphan, new Observation.Succeeded(T0.plusSeconds(60)))),
        T0.plusSeconds(90));
    assertNull(d.launch(), "no duplicate of the adopted attempt");
    assertEquals("trips-20261123-0900-1", d.status().history.get(0).podName);
    assertEquals("2026-11-23T10:00:00Z", d.status().lastSuccessfulWindowEnd);
  }

  @Test
  void aStrayDriverIsNamedForDeletionOnEveryDecisionUntilItIsGone() {
    FeatureJobStatus running = launched();
    JobPods.DriverPod stray = new JobPods.DriverPod("trips-20261123-0800-3", T0.minusSeconds(600), false, false);
    JobPods pods = new JobPods(new Observation.Running(T0, null, null), "uid-p1", List.of(stray), List.of());
    for (int i = 1; i <= 3; i++) {
      Decision d = decidePods(running, pods, T0.plusSeconds(i));
      assertEquals(List.of(stray.name()), d.deletePods(), "decision " + i);
      assertTrue(d.acts(), "a decision that deletes writes status first, even unchanged");
    }
  }

  @Test
  void aDecisionThatPassesClearsAReconcileError() {
    Decision failed = ReconcileFailure.decide(job(), launched(), new IllegalStateException("boom"), T0);
    assertTrue(Conditions.isTrue(failed.status(), Conditions.RECONCILE_ERROR));
    assertEquals("IllegalStateException", Conditions.find(failed.status(), Conditions.RECONCILE_ERROR).getReason());
    assertEquals(List.of(EventReason.ReconcileError), failed.events().stream().map(Decision.Event::reason).toList());
    assertEquals(ReconcileFailure.RETRY, failed.requeueAfter());
    Decision next = decide(hourly(), failed.status(), new Observation.Running(T0, null, null), T0.plusSeconds(60));
    assertFalse(Conditions.isTrue(next.status(), Conditions.RECONCILE_ERROR));
  }
}
