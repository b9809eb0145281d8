package io.featurejob.operator.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The CRD in crds/ as kube-apiserver enforces it (OpenAPI schema and CEL x-kubernetes-validations),
 * through `kubectl create --dry-run=server`: each invalid manifest is rejected with a message that
 * names the field and what is wrong; the valid one is accepted. The mock server checks none of this.
 */
@Tag("cluster")
class CrdValidationOnControlPlaneTest {

  /** A valid FeatureJob; {@code %s} is the extra YAML under spec (indented by 2). */
  private static final String TEMPLATE = """
      apiVersion: featurejob.io/v1alpha1
      kind: FeatureJob
      metadata:
        name: validation-probe
        namespace: default
      spec:
        featureView: trips_hourly
      %s
      """;

  private static final String SPARK = """
        spark:
          image: apache/spark:3.5.3
          mainApplicationFile: local:///opt/app/features.py
      """;

  static Stream<Arguments> invalidManifests() {
    return Stream.of(
        Arguments.of("bad duration", SPARK + "  retryPolicy: {initialBackoff: 5 minutes}",
            "spec.retryPolicy.initialBackoff in body should match"),
        Arguments.of("bad freshnessSLO duration", SPARK + "  freshnessSLO: 2 hours",
            "spec.freshnessSLO in body should match"),
        Arguments.of("bad memory quantity", """
              spark:
                image: apache/spark:3.5.3
                mainApplicationFile: local:///opt/app/features.py
                driver: {memory: 2 GB}
            """, "spec.spark.driver.memory in body should match"),
        Arguments.of("bad importance enum", SPARK + "  importance: Urgent",
            "spec.importance: Unsupported value: \"Urgent\": supported values: \"Critical\", \"High\", \"Low\", \"Normal\""),
        Arguments.of("bad capacity enum", SPARK + "  capacity: {executors: Preemptible}",
            "spec.capacity.executors: Unsupported value: \"Preemptible\""),
        Arguments.of("alertAfterFailures > maxConsecutiveFailures",
            SPARK + "  retryPolicy: {alertAfterFailures: 5, maxConsecutiveFailures: 3}",
            "retryPolicy.alertAfterFailures must be <= retryPolicy.maxConsecutiveFailures"),
        Arguments.of("initialBackoff > maxBackoff", SPARK + "  retryPolicy: {initialBackoff: 2h, maxBackoff: 1h}",
            "retryPolicy.initialBackoff must be <= retryPolicy.maxBackoff"),
        Arguments.of("missing spark.image", """
              spark:
                mainApplicationFile: local:///opt/app/features.py
            """, "spec.spark.image: Required value"),
        Arguments.of("empty spark.image", """
              spark:
                image: ""
                mainApplicationFile: local:///opt/app/features.py
            """, "spark.image must not be empty"),
        Arguments.of("missing spark", "  suspend: false", "spec.spark: Required value"),
        Arguments.of("bad schedule pattern", SPARK + "  schedule: every hour",
            "spec.schedule in body should match"),
        Arguments.of("jitter above 1", SPARK + "  retryPolicy: {jitter: 1.5}",
            "spec.retryPolicy.jitter: Invalid value: 1.5: spec.retryPolicy.jitter in body should be less than or equal to 1"),
        Arguments.of("unknown field (kubectl strict field validation)", SPARK + "  retryPolicy: {backoff: 1m}",
            "unknown field \"spec.retryPolicy.backoff\""),
        // Issue 12 "values that make no sense": minimums, maximums, lengths, one-sided cross-field rules.
        Arguments.of("0s backoff", SPARK + "  retryPolicy: {initialBackoff: 0s}",
            "spec.retryPolicy.initialBackoff: Invalid value: \"0s\": must be at least 1s"),
        Arguments.of("0s runTimeout", SPARK + "  runTimeout: 0s",
            "spec.runTimeout: Invalid value: \"0s\": must be at least 10s"),
        Arguments.of("5s schedulingTimeout", SPARK + "  capacity: {schedulingTimeout: 5s}",
            "spec.capacity.schedulingTimeout: Invalid value: \"5s\": must be at least 10s"),
        Arguments.of("30s freshnessSLO", SPARK + "  freshnessSLO: 30s",
            "spec.freshnessSLO: Invalid value: \"30s\": must be at least 1m"),
        Arguments.of("duration past 10 years", SPARK + "  runTimeout: 100000h",
            "spec.runTimeout: Invalid value: \"100000h\": must be at most 87600h"),
        Arguments.of("duration overflowing Go's int64 nanoseconds", SPARK + "  runTimeout: 9999999999999h",
            "spec.runTimeout: Invalid value:"),
        Arguments.of("0m memory", SPARK + "    executor: {memory: 0m}",
            "spec.spark.executor.memory: Invalid value: \"0m\": must be at least 384m"),
        Arguments.of("383 MiB without a unit", SPARK + "    driver: {memory: \"383\"}",
            "spec.spark.driver.memory: Invalid value: \"383\": must be at least 384m"),
        Arguments.of("memory overflowing long", SPARK + "  memoryEscalation: {maxExecutorMemory: 999999999999999t}",
            "spec.memoryEscalation.maxExecutorMemory: Invalid value: \"999999999999999t\": must be at most 1048576t"),
        Arguments.of("16-digit memory", SPARK + "    driver: {memory: \"9999999999999999\"}",
            "spec.spark.driver.memory in body should match"),
        Arguments.of("0 cores", SPARK + "    executor: {cores: \"0\"}",
            "spec.spark.executor.cores: Invalid value: \"0\": must be more than 0"),
        Arguments.of("0m cores", SPARK + "    driver: {cores: 0m}",
            "spec.spark.driver.cores: Invalid value: \"0m\": must be more than 0"),
        Arguments.of("long schedule", SPARK + "  schedule: \"0 * * * *" + " ".repeat(200) + "\"",
            "spec.schedule: Too long: may not be more than 128 bytes"),
        Arguments.of("long image", SPARK.replace("apache/spark:3.5.3", "a".repeat(513)),
            "spec.spark.image: Too long: may not be more than 512 bytes"),
        Arguments.of("long argument", SPARK + "    arguments: [\"" + "x".repeat(4097) + "\"]",
            "spec.spark.arguments[0]: Too long: may not be more than 4096 bytes"),
        Arguments.of("lone alertAfterFailures above the default cap", SPARK + "  retryPolicy: {alertAfterFailures: 11}",
            "retryPolicy.alertAfterFailures must be <= retryPolicy.maxConsecutiveFailures (default 10"),
        Arguments.of("lone initialBackoff above the default maxBackoff", SPARK + "  retryPolicy: {initialBackoff: 2h}",
            "retryPolicy.initialBackoff must be <= retryPolicy.maxBackoff (default 1h"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalidManifests")
  void rejectedWithAClearMessage(String what, String specYaml, String expected) {
    ClusterHarness.Result result = ClusterHarness.kubectl(TEMPLATE.formatted(specYaml),
        "create", "--dry-run=server", "-f", "-");
    System.out.printf("[invalid manifest] %-50s -> %s%n", what, result.stderr().strip().replace("\n", " | "));
    assertNotEquals(0, result.exitCode(), what + " was accepted: " + result.output());
    assertTrue(result.stderr().contains(expected), what + ": expected <" + expected + "> in: " + result.stderr());
  }

  @Test
  void unitLessMemoryAndTheLimitsThemselvesAreAccepted() {
    ClusterHarness.Result result = ClusterHarness.kubectl(TEMPLATE.formatted(SPARK
            + "    driver: {memory: \"384\", cores: 500m}\n"
            + "    executor: {memory: \"4096\", cores: \"0.5\"}\n"
            + "  runTimeout: 10s\n  freshnessSLO: 1m\n"
            + "  retryPolicy: {initialBackoff: 1s, maxBackoff: 87600h, alertAfterFailures: 10}\n"
            + "  memoryEscalation: {maxExecutorMemory: 1048576t}"),
        "create", "--dry-run=server", "-f", "-", "-o", "jsonpath={.spec.spark.executor.memory}");
    assertEquals(0, result.exitCode(), result.output());
    assertEquals("4096", result.stdout().strip());
  }

  /** Every FeatureJob in examples/ passes the server's schema and CEL rules as written. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("io.featurejob.operator.examples.ExamplesTest#featureJobs")
  void examplesAreAccepted(java.nio.file.Path example) throws java.io.IOException {
    String manifest = java.nio.file.Files.readString(example).replaceAll("(?m)^  namespace: .*$", "  namespace: default");
    ClusterHarness.Result result = ClusterHarness.kubectl(manifest, "create", "--dry-run=server", "-f", "-");
    assertEquals(0, result.exitCode(), example + ": " + result.output());
  }

  @Test
  void validManifestIsAcceptedWithSchemaDefaults() {
    ClusterHarness.Result result = ClusterHarness.kubectl(TEMPLATE.formatted(SPARK + "  schedule: \"0 * * * *\"\n  capacity: {}"),
        "create", "--dry-run=server", "-f", "-", "-o", "jsonpath={.spec.capacity.executors} {.spec.historyLimit}");
    assertEquals(0, result.exitCode(), result.output());
    assertEquals("Spot 20", result.stdout().strip(), "defaults filled in by the API server");
  }
}
