package io.featurejob.operator.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.KeyToPath;
import io.fabric8.kubernetes.api.model.Pod;
import io.featurejob.operator.classify.EvidenceSummary;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the operator ships to driver pods, run as the pod runs it: the files are laid out exactly as
 * the driver's ConfigMap volume projects them, the entrypoint runs under {@code sh} with a real
 * child process, and the summarizer runs on a JVM without a Java compiler, as in the apache/spark
 * images (their Java is a JRE).
 */
@Timeout(120)
class DriverEvidenceTest {

  /** The PySpark JDBC refusal, as EvidenceSummaryTest has it: the root cause before frames and shutdown lines. */
  private static final String LOG = io.featurejob.operator.classify.EvidenceSummaryTest.PY4J_PERMISSION_DENIED;

  @TempDir Path tmp;
  private Path mount;
  private Path terminationLog;

  @BeforeEach
  void projectTheConfigMapVolume() throws IOException {
    ConfigMap configMap = ExecutorPodTemplate.configMap(SparkFixtures.job("trip-features"),
        CapacityProfiles.named("none"), true);
    Pod driver = DriverPodBuilder.build(SparkFixtures.job("trip-features"), SparkFixtures.exampleSpec(),
        SparkFixtures.examplePlan("trip-features"), CapacityProfiles.named("none"), true);
    mount = tmp.resolve("mount");
    for (KeyToPath item : driver.getSpec().getVolumes().get(1).getConfigMap().getItems()) {
      Path file = mount.resolve(item.getPath());
      Files.createDirectories(file.getParent());
      String text = configMap.getData().get(item.getKey());
      Files.write(file, text != null
          ? text.getBytes(StandardCharsets.UTF_8)
          : Base64.getDecoder().decode(configMap.getBinaryData().get(item.getKey())));
    }
    terminationLog = tmp.resolve("termination-log");
  }

  @Test
  void theShippedClassIsTheSourceCompiledForJava11AsOneClassFile() throws IOException {
    byte[] shipped = DriverEvidence.summaryClass();
    assertEquals(55, ((shipped[6] & 0xff) << 8) | (shipped[7] & 0xff), "class file major version (Java 11)");

    Path out = Files.createDirectories(tmp.resolve("javac"));
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    Path source = Path.of("featurejob-operator/src/main/java/io/featurejob/operator/classify/EvidenceSummary.java");
    int rc = javac.run(null, null, null, "--release", "11", "-g", "-parameters", "-d", out.toString(), source.toString());
    assertEquals(0, rc, "EvidenceSummary.java compiles with --release 11");
    List<Path> classes;
    try (Stream<Path> files = Files.walk(out)) {
      classes = files.filter(Files::isRegularFile).toList();
    }
    assertEquals(List.of(out.resolve(DriverEvidence.SUMMARY_CLASS_PATH)), classes,
        "one class file: nothing else to ship");
    assertArrayEquals(Files.readAllBytes(classes.get(0)), shipped,
        "the shipped class is this source compiled (rebuild with mvn if the source changed)");
  }

  @Test
  void theSummarizerRunsOnAJreWithoutACompiler() throws Exception {
    Path jre = tmp.resolve("jre");
    Path jlink = Path.of(System.getProperty("java.home"), "bin", "jlink");
    assertEquals(0, run(List.of(jlink.toString(), "--add-modules", "java.base", "--output", jre.toString())).code);
    Path logFile = Files.writeString(tmp.resolve("tail"), LOG);
    Result r = run(List.of(jre.resolve("bin/java").toString(), "-cp", mount.toString(),
        EvidenceSummary.class.getName(), logFile.toString(), "1"));
    assertEquals(0, r.code, r.err);
    assertEquals(EvidenceSummary.summarize(LOG, 1), r.out);

    Result bad = run(List.of(jre.resolve("bin/java").toString(), "-cp", mount.toString(),
        EvidenceSummary.class.getName(), tmp.resolve("missing").toString(), "1"));
    assertEquals(2, bad.code);
    assertEquals("", bad.out);
  }

  @Test
  void entrypointStreamsTheLogUnchangedAndWritesTheSummaryOnFailure() throws Exception {
    Path logFile = Files.writeString(tmp.resolve("app.log"), LOG);
    Result r = entrypoint(Map.of(), "sh", "-c", "cat \"$0\"; echo 'stderr line' >&2; exit 3", logFile.toString());
    assertEquals(3, r.code, r.err);
    assertEquals(LOG + "stderr line\n", r.out, "kubectl logs sees what the command printed");
    assertEquals(EvidenceSummary.summarize(LOG + "stderr line\n", 3), Files.readString(terminationLog));
    try (Stream<Path> left = Files.list(tmp.resolve("tmpdir"))) {
      assertEquals(0, left.count(), "the fifo and the tail are gone");
    }
  }

  @Test
  void entrypointWritesNothingWhenTheCommandSucceeds() throws Exception {
    Result r = entrypoint(Map.of(), "sh", "-c", "echo 'Exception in thread \"main\" not really'; exit 0");
    assertEquals(0, r.code, r.err);
    assertFalse(Files.exists(terminationLog));
  }

  @Test
  void sigtermReachesTheCommandAndItsExitCodeIsKept() throws Exception {
    ProcessBuilder pb = entrypointProcess(Map.of(), "sh", "-c",
        "trap 'echo \"25/03/01 10:02:40 ERROR Job: stopped by SIGTERM\"; exit 143' TERM;"
            + " echo started; while true; do sleep 0.1; done");
    Process p = pb.start();
    BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    assertEquals("started", out.readLine());
    // SIGTERM, as the kubelet sends it to the container's first process (Process.destroy would close our pipes).
    assertEquals(0, new ProcessBuilder("kill", "-TERM", Long.toString(p.pid())).start().waitFor());
    assertTrue(p.waitFor(30, TimeUnit.SECONDS));
    assertEquals(143, p.exitValue());
    assertEquals("25/03/01 10:02:40 ERROR Job: stopped by SIGTERM", out.readLine());
    String summary = Files.readString(terminationLog);
    assertTrue(summary.startsWith("featurejob-evidence/v1 exit=143 (SIGTERM)\n"), summary);
    assertTrue(summary.contains("ERROR Job: stopped by SIGTERM"), summary);
  }

  @Test
  void aCommandThatExitsWithItsOwnCodeOnSigtermKeepsThatCode() throws Exception {
    // Spark's shutdown hooks may end the JVM with another code than 143: the signal that interrupted the
    // entrypoint's wait must not replace it, however fast the command exits after it.
    for (int round = 0; round < 20; round++) {
      ProcessBuilder pb = entrypointProcess(Map.of(), "sh", "-c", "trap 'exit 3' TERM; echo started; while true; do sleep 0.05; done");
      Process p = pb.start();
      BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
      assertEquals("started", out.readLine());
      assertEquals(0, new ProcessBuilder("kill", "-TERM", Long.toString(p.pid())).start().waitFor());
      assertTrue(p.waitFor(30, TimeUnit.SECONDS));
      assertEquals(3, p.exitValue(), "round " + round);
    }
  }

  @Test
  void withoutAWritableTempDirTheCommandStillRunsAndNoSummaryIsWritten() throws Exception {
    Result r = entrypoint(Map.of("TMPDIR", tmp.resolve("does-not-exist").toString()), "sh", "-c", "echo boom; exit 7");
    assertEquals(7, r.code);
    assertEquals("boom\n", r.out);
    assertTrue(r.err.contains("no evidence summary"), r.err);
    assertFalse(Files.exists(terminationLog), "the kubelet falls back to the log tail");
  }

  @Test
  void aFailingSummarizerLeavesTheTerminationLogEmpty() throws Exception {
    Result r = entrypoint(Map.of("FEATUREJOB_JAVA", "false"), "sh", "-c", "echo boom; exit 1");
    assertEquals(1, r.code);
    assertEquals("boom\n", r.out);
    assertTrue(r.err.contains("the evidence summary failed"), r.err);
    assertFalse(Files.exists(terminationLog));
  }

  private Result entrypoint(Map<String, String> env, String... command) throws Exception {
    return run(entrypointProcess(env, command));
  }

  private ProcessBuilder entrypointProcess(Map<String, String> env, String... command) throws IOException {
    Path tmpdir = Files.createDirectories(tmp.resolve("tmpdir"));
    List<String> words = new ArrayList<>(List.of("sh", mount.resolve(DriverEvidence.ENTRYPOINT_KEY).toString()));
    words.addAll(List.of(command));
    ProcessBuilder pb = new ProcessBuilder(words);
    pb.environment().put("FEATUREJOB_TERMINATION_LOG", terminationLog.toString());
    pb.environment().put("FEATUREJOB_JAVA", Path.of(System.getProperty("java.home"), "bin", "java").toString());
    pb.environment().put("TMPDIR", tmpdir.toString());
    pb.environment().putAll(env);
    return pb;
  }

  private static Result run(List<String> command) throws Exception {
    return run(new ProcessBuilder(command));
  }

  private static Result run(ProcessBuilder pb) throws Exception {
    Process p = pb.start();
    p.getOutputStream().close();
    CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> read(p.getInputStream()));
    CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(p.getErrorStream()));
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "finished");
    return new Result(p.exitValue(), out.get(), err.get());
  }

  private static String read(java.io.InputStream in) {
    try (in; OutputStream sink = new ByteArrayOutputStream()) {
      in.transferTo(sink);
      return sink.toString();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private record Result(int code, String out, String err) {}
}
