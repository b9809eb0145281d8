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
            "unknown field \"spec.retryPolicy.backoff\""));
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
  void validManifestIsAcceptedWithSchemaDefaults() {
    ClusterHarness.Result result = ClusterHarness.kubectl(TEMPLATE.formatted(SPARK + "  schedule: \"0 * * * *\"\n  capacity: {}"),
        "create", "--dry-run=server", "-f", "-", "-o", "jsonpath={.spec.capacity.executors} {.spec.historyLimit}");
    assertEquals(0, result.exitCode(), result.output());
    assertEquals("Spot 20", result.stdout().strip(), "defaults filled in by the API server");
  }
}
