package io.featurejob.operator.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.featurejob.operator.api.Attempt;
import io.featurejob.operator.api.CapacitySpec;
import io.featurejob.operator.api.CapacityType;
import io.featurejob.operator.api.FailureClass;
import io.featurejob.operator.api.FeatureJobSpec;
import io.featurejob.operator.api.FeatureJobStatus;
import io.featurejob.operator.api.Phase;
import io.featurejob.operator.events.EventReason;
import io.featurejob.operator.observe.JobPods;
import io.featurejob.operator.observe.Observation;
import java.time.Instant;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The whole decision with a shortage on the job's pool as an input: the attempt in flight, and the next launch. */
class CapacityAwareDecisionTest {
  static final Instant T = Instant.parse("2026-11-23T11:00:30Z");
  static final PoolShortage SHORT = new PoolShortage("spot", T.minusSeconds(900), T.minusSeconds(60), 2);

  /** With shortageSchedulingTimeout 3m (off by default). */
  @ParameterizedTest(name = "executors pending {0}, shortage {1} -> {2}")
  @CsvSource(delimiter = '|', value = {
      "2m  | true  | Running",
      "3m  | true  | BackingOff", // failed as CapacityUnavailable after the shortened timeout
      "3m  | false | Running",
      "10m | false | BackingOff",
  })
  void aShortPoolFailsPendingSpotPodsSooner(String pending, boolean shortage, Phase phase) {
    Instant since = T.minus(io.featurejob.operator.api.GoDuration.parse(pending));
    FeatureJobStatus status = Drafts.status(0);
    status.lastSuccessfulWindowEnd = "2026-11-23T10:00:00Z";
    status.currentAttempt = running(since);
    Observation executorsPending = new Observation.Running(since, since, "0/3 nodes are available");
    FeatureJobSpec spec = PolicyFixtures.hourly();
    spec.capacity = new CapacitySpec();
    spec.capacity.shortageSchedulingTimeout = "3m";
    Decision d = PolicyFixtures.DECIDER.decide(PolicyFixtures.job(), PolicyFixtures.RESOLVER.resolve(spec),
        status, JobPods.of(executorsPending), T, shortage ? SHORT : null);
    assertEquals(phase, d.status().phase);
    if (phase == Phase.BackingOff) {
      assertEquals(FailureClass.CapacityUnavailable, d.finished().get(0).failureClass());
    } else {
      // Still running: it looks again when the (possibly shortened) timeout runs out.
      Instant timeout = since.plus(io.featurejob.operator.api.GoDuration.parse(shortage ? "3m" : "10m"));
      assertEquals(timeout, d.nextDeadline());
    }
  }

  @ParameterizedTest(name = "freshnessSLO {0}, shortage {1} -> executors on {2}")
  @CsvSource(delimiter = '|', value = {
      "65m | true  | OnDemand", // stale at 11:05, the ordinary fallback (2 x 10m) would come at 11:20:30
      "80m | true  | OnDemand", // stale at 11:20, still before it
      "81m | true  | Spot",     // stale at 11:21: the ordinary fallback is in time
      "2h  | true  | Spot",     // time to wait: stays on spot
      "65m | false | Spot",     // no shortage seen: as before
  })
  void aShortPoolStartsOnlyJobsWhoseSloCannotWaitOnOnDemand(String slo, boolean shortage, CapacityType executors) {
    FeatureJobSpec spec = PolicyFixtures.hourly();
    spec.freshnessSLO = slo;
    FeatureJobStatus status = Drafts.status(0);
    status.lastSuccessfulWindowEnd = "2026-11-23T10:00:00Z";
    status.lastSuccessTime = "2026-11-23T10:20:00Z";
    Decision d = PolicyFixtures.DECIDER.decide(PolicyFixtures.job(), PolicyFixtures.RESOLVER.resolve(spec), status,
        JobPods.of(new Observation.NoPod()), T, shortage ? SHORT : null);
    assertNotNull(d.launch(), "the 10:00-11:00 window is due");
    assertEquals(executors, d.launch().executorCapacity());
    boolean fellBack = executors == CapacityType.OnDemand;
    assertEquals(fellBack, d.events().stream().anyMatch(e -> e.reason() == EventReason.CapacityFallback));
    if (fellBack) {
      assertEquals(Boolean.TRUE, d.status().remediation.onDemandFallback);
    } else {
      assertNull(d.status().remediation == null ? null : d.status().remediation.onDemandFallback);
      // A spot launch looks again at the scheduling timeout (not shortened by default) or when the features go stale.
      Instant staleAt = Instant.parse("2026-11-23T10:00:00Z").plus(io.featurejob.operator.api.GoDuration.parse(slo));
      assertEquals(Draft.earliest(T.plusSeconds(600), staleAt), d.nextDeadline());
    }
  }

  private static Attempt running(Instant started) {
    Attempt a = Drafts.attempt(started.toString());
    a.runId = "20261123-1000";
    a.podName = "trips-20261123-1000-1";
    a.windowStart = "2026-11-23T10:00:00Z";
    a.windowEnd = "2026-11-23T11:00:00Z";
    a.podUid = "pod-uid";
    return a;
  }
}
