package io.featurejob.operator.realspark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.featurejob.operator.api.FailureClass;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The checked-in corpus of real Spark output is well formed: every case capture.sh defines is
 * there, with an exit code, a case.yaml saying how it was made, and a log that Spark printed. How
 * well the classifier does on it is for the classifier's own tests.
 */
class SparkCorpusFilesTest {

  static List<String> cases() {
    return SparkCorpus.names();
  }

  @Test
  void theCorpusHoldsExactlyTheCasesCaptureShDefines() throws Exception {
    Process list = new ProcessBuilder("bash", "hack/spark/capture.sh", "list").redirectErrorStream(true).start();
    String out = new String(list.getInputStream().readAllBytes());
    assertTrue(list.waitFor(30, TimeUnit.SECONDS), "capture.sh list timed out");
    assertEquals(0, list.exitValue(), out);
    List<String> defined = Arrays.stream(out.split("\n")).filter(s -> !s.isBlank()).sorted().toList();
    assertEquals(defined, SparkCorpus.names());
  }

  @Test
  void theCorpusStaysSmall() throws IOException {
    long bytes;
    try (Stream<Path> files = Files.walk(SparkCorpus.root())) {
      bytes = files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
    }
    assertTrue(bytes < 2 * 1024 * 1024, "corpus is " + bytes + " bytes; keep it under 2 MiB");
  }

  @ParameterizedTest
  @MethodSource("cases")
  void exitCodeIsOneNumberThatCaseYamlRepeats(String name) {
    String text = SparkCorpus.exitCodeText(name);
    assertTrue(text.matches("\\d{1,3}\n"), name + "/exit-code: '" + text + "'");
    int exitCode = Integer.parseInt(text.trim());
    assertTrue(exitCode <= 255, name + ": exit code " + exitCode);
    assertEquals(exitCode, SparkCorpus.caseYaml(name).path("exitCode").asInt(-1), name + "/case.yaml exitCode");
  }

  @ParameterizedTest
  @MethodSource("cases")
  void caseYamlSaysWhatTheCaseIsAndHowItWasMade(String name) {
    JsonNode yaml = SparkCorpus.caseYaml(name);
    assertEquals(name, yaml.path("name").asText(), "name");
    for (String field : List.of("description", "logShows", "command", "sparkVersion", "postgresVersion",
        "javaVersion", "jdbcDriver", "capturedAt")) {
      assertFalse(yaml.path(field).asText().isBlank(), name + "/case.yaml lacks " + field);
    }
    String expected = yaml.path("expectedClass").asText();
    int exitCode = yaml.path("exitCode").asInt();
    if (exitCode == 0) {
      assertEquals("none", expected, name + ": a success has no failure class");
    } else {
      FailureClass.valueOf(expected);   // throws on a name the operator does not know
    }
    assertTrue(yaml.path("command").asText().contains("$SPARK_HOME/bin/spark-submit "), yaml.path("command").asText());
    assertTrue(yaml.path("postgresVersion").asText().contains("(PostgreSQL) 15."), yaml.path("postgresVersion").asText());
    Instant.parse(yaml.path("capturedAt").asText());
  }

  @ParameterizedTest
  @MethodSource("cases")
  void driverLogIsSparksOwnOutputAndShowsTheCause(String name) {
    JsonNode yaml = SparkCorpus.caseYaml(name);
    String log = SparkCorpus.driverLog(name);
    assertFalse(log.isBlank(), name + "/driver.log is empty");
    assertTrue(log.contains("INFO SparkContext: Running Spark version " + yaml.path("sparkVersion").asText()),
        name + ": the log does not come from Spark " + yaml.path("sparkVersion").asText());
    assertTrue(log.contains(yaml.path("logShows").asText()), name + ": the log lacks " + yaml.path("logShows"));
  }
}
