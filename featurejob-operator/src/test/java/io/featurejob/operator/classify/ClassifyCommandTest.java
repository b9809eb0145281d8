package io.featurejob.operator.classify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ClassifyCommandTest {

  /** What one run printed and returned. */
  record Result(int code, String out, String err) {}

  private static Result run(String stdin, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = ClassifyCommand.run(args, new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
        new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  private static String fixture(String name) throws URISyntaxException {
    return Path.of(ClassifyCommandTest.class.getResource(name).toURI()).toString();
  }

  @Test
  void classifiesADriverPodJson() throws Exception {
    Result r = run("", "--pod", fixture("driver-permission-denied.json"));
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("class:     PermissionDenied\n"), r.out());
    assertTrue(r.out().contains("transient: no\n"), r.out());
    assertTrue(r.out().contains("rule:      builtin:permission-denied\n"), r.out());
    assertTrue(r.out().contains(
        "evidence:  driver container termination message contains \"permission denied\"; evidence: log tail only\n"),
        r.out());
    assertTrue(r.out().contains("exit code: 1\n"), r.out());
    assertTrue(r.out().contains("PSQLException: ERROR: permission denied for table trips"), r.out());
    assertFalse(r.out().contains("s3cr3t-pw"), "the password in the log is redacted: " + r.out());
  }

  @Test
  void classifiesAListOfPodsWithExecutors() throws Exception {
    Result r = run("", "--pod", fixture("run-lost-to-spot.yaml"));
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("class:     SpotInterruption\n"), r.out());
    assertTrue(r.out().contains("transient: yes\n"), r.out());
    assertTrue(r.out().contains(
        "evidence:  executor trip-features-28f1c-a2-exec-1 pod has condition DisruptionTarget: TerminationByKubelet"),
        r.out());
  }

  @ParameterizedTest(name = "--message {0}")
  @CsvSource(delimiter = '|', textBlock = """
      PSQLException: ERROR: permission denied for table trips                       | PermissionDenied    | no
      aws_api_error_code:InsufficientInstanceCapacity                                  | CapacityUnavailable | yes
      java.lang.OutOfMemoryError: GC overhead limit exceeded                           | OutOfMemory         | no
      something odd happened                                                           | Unknown             | no
      """)
  void classifiesAMessage(String message, String expectedClass, String transientWord) {
    Result r = run("", "--message", message);
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().startsWith("class:     " + expectedClass + "\n"), r.out());
    assertTrue(r.out().contains("transient: " + transientWord + "\n"), r.out());
    assertTrue(r.out().contains("message:   " + message + "\n"), r.out());
  }

  @Test
  void readsAMessageOrAPodFromStdin() throws Exception {
    Result message = run("Lost task 0.0 in stage 3.0 (TID 6) ( executor 2): boom\n", "--stdin");
    assertEquals(0, message.code(), message.err());
    assertTrue(message.out().contains("class:     UserCodeError\n"), message.out());

    String pod = Files.readString(Path.of(fixture("driver-permission-denied.json")));
    Result fromPod = run(pod, "--stdin");
    assertEquals(0, fromPod.code(), fromPod.err());
    assertTrue(fromPod.out().contains("exit code: 1\n"), "read as a pod, not as text: " + fromPod.out());
  }

  @Test
  void extraRulesComeFirst(@TempDir Path dir) throws IOException {
    Path rules = dir.resolve("rules.yaml");
    Files.writeString(rules, "- {name: pg-role, class: ConfigError, messagePatterns: ['permission denied for table']}\n");
    Result r = run("", "--rules", rules.toString(), "--message", "PSQLException: ERROR: permission denied for table trips");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("class:     ConfigError\n"), r.out());
    assertTrue(r.out().contains("rule:      pg-role\n"), r.out());
  }

  @Test
  void classifiesAWholeDriverLogThroughItsSummary(@TempDir Path dir) throws IOException {
    Path log = Files.writeString(dir.resolve("driver.log"), EvidenceSummaryTest.PY4J_PERMISSION_DENIED);
    Result r = run("", "--driver-log", log.toString(), "--exit-code", "1");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().startsWith("class:     PermissionDenied\n"), r.out());
    assertTrue(r.out().contains("evidence:  driver container termination message contains \"permission denied\"\n"),
        "a summary, so no note: " + r.out());
    assertTrue(r.out().contains("exit code: 1\n"), r.out());
    assertTrue(r.out().endsWith("summary (the driver's termination message):\n"
        + "  featurejob-evidence/v1 exit=1\n"
        + "  py4j.protocol.Py4JJavaError: An error occurred while calling o51.jdbc.\n"
        + "  : org.postgresql.util.PSQLException: ERROR: permission denied for table trips\n"), r.out());

    Result sigterm = run("", "--driver-log", log.toString(), "--exit-code", "143");
    assertTrue(sigterm.out().contains("exit code: 143\n"), sigterm.out());
    assertTrue(sigterm.out().contains("featurejob-evidence/v1 exit=143 (SIGTERM)"), sigterm.out());
  }

  @Test
  void helpPrintsUsage() {
    Result r = run("", "--help");
    assertEquals(0, r.code());
    assertTrue(r.out().startsWith("Usage: featurejob-operator classify"), r.out());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      flag with equals sign      | --rules=x                                | unknown argument '--rules=x'
      nothing at all             |                                          | give exactly one of --pod, --message, --stdin, --driver-log
      two inputs                 | --message a --stdin                      | give exactly one of --pod, --message, --stdin, --driver-log
      exit code without a log    | --message a --exit-code 1                | --exit-code goes with --driver-log
      exit code not a number     | --driver-log x --exit-code one           | --exit-code needs a number, got 'one'
      exit code of a success     | --driver-log x --exit-code 0             | --exit-code must be a failed process's exit code
      missing driver log         | --driver-log /nonexistent/driver.log     | cannot read input
      missing value              | --message                                | --message needs a value
      unknown flag               | --verbose --message a                    | unknown argument '--verbose'
      missing pod file           | --pod /nonexistent/pod.json              | cannot read input
      missing rules file         | --rules /nonexistent/r.yaml --message a  | /nonexistent/r.yaml: cannot read rules file
      """)
  void badInputIsAClearErrorWithExitCode2(String name, String args, String expectedError) {
    Result r = run("", args == null ? new String[0] : args.split(" "));
    assertEquals(2, r.code());
    assertTrue(r.err().contains(expectedError), r.err());
    assertEquals("", r.out());
  }

  @Test
  void aFileThatIsNotAPodIsAClearError(@TempDir Path dir) throws IOException {
    Path cm = dir.resolve("cm.yaml");
    Files.writeString(cm, "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n");
    Result r = run("", "--pod", cm.toString());
    assertEquals(2, r.code());
    assertTrue(r.err().contains("expected a Pod or a List of pods, got ConfigMap"), r.err());

    Path plain = dir.resolve("hostname");
    Files.writeString(plain, "vm-1\n");
    Result p = run("", "--pod", plain.toString());
    assertEquals(2, p.code());
    assertTrue(p.err().contains("expected a Pod or a List of pods, got no Kubernetes object"), p.err());

    Path garbage = dir.resolve("garbage.json");
    Files.writeString(garbage, "{not json");
    Result g = run("", "--pod", garbage.toString());
    assertEquals(2, g.code());
    assertTrue(g.err().contains("not a Kubernetes object in JSON or YAML"), g.err());
  }
}
