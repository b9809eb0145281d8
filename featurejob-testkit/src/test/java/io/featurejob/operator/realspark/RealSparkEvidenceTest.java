package io.featurejob.operator.realspark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.featurejob.operator.api.FailureClass;
import io.featurejob.operator.classify.Classification;
import io.featurejob.operator.classify.Classifier;
import io.featurejob.operator.classify.Evidence;
import io.featurejob.operator.demo.KubeletTermination;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Real spark-submit, live on each run: corpus cases run again (same script, same PostgreSQL
 * fixture) and their real output goes through the operator's evidence path to a class, which must be
 * the one the corpus expects. `make spark-test` runs this (tag "spark"); without a Spark install it
 * is skipped, unless FEATUREJOB_REQUIRE_SPARK=1.
 */
@Tag("spark")
class RealSparkEvidenceTest {
  private static final Path POSTGRES_STATE = Path.of("target/realspark/postgres").toAbsolutePath();
  /** The driver entrypoint the operator mounts in driver pods; it wraps spark-submit. */
  private static final String ENTRYPOINT = "/io/featurejob/operator/spark/driver-entrypoint.sh";
  private static RealSpark spark;

  @BeforeAll
  static void startPostgres() {
    spark = RealSpark.require(POSTGRES_STATE);
    spark.startPostgres();
  }

  @AfterAll
  static void stopPostgres() {
    if (spark != null) {
      spark.stopPostgres();
    }
  }

  /*
   * The headline cases: through the kubelet's log tail alone permission-revoked and wrong-password come
   * out UserCodeError (builtin:non-zero-exit), since the PSQLException sits 42 lines and 3.3 KiB above
   * the end of the log; the driver entrypoint's summary carries it to the operator.
   */
  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"permission-revoked", "wrong-password", "python-udf-exception", "python-memory-error",
      "driver-oom"})
  void realSparkFailureClassifiesAsTheCorpusExpects(String name, @TempDir Path dir) throws IOException {
    JsonNode expected = SparkCorpus.caseYaml(name);
    Path terminationLog = dir.resolve("termination-log");
    URL entrypoint = RealSparkEvidenceTest.class.getResource(ENTRYPOINT);
    assertNotNull(entrypoint, "the driver entrypoint " + ENTRYPOINT + " is not in the build");
    Map<String, String> wrapper = Map.of(
        "FEATUREJOB_SPARK_WRAPPER", path(entrypoint).toString(),
        "FEATUREJOB_TERMINATION_LOG", terminationLog.toString(),
        "FEATUREJOB_EVIDENCE_DIR", classPathRoot().toString());

    RealSpark.Run run = spark.run(name, dir.resolve("run"), wrapper);
    assertEquals(expected.path("exitCode").asInt(), run.exitCode(), name + " exit code; log tail:\n" + run.tail(30));
    assertTrue(run.driverLog().contains(expected.path("logShows").asText()),
        name + ": the live run did not fail the way the corpus case did; log tail:\n" + run.tail(30));

    byte[] file = Files.exists(terminationLog) ? Files.readAllBytes(terminationLog) : null;
    Pod driver = driverPod(run, KubeletTermination.message(file, run.driverLog(), run.exitCode()));
    Classification classification = Classifier.defaults().classify(Evidence.fromPods(driver, List.of()));

    assertEquals(FailureClass.valueOf(expected.path("expectedClass").asText()), classification.failureClass(),
        name + " (through the driver entrypoint): rule "
            + classification.rule() + " on evidence " + classification.evidence() + "; termination message:\n"
            + driver.getStatus().getContainerStatuses().get(0).getState().getTerminated().getMessage());
  }

  /** The driver pod's status as the kubelet writes it when spark-submit has exited. */
  private static Pod driverPod(RealSpark.Run run, String terminationMessage) {
    return new PodBuilder()
        .withNewMetadata().withName(run.caseName() + "-driver").withNamespace("ml").endMetadata()
        .withNewStatus()
          .withPhase(run.exitCode() == 0 ? "Succeeded" : "Failed")
          .addNewContainerStatus()
            .withName("spark-kubernetes-driver")
            .withNewState().withNewTerminated()
              .withExitCode(run.exitCode())
              .withReason(run.exitCode() == 0 ? "Completed" : "Error")
              .withMessage(terminationMessage)
            .endTerminated().endState()
          .endContainerStatus()
        .endStatus()
        .build();
  }

  /** The class path root holding the operator's classes (the entrypoint runs its summarizer from it). */
  private static Path classPathRoot() {
    return path(Classifier.class.getProtectionDomain().getCodeSource().getLocation());
  }

  private static Path path(URL url) {
    try {
      return Path.of(url.toURI());
    } catch (URISyntaxException e) {
      throw new UncheckedIOException(new IOException(e));
    }
  }
}
