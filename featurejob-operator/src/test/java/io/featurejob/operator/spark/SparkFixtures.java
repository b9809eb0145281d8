package io.featurejob.operator.spark;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.featurejob.operator.api.CapacityType;
import io.featurejob.operator.api.FeatureJob;
import io.featurejob.operator.api.Importance;
import io.featurejob.operator.policy.LaunchPlan;
import io.featurejob.operator.policy.ResolvedSpec;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

/** Inputs for the spark package tests: the docs/design.md §2 example job, resolved, and one launch plan. */
final class SparkFixtures {
  private SparkFixtures() {}

  static final String NAMESPACE = "ml";
  static final String UID = "0b7c5e7a-1111-2222-3333-444455556666";
  static final Instant WINDOW_START = Instant.parse("2026-11-23T22:00:00Z");
  static final Instant WINDOW_END = Instant.parse("2026-11-23T23:00:00Z");

  static FeatureJob job(String name) {
    FeatureJob job = new FeatureJob();
    job.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(NAMESPACE).withUid(UID).build());
    return job;
  }

  /** Overheads null = Spark's default. */
  static ResolvedSpec spec(String driverCores, long driverMiB, Long driverOverheadMiB,
      String executorCores, long executorMiB, Long executorOverheadMiB,
      String mainClass, List<String> arguments, Map<String, String> sparkConf) {
    ResolvedSpec.Spark spark = new ResolvedSpec.Spark(
        "apache/spark:3.5.3",
        "local:///opt/app/features.py",
        mainClass,
        arguments,
        sparkConf,
        "spark",
        driverCores, driverMiB, driverOverheadMiB,
        4,
        executorCores, executorMiB, executorOverheadMiB);
    return new ResolvedSpec(
        "trips_hourly",
        null,
        ZoneOffset.UTC,
        false,
        Importance.Normal,
        Duration.ofHours(2),
        24,
        Duration.ofHours(2),
        spark,
        new ResolvedSpec.Capacity(CapacityType.OnDemand, CapacityType.Spot, 2, true, Duration.ofMinutes(10)),
        new ResolvedSpec.Retry(Duration.ofMinutes(1), 2.0, Duration.ofHours(1), 0.1, 3, 10),
        new ResolvedSpec.Escalation(1.5, 8192, 16384),
        20);
  }

  /** The docs/design.md §2 example: driver 1 core 2g+512m, executors 4 x 2 cores 4g+1g. */
  static ResolvedSpec exampleSpec() {
    return spec("1", 2048, 512L, "2", 4096, 1024L, null,
        List.of("--start", "${WINDOW_START}", "--end", "${WINDOW_END}"),
        Map.of("spark.sql.shuffle.partitions", "64"));
  }

  static LaunchPlan plan(String job, String runId, int attempt, CapacityType driver, CapacityType executors,
      long driverMiB, long executorMiB) {
    return new LaunchPlan(runId, attempt, PodNames.driverPod(job, runId, attempt), WINDOW_START, WINDOW_END,
        driver, executors, driverMiB, executorMiB, LaunchPlan.Trigger.Retry);
  }

  static LaunchPlan examplePlan(String job) {
    return plan(job, "20261123-2300", 3, CapacityType.OnDemand, CapacityType.Spot, 2048, 4096);
  }

  /** The value of {@code --conf key=value} in spark-submit args, or null. */
  static String conf(List<String> args, String key) {
    for (int i = 0; i + 1 < args.size(); i++) {
      if (args.get(i).equals("--conf") && args.get(i + 1).startsWith(key + "=")) {
        return args.get(i + 1).substring(key.length() + 1);
      }
    }
    return null;
  }
}
