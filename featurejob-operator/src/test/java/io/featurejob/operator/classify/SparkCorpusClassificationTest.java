package io.featurejob.operator.classify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.featurejob.operator.api.FailureClass;
import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every case of the captured real Spark corpus (demo/spark-corpus, made by hack/spark/capture.sh),
 * classified the way the operator meets it in a cluster: the driver entrypoint's summary of the
 * whole driver.log as the termination message of a driver container that exited with the case's
 * exit code. Prints the accuracy of that path next to the path before the entrypoint (the kubelet's
 * FallbackToLogsOnError tail: the last 80 lines and 2048 bytes of the log), and fails on any case
 * the evidence path gets wrong.
 */
class SparkCorpusClassificationTest {

  /** The kubelet's FallbackToLogsOnError: at most the last 80 lines and the last 2048 bytes. */
  static String kubeletTail(String log) {
    List<String> lines = new ArrayList<>(Arrays.asList(log.split("\n", -1)));
    if (!lines.isEmpty() && lines.get(lines.size() - 1).isEmpty()) {
      lines.remove(lines.size() - 1);
    }
    String tail = String.join("\n", lines.subList(Math.max(0, lines.size() - 80), lines.size()));
    byte[] bytes = tail.getBytes(StandardCharsets.UTF_8);
    return bytes.length <= 2048 ? tail : new String(bytes, bytes.length - 2048, 2048, StandardCharsets.UTF_8);
  }

  private static final String CORPUS = "/io/featurejob/operator/demo/spark-corpus";

  @Test
  void everyCorpusCaseClassifiesAsExpectedThroughTheEvidencePath() throws Exception {
    Path root = corpus();
    List<Path> cases;
    try (Stream<Path> dirs = Files.list(root)) {
      cases = dirs.filter(Files::isDirectory).filter(dir -> exitCode(dir) != 0).sorted().toList();
    }
    assertFalse(cases.isEmpty(), "no failed cases in the corpus");
    Classifier classifier = Classifier.defaults();
    List<String> rows = new ArrayList<>();
    List<String> misses = new ArrayList<>();
    int before = 0;
    int after = 0;
    for (Path dir : cases) {
      String name = dir.getFileName().toString();
      FailureClass expected = FailureClass.valueOf(
          new ObjectMapper(new YAMLFactory()).readTree(dir.resolve("case.yaml").toFile()).path("expectedClass").asText());
      String log = Files.readString(dir.resolve("driver.log"));
      int exitCode = exitCode(dir);
      Classification tailOnly = classifier.classify(Evidence.fromDriverExit(exitCode, kubeletTail(log)));
      Classification summary = classifier.classify(
          Evidence.fromDriverExit(exitCode, EvidenceSummary.summarize(log, exitCode)));
      before += tailOnly.failureClass() == expected ? 1 : 0;
      after += summary.failureClass() == expected ? 1 : 0;
      rows.add(String.format("| %s | %d | %s | %s%s | %s%s |", name, exitCode, expected,
          tailOnly.failureClass(), mark(tailOnly, expected), summary.failureClass(), mark(summary, expected)));
      if (summary.failureClass() != expected) {
        misses.add(name + ": expected " + expected + ", got " + summary.failureClass() + " (" + summary.rule()
            + ") on summary:\n" + EvidenceSummary.summarize(log, exitCode));
      }
    }
    System.out.println("| case | exit | expected | kubelet tail (before) | entrypoint summary (after) |");
    System.out.println("|---|---|---|---|---|");
    rows.forEach(System.out::println);
    System.out.printf("| **accuracy** | | | %d/%d | %d/%d |%n", before, cases.size(), after, cases.size());
    assertEquals(List.of(), misses);
  }

  /**
   * Captured on the real node (featurejob-operator/src/test/resources/.../node/README.md): executors OOMKilled at their
   * container limit, Spark deleted their pods, the driver exited 1. The kubelet's tail lost the
   * executors' exit 137 (the operator retried with the same memory); the summary keeps it.
   */
  @Test
  void executorsOomKilledOnTheRealNodeAreOutOfMemoryOfTheExecutors() throws Exception {
    String log = new String(SparkCorpusClassificationTest.class.getResourceAsStream(
        "/io/featurejob/operator/node/executor-oom-driver.log").readAllBytes(), StandardCharsets.UTF_8);
    Classifier classifier = Classifier.defaults();
    assertEquals(FailureClass.UserCodeError,
        classifier.classify(Evidence.fromDriverExit(1, kubeletTail(log))).failureClass(), "the tail alone (before)");
    Classification summary = classifier.classify(Evidence.fromDriverExit(1, EvidenceSummary.summarize(log, 1)));
    assertEquals(FailureClass.OutOfMemory, summary.failureClass(), summary.toString());
    assertEquals(Classification.MemoryTarget.Executor, summary.memoryTarget());
  }

  private static String mark(Classification c, FailureClass expected) {
    return c.failureClass() == expected ? "" : " ✗ (" + c.rule() + ")";
  }

  private static Path corpus() throws URISyntaxException {
    URL url = SparkCorpusClassificationTest.class.getResource(CORPUS);
    if (url == null) {
      throw new AssertionError("no captured corpus on the classpath at " + CORPUS + " (hack/spark/capture.sh)");
    }
    return Path.of(url.toURI());
  }

  private static int exitCode(Path dir) {
    try {
      return Integer.parseInt(Files.readString(dir.resolve("exit-code")).trim());
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
