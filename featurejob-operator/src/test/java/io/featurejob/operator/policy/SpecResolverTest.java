package io.featurejob.operator.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.featurejob.operator.api.CapacitySpec;
import io.featurejob.operator.api.CapacityType;
import io.featurejob.operator.api.DriverSpec;
import io.featurejob.operator.api.ExecutorSpec;
import io.featurejob.operator.api.FeatureJobSpec;
import io.featurejob.operator.api.Importance;
import io.featurejob.operator.api.MemoryEscalation;
import io.featurejob.operator.api.RetryPolicy;
import java.time.Duration;
import java.util.List;
import java.util.Map;
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
    assertEquals(Duration.ZERO, r.capacity().shortageSchedulingTimeout());
    assertTrue(r.capacity().fallbackWhenPoolShort());
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
        Arguments.of("missing spark", (Consumer<FeatureJobSpec>) s -> s.spark = null, "spark is required"),
        // Issue 12: values that make no sense, and sizes that overflow.
        Arguments.of("0s backoff", (Consumer<FeatureJobSpec>) s -> s.retryPolicy.initialBackoff = "0s",
            "retryPolicy.initialBackoff: 0s is shorter than 1s"),
        Arguments.of("0s maxBackoff", (Consumer<FeatureJobSpec>) s -> s.retryPolicy.maxBackoff = "500ms",
            "retryPolicy.maxBackoff: 500ms is shorter than 1s"),
        Arguments.of("0s runTimeout", (Consumer<FeatureJobSpec>) s -> s.runTimeout = "0s", "runTimeout: 0s is shorter than 10s"),
        Arguments.of("9s schedulingTimeout", (Consumer<FeatureJobSpec>) s -> {
          s.capacity = new CapacitySpec();
          s.capacity.schedulingTimeout = "9s";
        }, "capacity.schedulingTimeout: 9s is shorter than 10s"),
        Arguments.of("9s shortageSchedulingTimeout", (Consumer<FeatureJobSpec>) s -> {
          s.capacity = new CapacitySpec();
          s.capacity.shortageSchedulingTimeout = "9s";
        }, "capacity.shortageSchedulingTimeout: 9s must be 0s (off) or at least 10s"),
        Arguments.of("59s freshnessSLO", (Consumer<FeatureJobSpec>) s -> s.freshnessSLO = "59s",
            "freshnessSLO: 59s is shorter than 1m"),
        Arguments.of("duration past 10 years", (Consumer<FeatureJobSpec>) s -> s.runTimeout = "99999999999999h",
            "runTimeout: '99999999999999h' is longer than 87600h"),
        Arguments.of("0m memory", (Consumer<FeatureJobSpec>) s -> {
          s.spark.executor = new ExecutorSpec();
          s.spark.executor.memory = "0m";
        }, "spark.executor.memory: 0m is less than 384m"),
        Arguments.of("383 MiB without a unit", (Consumer<FeatureJobSpec>) s -> {
          s.spark.executor = new ExecutorSpec();
          s.spark.executor.memory = "383";
        }, "spark.executor.memory: 383 is less than 384m"),
        Arguments.of("memory overflowing long", (Consumer<FeatureJobSpec>) s -> {
          s.memoryEscalation = new MemoryEscalation();
          s.memoryEscalation.maxExecutorMemory = "999999999999999t";
        }, "memoryEscalation.maxExecutorMemory: '999999999999999t' is larger than the maximum memory size"),
        Arguments.of("0 cores", (Consumer<FeatureJobSpec>) s -> {
          s.spark.driver = new DriverSpec();
          s.spark.driver.cores = "0.000";
        }, "spark.driver.cores: 0.000 must be more than 0"),
        Arguments.of("0m cores", (Consumer<FeatureJobSpec>) s -> {
          s.spark.executor = new ExecutorSpec();
          s.spark.executor.cores = "0m";
        }, "spark.executor.cores: 0m must be more than 0"),
        Arguments.of("700 KiB schedule", (Consumer<FeatureJobSpec>) s -> s.schedule = "0 * * * *" + " ".repeat(700 * 1024),
            "schedule: 716809 characters, at most 128"),
        Arguments.of("long image", (Consumer<FeatureJobSpec>) s -> s.spark.image = "i".repeat(513),
            "spark.image: 513 characters, at most 512"),
        Arguments.of("long argument", (Consumer<FeatureJobSpec>) s -> s.spark.arguments = List.of("a", "b".repeat(4097)),
            "spark.arguments[1]: 4097 characters, at most 4096"),
        Arguments.of("long sparkConf value", (Consumer<FeatureJobSpec>) s -> s.spark.sparkConf = Map.of("spark.x", "v".repeat(4097)),
            "spark.sparkConf[spark.x]: 4097 characters, at most 4096"));
  }

  @Test
  void aMessageNeverRepeatsAnOverlongValue() {
    FeatureJobSpec spec = PolicyFixtures.hourly();
    spec.schedule = "x".repeat(100_000);
    spec.timeZone = "y".repeat(100_000);
    spec.runTimeout = "1".repeat(100_000) + "h";
    SpecResolver.Result r = PolicyFixtures.RESOLVER.resolve(spec);
    assertTrue(String.join("; ", r.errors()).length() < 300, r.errors().toString());
  }

  @Test
  void unitLessMemoryIsMebibytesAsSparkReadsIt() {
    FeatureJobSpec spec = PolicyFixtures.hourly();
    spec.spark.executor = new ExecutorSpec();
    spec.spark.executor.memory = "4096";
    assertEquals(4096, PolicyFixtures.RESOLVER.resolve(spec).spec().spark().executorMemoryMiB());
  }

  @Test
  void crossFieldRulesHoldWhenOnlyOneSideIsSet() {
    FeatureJobSpec alone = PolicyFixtures.hourly();
    alone.retryPolicy = new RetryPolicy();
    alone.retryPolicy.alertAfterFailures = 11; // above the default cap of 10
    assertTrue(String.join("; ", PolicyFixtures.RESOLVER.resolve(alone).errors())
        .contains("alertAfterFailures (11) must be <= retryPolicy.maxConsecutiveFailures (10)"));
    FeatureJobSpec backoff = PolicyFixtures.hourly();
    backoff.retryPolicy = new RetryPolicy();
    backoff.retryPolicy.initialBackoff = "2h"; // above the default maxBackoff of 1h
    assertTrue(String.join("; ", PolicyFixtures.RESOLVER.resolve(backoff).errors())
        .contains("initialBackoff must be <= retryPolicy.maxBackoff"));
  }

  @Test
  void adjustmentsOfAValidSpecAreListedNotErrors() {
    SpecResolver resolver = new SpecResolver(SpecResolver.BUILT_IN_RETRY, SparkAllowList.UNRESTRICTED,
        (spec, resolved) -> List.of("spark.sparkConf: spark.master"));
    SpecResolver.Result r = resolver.resolve(PolicyFixtures.hourly());
    assertTrue(r.valid());
    assertEquals(List.of("spark.sparkConf: spark.master"), r.adjustments());
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
