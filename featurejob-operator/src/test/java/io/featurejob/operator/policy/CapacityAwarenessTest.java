package io.featurejob.operator.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.featurejob.operator.api.CapacitySpec;
import io.featurejob.operator.api.CapacityType;
import io.featurejob.operator.api.FeatureJobSpec;
import io.featurejob.operator.api.GoDuration;
import io.featurejob.operator.api.OnDemandFallback;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** What a shortage seen on the job's spot pool changes: the scheduling timeout, and a fallback when the SLO cannot wait. */
class CapacityAwarenessTest {
  static final Instant NOW = Instant.parse("2026-11-23T11:00:00Z");
  static final PoolShortage SHORT = new PoolShortage("spot{pool=a}", NOW.minusSeconds(600), NOW.minusSeconds(60), 3);

  @ParameterizedTest(name = "shortage {0}, driver {1}, executors {2}, shortage timeout {3} -> {4}")
  @CsvSource(delimiter = '|', value = {
      "false | OnDemand | Spot     | 3m  | 10m",
      "true  | OnDemand | Spot     | 3m  | 3m",
      "true  | Spot     | OnDemand | 3m  | 3m",
      "true  | OnDemand | OnDemand | 3m  | 10m", // on-demand pods do not wait on the spot pool
      "true  | OnDemand | Spot     | 0s  | 10m", // switched off
      "true  | OnDemand | Spot     | 20m | 10m", // never longer than schedulingTimeout
  })
  void shortensTheSchedulingTimeoutOfSpotPodsWhileThePoolIsShort(boolean shortage, CapacityType driver,
      CapacityType executors, String shortageTimeout, String expected) {
    FeatureJobSpec spec = PolicyFixtures.hourly();
    spec.capacity = new CapacitySpec();
    spec.capacity.shortageSchedulingTimeout = shortageTimeout;
    ResolvedSpec.Capacity c = PolicyFixtures.RESOLVER.resolve(spec).spec().capacity();
    assertEquals(GoDuration.parse(expected),
        CapacityAwareness.schedulingTimeout(c, driver, executors, shortage ? SHORT : null));
  }

  @ParameterizedTest(name = "shortage {0}, executors {1}, whenPoolShort {2}, shortage timeout {3}, after {4}, stale in {5} -> {6}")
  @CsvSource(delimiter = '|', value = {
      // The ordinary fallback takes afterInfrastructureFailures (2) x the shortened timeout (3m) = 6m.
      "true  | Spot     | true  | 3m | 2 | 5m  | true",
      "true  | Spot     | true  | 3m | 2 | 6m  | false", // just in time: stays on spot
      "true  | Spot     | true  | 3m | 2 | 2h  | false", // fresh for long: stays on spot, whatever its importance
      "true  | Spot     | true  | 3m | 2 | -5m | true",  // already stale
      "false | Spot     | true  | 3m | 2 | 5m  | false", // no shortage
      "true  | Spot     | false | 3m | 2 | 5m  | false", // switched off
      "true  | OnDemand | true  | 3m | 2 | 5m  | false", // nothing on spot
      "true  | Spot     | true  | 0s | 2 | 15m | true",  // not shortened: 2 x 10m
      "true  | Spot     | true  | 3m | 0 | 2m  | true",  // count rule off: one timeout
      "true  | Spot     | true  | 3m | 0 | 4m  | false",
  })
  void fallsBackAtOnceOnlyWhenTheOrdinaryFallbackWouldBreachTheSlo(boolean shortage, CapacityType executors,
      boolean whenPoolShort, String shortageTimeout, int after, String staleIn, boolean fallback) {
    FeatureJobSpec spec = PolicyFixtures.hourly();
    spec.capacity = new CapacitySpec();
    spec.capacity.executors = executors;
    spec.capacity.shortageSchedulingTimeout = shortageTimeout;
    spec.capacity.onDemandFallback = new OnDemandFallback();
    spec.capacity.onDemandFallback.whenPoolShort = whenPoolShort;
    spec.capacity.onDemandFallback.afterInfrastructureFailures = after;
    Instant staleAt = staleIn.startsWith("-") ? NOW.minus(GoDuration.parse(staleIn.substring(1)))
        : NOW.plus(GoDuration.parse(staleIn));
    Optional<String> why = CapacityAwareness.reasonToFallBack(PolicyFixtures.RESOLVER.resolve(spec).spec(),
        shortage ? SHORT : null, staleAt, NOW);
    assertEquals(fallback, why.isPresent(), why.orElse("no fallback"));
    why.ifPresent(w -> assertTrue(w.startsWith("capacity shortage on pool spot{pool=a} since 2026-11-23T10:50:00Z"
        + " (3 capacity failure(s) of jobs there, newest 2026-11-23T10:59:00Z)"), w));
  }
}
