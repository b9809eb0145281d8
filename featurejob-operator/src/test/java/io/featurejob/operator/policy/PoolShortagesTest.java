package io.featurejob.operator.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.featurejob.operator.api.CapacityType;
import io.featurejob.operator.api.FailureClass;
import io.featurejob.operator.api.Outcome;
import io.featurejob.operator.classify.Evidence.Role;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The registry of short pools: which finished attempts mark a pool short, and when the mark expires. */
class PoolShortagesTest {
  static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");

  static Decision.FinishedAttempt finished(Outcome outcome, FailureClass c, CapacityType executors) {
    return finished(outcome, c, CapacityType.OnDemand, executors, null);
  }

  static Decision.FinishedAttempt finished(Outcome outcome, FailureClass c, CapacityType driver, CapacityType executors,
      Role failedPod) {
    return new Decision.FinishedAttempt(outcome, c, Duration.ofMinutes(10), driver, executors, 2, failedPod);
  }

  @ParameterizedTest(name = "{0} {1} of {4} (driver {2}, executors {3}) -> short {5}")
  @CsvSource(delimiter = '|', nullValues = "-", value = {
      "Failed    | CapacityUnavailable | OnDemand | Spot     | Executor | true",
      "Failed    | SpotInterruption    | OnDemand | Spot     | Executor | true",
      // The driver's log said an executor was lost (no pod state): the executors' capacity.
      "Failed    | SpotInterruption    | OnDemand | Spot     | -        | true",
      "Failed    | CapacityUnavailable | OnDemand | Spot     | -        | true",
      // The on-demand driver found no node, or its node shut down: the spot pool is not short.
      "Failed    | CapacityUnavailable | OnDemand | Spot     | Driver   | false",
      "Failed    | SpotInterruption    | OnDemand | Spot     | Driver   | false",
      // A driver on spot that found no node, or was reclaimed, is the spot pool's.
      "Failed    | CapacityUnavailable | Spot     | Spot     | Driver   | true",
      "Failed    | SpotInterruption    | Spot     | OnDemand | Driver   | true",
      // An on-demand attempt says nothing about the spot pool.
      "Failed    | CapacityUnavailable | OnDemand | OnDemand | Executor | false",
      "Failed    | SpotInterruption    | OnDemand | OnDemand | -        | false",
      "Failed    | UserCodeError       | OnDemand | Spot     | Executor | false",
      "Failed    | OutOfMemory         | OnDemand | Spot     | Executor | false",
      "Succeeded | -                   | OnDemand | Spot     | -        | false",
  })
  void onlyCapacityFailuresOfSpotPodsMarkThePoolShort(Outcome outcome, FailureClass c, CapacityType driver,
      CapacityType executors, Role failedPod, boolean short_) {
    PoolShortages shortages = new PoolShortages();
    shortages.observe("spot", List.of(finished(outcome, c, driver, executors, failedPod)), T0);
    assertEquals(short_, shortages.shortage("spot", T0) != null);
  }

  @Test
  void aShortageLastsTtlAfterItsNewestObservationThenExpires() {
    PoolShortages shortages = new PoolShortages(Duration.ofMinutes(30));
    Decision.FinishedAttempt capacity = finished(Outcome.Failed, FailureClass.CapacityUnavailable, CapacityType.Spot);
    shortages.observe("a", List.of(capacity), T0);
    shortages.observe("a", List.of(capacity), T0.plusSeconds(20 * 60));
    assertEquals(new PoolShortage("a", T0, T0.plusSeconds(20 * 60), 2), shortages.shortage("a", T0.plusSeconds(49 * 60)));
    assertNull(shortages.shortage("b", T0.plusSeconds(60)), "other pools are not short");
    assertEquals(1, shortages.size(T0.plusSeconds(49 * 60)));

    assertNull(shortages.shortage("a", T0.plusSeconds(50 * 60)), "expired 30m after the newest");
    assertEquals(0, shortages.size(T0.plusSeconds(50 * 60)));
    shortages.observe("a", List.of(capacity), T0.plusSeconds(90 * 60));
    assertEquals(new PoolShortage("a", T0.plusSeconds(90 * 60), T0.plusSeconds(90 * 60), 1),
        shortages.shortage("a", T0.plusSeconds(90 * 60)), "a new shortage starts afresh");
  }

  @Test
  void anExpiredEntryIsReplacedWhenObservedAgainWithoutBeingRead() {
    PoolShortages shortages = new PoolShortages(Duration.ofMinutes(30));
    Decision.FinishedAttempt capacity = finished(Outcome.Failed, FailureClass.SpotInterruption, CapacityType.Spot);
    shortages.observe("a", List.of(capacity), T0);
    shortages.observe("a", List.of(capacity), T0.plusSeconds(3600));
    assertEquals(new PoolShortage("a", T0.plusSeconds(3600), T0.plusSeconds(3600), 1),
        shortages.shortage("a", T0.plusSeconds(3600)));
  }

  @Test
  void jobsShareAPoolWhenTheirExecutorsAddTheSameNodeLabels() {
    Map<String, String> ab = new LinkedHashMap<>();
    ab.put("b", "2");
    ab.put("a", "1");
    assertEquals("spot", PoolShortages.poolOf(null));
    assertEquals("spot", PoolShortages.poolOf(Map.of()));
    assertEquals("spot{a=1, b=2}", PoolShortages.poolOf(ab));
    assertEquals(PoolShortages.poolOf(Map.of("a", "1", "b", "2")), PoolShortages.poolOf(ab));
  }

  @Test
  void rejectsANonPositiveTtl() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new PoolShortages(Duration.ZERO));
    assertEquals("pool shortage ttl must be positive, got PT0S", e.getMessage());
  }
}
