package io.featurejob.operator.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Condition;
import io.featurejob.operator.api.FeatureJobSpec;
import io.featurejob.operator.events.EventReason;
import io.featurejob.operator.spark.CapacityProfiles;
import io.featurejob.operator.spark.OperatorOverrides;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Reserved sparkConf keys are reported (condition SpecAdjusted and one Warning event), never silently dropped. */
class SpecAdjustmentsTest {
  private static final Instant T0 = Instant.parse("2026-11-23T10:30:00Z");
  private static final SpecResolver RESOLVER = new SpecResolver(SpecResolver.BUILT_IN_RETRY, SparkAllowList.UNRESTRICTED,
      new OperatorOverrides(CapacityProfiles.named("karpenter"), true));

  private static FeatureJobSpec withConf(Map<String, String> conf) {
    FeatureJobSpec spec = PolicyFixtures.hourly();
    spec.spark.sparkConf = conf;
    return spec;
  }

  private static Decision decide(FeatureJobSpec spec, io.featurejob.operator.api.FeatureJobStatus status, Instant now) {
    return PolicyFixtures.DECIDER.decide(PolicyFixtures.job(), RESOLVER.resolve(spec), status, PolicyFixtures.noPod(), now);
  }

  @Test
  void reservedKeysAreListedInAConditionAndOneWarningEventWhileTheJobRuns() {
    FeatureJobSpec spec = withConf(Map.of("spark.executor.memory", "64g", "spark.master", "local[*]",
        "spark.sql.shuffle.partitions", "400"));
    Decision first = decide(spec, null, T0);

    assertTrue(first.launch() != null, "the spec is valid: the job runs");
    Condition adjusted = Conditions.find(first.status(), Conditions.SPEC_ADJUSTED);
    assertEquals("True", adjusted.getStatus());
    assertEquals("the operator overrides or ignores: spark.sparkConf keys set by the operator are ignored:"
        + " spark.executor.memory, spark.master", adjusted.getMessage());
    assertTrue(Conditions.isTrue(first.status(), Conditions.SPEC_VALID));
    List<Decision.Event> warnings = first.events().stream().filter(e -> e.reason() == EventReason.SpecAdjusted).toList();
    assertEquals(1, warnings.size());
    assertEquals(adjusted.getMessage(), warnings.get(0).message());
    assertTrue(!adjusted.getMessage().contains("64g") && !adjusted.getMessage().contains("local[*]"), "names, never values");

    // Over a window of later reconciles with the same spec: no second event.
    io.featurejob.operator.api.FeatureJobStatus status = first.status();
    for (int minute = 1; minute <= 5; minute++) {
      Decision again = decide(spec, status, T0.plusSeconds(60L * minute));
      assertTrue(again.events().stream().noneMatch(e -> e.reason() == EventReason.SpecAdjusted), "minute " + minute);
      status = again.status();
    }

    // Removing the keys turns the condition False; no event for that.
    Decision fixed = decide(withConf(Map.of("spark.sql.shuffle.partitions", "400")), status, T0.plusSeconds(600));
    assertEquals("False", Conditions.find(fixed.status(), Conditions.SPEC_ADJUSTED).getStatus());
  }

  @Test
  void podFieldsTheOperatorOwnsAreListedOnEitherCapacityType() {
    FeatureJobSpec spec = withConf(Map.of());
    spec.spark.driver = new io.featurejob.operator.api.DriverSpec();
    spec.spark.driver.env = List.of(new io.fabric8.kubernetes.api.model.EnvVar("WINDOW_START", "yesterday", null),
        new io.fabric8.kubernetes.api.model.EnvVar("TEAM", "mobility", null));
    spec.spark.executor = new io.featurejob.operator.api.ExecutorSpec();
    // karpenter: spot executors select capacity-type=spot; on-demand after a fallback: both conflict with "gpu"
    spec.spark.executor.nodeSelector = Map.of("karpenter.sh/capacity-type", "gpu", "pool", "features");
    spec.spark.executor.labels = Map.of("spark-role", "driver");
    Decision d = decide(spec, null, T0);
    assertEquals("the operator overrides or ignores: pod fields set by the operator or Spark are ignored:"
            + " spark.driver.env[WINDOW_START], spark.executor.labels[spark-role],"
            + " spark.executor.nodeSelector[karpenter.sh/capacity-type]",
        Conditions.find(d.status(), Conditions.SPEC_ADJUSTED).getMessage());
    assertTrue(d.launch() != null);
  }

  @Test
  void aSpecUsedAsWrittenHasNoSpecAdjustedCondition() {
    Decision d = decide(withConf(Map.of("spark.sql.shuffle.partitions", "400")), null, T0);
    assertNull(Conditions.find(d.status(), Conditions.SPEC_ADJUSTED));
  }

  @Test
  void conditionMessagesAreBounded() {
    String huge = "x".repeat(100_000);
    assertEquals(Conditions.MAX_MESSAGE_BYTES, Conditions.bounded(huge).length());
  }
}
