package io.featurejob.operator.classify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The summarizer's rules, one log shape at a time. The lines are Spark 3.5's and PySpark's own
 * wording (log4j2 pattern {@code yy/MM/dd HH:mm:ss LEVEL Class: message}, as in the captured corpus
 * under demo/spark-corpus); SparkCorpusClassificationTest runs the summarizer on the real logs.
 */
public class EvidenceSummaryTest {

  /** The shape of a PySpark JDBC read refused by Postgres: the traceback, Java frames, the shutdown hook. */
  public static final String PY4J_PERMISSION_DENIED = String.join("\n",
      "25/03/01 10:02:39 INFO DAGScheduler: Job 0 failed: load at NativeMethodAccessorImpl.java:0",
      "Traceback (most recent call last):",
      "  File \"/opt/app/features.py\", line 41, in <module>",
      "    trips = spark.read.jdbc(url, \"trips\", properties=props)",
      "  File \"/opt/spark/python/lib/py4j-0.10.9.7-src.zip/py4j/protocol.py\", line 326, in get_return_value",
      "py4j.protocol.Py4JJavaError: An error occurred while calling o51.jdbc.",
      ": org.postgresql.util.PSQLException: ERROR: permission denied for table trips",
      "\tat org.postgresql.core.v3.QueryExecutorImpl.receiveErrorResponse(QueryExecutorImpl.java:2725)",
      "\tat java.base/java.lang.Thread.run(Thread.java:840)",
      "",
      "25/03/01 10:02:40 INFO SparkContext: Invoking stop() from shutdown hook",
      "25/03/01 10:02:40 INFO SparkContext: SparkContext is stopping with exitCode 0.",
      "25/03/01 10:02:40 INFO MemoryStore: MemoryStore cleared",
      "25/03/01 10:02:40 INFO BlockManager: BlockManager stopped",
      "25/03/01 10:02:40 INFO ShutdownHookManager: Shutdown hook called",
      "25/03/01 10:02:40 INFO ShutdownHookManager: Deleting directory /tmp/spark-4f0c",
      "");

  @Test
  void py4jTracebackKeepsTheWrappedJavaExceptionAndDropsFramesAndShutdown() {
    assertEquals(String.join("\n",
        "featurejob-evidence/v1 exit=1",
        "py4j.protocol.Py4JJavaError: An error occurred while calling o51.jdbc.",
        ": org.postgresql.util.PSQLException: ERROR: permission denied for table trips",
        ""), EvidenceSummary.summarize(PY4J_PERMISSION_DENIED, 1));
  }

  @Test
  void uncaughtJavaExceptionKeepsItsMessageAndCausedByChainWithoutFrames() {
    String log = String.join("\n",
        "25/03/01 10:02:38 ERROR TaskSetManager: Task 3 in stage 2.0 failed 4 times; aborting job",
        "Exception in thread \"main\" org.apache.spark.SparkException: Job aborted due to stage failure: Task 3 in"
            + " stage 2.0 failed 4 times, most recent failure: Lost task 3.3 in stage 2.0 (TID 23) (10.1.2.3 executor 1):"
            + " java.lang.IllegalStateException: bad row",
        "\tat com.example.Features.parse(Features.scala:42)",
        "Driver stacktrace:",
        "\tat org.apache.spark.scheduler.DAGScheduler.failJobAndIndependentStages(DAGScheduler.scala:2856)",
        "Caused by: java.lang.IllegalStateException: bad row",
        "\tat com.example.Features.parse(Features.scala:42)",
        "\t... 12 more",
        "Caused by: java.lang.NumberFormatException: For input string: \"n/a\"",
        "\t... 14 more",
        "25/03/01 10:02:40 INFO ShutdownHookManager: Shutdown hook called");
    assertEquals(String.join("\n",
        "featurejob-evidence/v1 exit=1",
        "Exception in thread \"main\" org.apache.spark.SparkException: Job aborted due to stage failure: Task 3 in"
            + " stage 2.0 failed 4 times, most recent failure: Lost task 3.3 in stage 2.0 (TID 23) (10.1.2.3 executor 1):"
            + " java.lang.IllegalStateException: bad row",
        "Caused by: java.lang.IllegalStateException: bad row",
        "Caused by: java.lang.NumberFormatException: For input string: \"n/a\"",
        "25/03/01 10:02:38 ERROR TaskSetManager: Task 3 in stage 2.0 failed 4 times; aborting job",
        ""), EvidenceSummary.summarize(log, 1));
  }

  @Test
  void errorLinesKeepTheirMessageLinesOnceEachAndInfoNeverCounts() {
    String log = String.join("\n",
        "25/03/01 10:02:30 INFO Executor: Running task 5.0 in stage 2.0 (TID 13)",
        "25/03/01 10:02:31 ERROR TaskSchedulerImpl: Lost executor 1 on 10.1.2.3:",
        "The executor with id 1 exited with exit code 137(SIGKILL, possible container OOM).",
        "\t container name: spark-kubernetes-executor",
        "25/03/01 10:02:32 ERROR TaskSchedulerImpl: Lost executor 1 on 10.1.2.3:",
        "25/03/01 10:02:33 WARN TaskSetManager: Lost task 3.0 in stage 2.0 (TID 11)",
        "25/03/01 10:02:34 INFO SparkContext: Successfully stopped SparkContext");
    assertEquals(String.join("\n",
        "featurejob-evidence/v1 exit=1",
        "25/03/01 10:02:31 ERROR TaskSchedulerImpl: Lost executor 1 on 10.1.2.3:",
        "The executor with id 1 exited with exit code 137(SIGKILL, possible container OOM).",
        "\t container name: spark-kubernetes-executor",
        "25/03/01 10:02:33 WARN TaskSetManager: Lost task 3.0 in stage 2.0 (TID 11)",
        ""), EvidenceSummary.summarize(log, 1));
  }

  @Test
  void onlyNoiseLeavesTheMarkerWithTheSignal() {
    String log = String.join("\n",
        "25/03/01 10:02:40 INFO SparkContext: Invoking stop() from shutdown hook",
        "25/03/01 10:02:40 INFO ShutdownHookManager: Shutdown hook called",
        "\tat java.base/java.lang.Thread.run(Thread.java:840)");
    assertEquals("featurejob-evidence/v1 exit=143 (SIGTERM)\n", EvidenceSummary.summarize(log, 143));
    assertEquals("featurejob-evidence/v1 exit=1\n", EvidenceSummary.summarize("", 1));
  }

  @Test
  void lastPythonTracebackWinsOverEarlierOnes() {
    String log = String.join("\n",
        "Traceback (most recent call last):",
        "  File \"a.py\", line 1, in <module>",
        "KeyError: 'x'",
        "",
        "During handling of the above exception, another exception occurred:",
        "",
        "Traceback (most recent call last):",
        "  File \"a.py\", line 3, in <module>",
        "MemoryError");
    String summary = EvidenceSummary.summarize(log, 1);
    assertTrue(summary.startsWith("featurejob-evidence/v1 exit=1\nMemoryError\n"),
        summary);
    assertFalse(summary.contains("During handling"), summary);
  }

  @Test
  void theStageFailureReasonIsKeptWhenNoExceptionLineCarriesIt() {
    String log = "py4j.protocol.Py4JJavaError: An error occurred while calling o87.collectToPython.\n"
        + ": org.apache.spark.SparkException: Job aborted due to stage failure: Task 0 in stage 1.0 failed 1 times\n"
        + "\tat org.apache.spark.scheduler.DAGScheduler.failJobAndIndependentStages(DAGScheduler.scala:2856)\n";
    String summary = EvidenceSummary.summarize(log, 1);
    assertEquals(1, count(summary, "Job aborted due to stage failure"), summary);
  }

  @ParameterizedTest(name = "{0} -> log line: {1}")
  @CsvSource(delimiter = '|', value = {
      "25/03/01 10:02:31 ERROR TaskSchedulerImpl: Lost executor 1 | true",
      "2025-03-01 10:02:31,123 [main] WARN  Foo - bar           | true",
      "ERROR:root:something failed                              | true",
      "[ERROR] something failed                                 | true",
      "org.postgresql.util.PSQLException: ERROR: permission denied for table trips | false",
      ": org.postgresql.util.PSQLException: ERROR: permission denied | false",
      "Exception in thread \"main\" java.lang.RuntimeException: ERROR | false",
      "The executor with id 1 exited with exit code 137         | false",
  })
  void logLinesAreToldFromMessagesThatSayError(String line, boolean logLine) {
    assertEquals(logLine, EvidenceSummary.levelEnd(line) >= 0, line);
  }

  @Test
  void boundedToTheKubeletLimitWithoutSplittingCharacters() {
    StringBuilder log = new StringBuilder();
    for (int i = 0; i < 300; i++) {
      log.append("25/03/01 10:02:31 ERROR Job").append(i).append(": ").append("é€😀".repeat(200)).append('\n');
    }
    String summary = EvidenceSummary.summarize(log.toString(), 1);
    byte[] bytes = summary.getBytes(StandardCharsets.UTF_8);
    assertTrue(bytes.length <= EvidenceSummary.MAX_BYTES, "bytes: " + bytes.length);
    assertTrue(bytes.length > EvidenceSummary.MAX_BYTES - 100, "the budget is used: " + bytes.length);
    assertEquals(summary, new String(bytes, StandardCharsets.UTF_8), "round-trips: no split character");
    assertFalse(summary.contains("\uFFFD"), "no replacement characters");
    for (String line : summary.split("\n")) {
      assertTrue(line.getBytes(StandardCharsets.UTF_8).length <= EvidenceSummary.MAX_LINE_BYTES, line);
    }
  }

  @Test
  void onlyTheLastTailLinesCount() {
    List<String> lines = new ArrayList<>();
    lines.add("Exception in thread \"main\" java.lang.IllegalStateException: long gone");
    for (int i = 0; i < EvidenceSummary.TAIL_LINES; i++) {
      lines.add("25/03/01 10:02:31 INFO Executor: line " + i);
    }
    assertEquals("featurejob-evidence/v1 exit=1\n", EvidenceSummary.summarize(lines, 1));
  }

  @Test
  void longLinesAreCutOnInput() {
    String line = "x".repeat(10_000);
    List<String> lines = EvidenceSummary.lines(line + "\r\nnext\n");
    assertEquals(List.of("x".repeat(EvidenceSummary.MAX_INPUT_LINE_CHARS), "next"), lines);
  }

  @Test
  void aSummaryIsRecognisedByItsMarker() {
    assertTrue(EvidenceSummary.isSummary(EvidenceSummary.summarize("boom", 1)));
    assertFalse(EvidenceSummary.isSummary(PY4J_PERMISSION_DENIED));
    assertFalse(EvidenceSummary.isSummary(null));
  }

  private static int count(String text, String part) {
    int n = 0;
    for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) {
      n++;
    }
    return n;
  }

  /**
   * Captured with the real node's Spark image (src/test/resources/.../node/README.md): a driver refused
   * by PostgreSQL after Spark logged SparkListenerEnvironmentUpdate over hundreds of lines. Those
   * lines continue an INFO record; they took the summary's "last lines" (3 KB of Hadoop settings in
   * the real node's termination message) until continuations of an open INFO record counted as noise.
   */
  @Test
  void aMultiLineInfoRecordStaysOutOfTheSummary() throws Exception {
    String log = new String(EvidenceSummaryTest.class.getResourceAsStream(
        "/io/featurejob/operator/node/permission-denied-listener-dump-driver.log").readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(log.contains("org.apache.hadoop.fs.s3a.SimpleAWSCredentialsProvider,") && log.contains("), (native.encoding,"),
        "the capture holds the multi-line record");
    String summary = EvidenceSummary.summarize(log, 1);
    List<String> lines = List.of(summary.split("\n"));
    assertEquals("Exception in thread \"main\" org.postgresql.util.PSQLException: ERROR: permission denied for table"
        + " trip_events", lines.get(1), summary);
    for (String line : lines) {
      assertFalse(line.contains("hadoop") || line.contains("), (") || line.contains("CredentialsProvider"), summary);
    }
  }

  /**
   * Captured on the real node (node/README.md): a Kubernetes-mode driver logs the closing of its executor
   * watch as it stops, after every run. It took a "last line" of the summary, so the status and the
   * RunFailed event of a wrong password said "Kubernetes client has been closed" after the PSQLException
   * (RotatedSecretOnRealNodeTest's first run).
   */
  @Test
  void theClosingExecutorWatchOfAKubernetesDriverIsNoise() throws Exception {
    String log = new String(EvidenceSummaryTest.class.getResourceAsStream(
        "/io/featurejob/operator/node/executor-oom-driver.log").readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(log.contains("WARN ExecutorPodsWatchSnapshotSource: Kubernetes client has been closed."), "the capture has it");
    String summary = EvidenceSummary.summarize(log, 1);
    assertFalse(summary.contains("Kubernetes client has been closed"), summary);
    assertTrue(summary.contains("WARN ExecutorPodsAllocator: 1 new failed executors."), summary); // other WARN lines stay
  }
}
