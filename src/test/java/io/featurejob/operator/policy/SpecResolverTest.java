package io.featurejob.operator.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.featurejob.operator.api.CapacityType;
import io.featurejob.operator.api.DriverSpec;
import io.featurejob.operator.api.FeatureJobSpec;
import io.featurejob.operator.api.Importance;
import java.time.Duration;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class SpecResolverTest {

  @Test
  void appliesEveryDefault() {
    FeatureJobSpec spec = PolicyFixtures.hourly();
    spec.retryPolicy = null;
    ResolvedSpec r = PolicyFixtures.RESOLVER.resolve(spec).spec();
    assertEquals(Importance.Normal, r.importance());
    assertEquals(Duration.ofHours(2), r.freshnessSLO(), "2 x the hourly period");
    assertEquals(24, r.maxCatchUpWindows());
    assertEquals(Duration.ofHours(2), r.runTimeout());
    assertEquals(CapacityType.OnDemand, r.capacity().driver());
    assertEquals(CapacityType.Spot, r.capacity().executors());
    assertEquals(2, r.capacity().fallbackAfterInfrastructureFailures());
    assertTrue(r.capacity().fallbackWhenStale());
    assertEquals(Duration.ofMinutes(10), r.capacity().schedulingTimeout());
    assertEquals(new ResolvedSpec.Retry(Duration.ofMinutes(1), 2.0, Duration.ofHours(1), 0.1, 3, 10), r.retry());
    assertEquals(new ResolvedSpec.Escalation(1.5, 8192, 16384), r.escalation());
    assertEquals(2048, r.spark().driverMemoryMiB());
    assertEquals("featurejob-spark", r.spark().serviceAccountName());
    assertEquals(20, r.historyLimit());
  }

  static Stream<Arguments> invalidSpecs() {
    return Stream.of(
        Arguments.of("bad cron", (Consumer<FeatureJobSpec>) s -> s.schedule = "every hour", "schedule"),
        Arguments.of("bad zone", (Consumer<FeatureJobSpec>) s -> s.timeZone = "Mars/Olympus", "timeZone"),
        Arguments.of("bad duration", (Consumer<FeatureJobSpec>) s -> s.runTimeout = "2 hours", "runTimeout"),
        Arguments.of("bad memory", (Consumer<FeatureJobSpec>) s -> {
          s.spark.driver = new DriverSpec();
          s.spark.driver.memory = "2GB";
        }, "spark.driver.memory"),
        Arguments.of("memory over ceiling", (Consumer<FeatureJobSpec>) s -> {
          s.spark.driver = new DriverSpec();
          s.spark.driver.memory = "12g";
        }, "exceeds memoryEscalation.maxDriverMemory"),
        Arguments.of("alert above cap", (Consumer<FeatureJobSpec>) s -> s.retryPolicy.maxConsecutiveFailures = 2,
            "alertAfterFailures (3) must be <= retryPolicy.maxConsecutiveFailures (2)"),
        Arguments.of("backoff order", (Consumer<FeatureJobSpec>) s -> s.retryPolicy.initialBackoff = "2h",
            "initialBackoff must be <= retryPolicy.maxBackoff"),
        Arguments.of("jitter range", (Consumer<FeatureJobSpec>) s -> s.retryPolicy.jitter = 1.5, "retryPolicy.jitter"),
        Arguments.of("missing image", (Consumer<FeatureJobSpec>) s -> s.spark.image = null, "spark.image is required"),
        Arguments.of("missing spark", (Consumer<FeatureJobSpec>) s -> s.spark = null, "spark is required"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalidSpecs")
  void rejectsWithAMessageNamingTheField(String name, Consumer<FeatureJobSpec> breakIt, String expected) {
    FeatureJobSpec spec = PolicyFixtures.hourly();
    breakIt.accept(spec);
    SpecResolver.Result r = PolicyFixtures.RESOLVER.resolve(spec);
    assertFalse(r.valid());
    assertTrue(String.join("; ", r.errors()).contains(expected), r.errors().toString());
  }
}
