package io.featurejob.operator.realspark;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * Real Spark for tests: the install of {@code hack/spark/install.sh}, a private PostgreSQL from
 * {@code hack/spark/postgres.sh}, and the corpus cases run by {@code hack/spark/capture.sh run}, so a
 * test runs exactly what produced the checked-in corpus.
 *
 * <p>Without an install the test is skipped with the install command, except when
 * {@value #REQUIRE_ENV}=1 (set by .ci/run after installing): then it fails, so CI never passes by
 * skipping.
 */
final class RealSpark {
  static final String REQUIRE_ENV = "FEATUREJOB_REQUIRE_SPARK";
  static final String INSTALL = "hack/spark/install.sh (.ci/run does this)";
  private static final Path SCRIPTS = Path.of("hack/spark").toAbsolutePath();
  /** capture.sh gives a case 900 s; this covers it plus the JVM job's compile. */
  private static final long RUN_TIMEOUT_SECONDS = 1000;

  private final Map<String, String> env = new HashMap<>();

  private RealSpark(Map<String, String> installEnv, Path postgresState) {
    env.putAll(installEnv);
    env.put("FEATUREJOB_PG_STATE", postgresState.toString());
  }

  /** One finished spark-submit: its exit status and what it printed (stdout and stderr). */
  record Run(String caseName, int exitCode, String driverLog) {
    /** The last lines of the log, for assertion messages. */
    String tail(int lines) {
      List<String> all = driverLog.lines().toList();
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    }
  }

  /**
   * The installed Spark, or the test is skipped (failed under {@value #REQUIRE_ENV}=1). The
   * PostgreSQL state lives under {@code postgresState}.
   */
  static RealSpark require(Path postgresState) {
    Optional<Map<String, String>> install = findInstall();
    String message = "no Spark install (SPARK_HOME and FEATUREJOB_JDBC_JAR, or the cache of " + INSTALL + ")";
    if (install.isEmpty() && "1".equals(System.getenv(REQUIRE_ENV))) {
      throw new AssertionError(message + "; " + REQUIRE_ENV + "=1 forbids skipping");
    }
    Assumptions.assumeTrue(install.isPresent(), message);
    return new RealSpark(install.get(), postgresState);
  }

  /**
   * The environment's SPARK_HOME and JDBC jar when both are set, else the paths install.sh prints
   * when its cache holds a complete install (it is not run when anything is missing: installing is
   * CI's job, not a test's).
   */
  private static Optional<Map<String, String>> findInstall() {
    String sparkHome = System.getenv("SPARK_HOME");
    String jdbcJar = System.getenv("FEATUREJOB_JDBC_JAR");
    if (sparkHome != null && jdbcJar != null) {
      Map<String, String> found = new HashMap<>();
      for (String name : List.of("SPARK_HOME", "SPARK_VERSION", "FEATUREJOB_JDBC_JAR", "FEATUREJOB_SPARK_PYTHON",
          "FEATUREJOB_PG_BIN")) {
        Optional.ofNullable(System.getenv(name)).ifPresent(value -> found.put(name, value));
      }
      return Files.isExecutable(Path.of(sparkHome, "bin", "spark-submit")) ? Optional.of(found) : Optional.empty();
    }
    Path cache = Path.of(Optional.ofNullable(System.getenv("FEATUREJOB_SPARK_CACHE"))
        .orElse(System.getProperty("user.home") + "/.cache/featurejob-spark"));
    boolean complete = hasFile(cache, "venv-", ".complete") && hasFile(cache.resolve("jars"), "postgresql-", null)
        && Files.isExecutable(Path.of("/usr/lib/postgresql/15/bin/postgres"));
    if (!complete) {
      return Optional.empty();
    }
    Result printed = script(List.of(SCRIPTS.resolve("install.sh").toString(), "env"), Map.of(), 600);
    if (printed.exitCode() != 0) {
      throw new AssertionError("hack/spark/install.sh env failed:\n" + printed.output());
    }
    return Optional.of(exports(printed.stdout()));
  }

  /** Whether {@code dir} has an entry named prefix* (holding {@code inside}, when given). */
  private static boolean hasFile(Path dir, String prefix, String inside) {
    if (!Files.isDirectory(dir)) {
      return false;
    }
    try (Stream<Path> entries = Files.list(dir)) {
      return entries.anyMatch(p -> p.getFileName().toString().startsWith(prefix)
          && (inside == null || Files.exists(p.resolve(inside))));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Starts the private PostgreSQL (or reuses the one running on the same state) and loads the fixture. */
  void startPostgres() {
    Result started = script(List.of(SCRIPTS.resolve("postgres.sh").toString(), "start"), env, 180);
    if (started.exitCode() != 0) {
      throw new AssertionError("hack/spark/postgres.sh start failed:\n" + started.output());
    }
    env.putAll(exports(started.stdout()));
  }

  /** Stops the private PostgreSQL by its PID. */
  void stopPostgres() {
    Result stopped = script(List.of(SCRIPTS.resolve("postgres.sh").toString(), "stop"), env, 120);
    if (stopped.exitCode() != 0) {
      throw new AssertionError("hack/spark/postgres.sh stop failed:\n" + stopped.output());
    }
  }

  /** Runs a corpus case with real spark-submit, as {@code hack/spark/capture.sh} captured it. */
  Run run(String caseName, Path dir) {
    return run(caseName, dir, Map.of());
  }

  /** The same, with extra environment for capture.sh (e.g. FEATUREJOB_SPARK_WRAPPER). */
  Run run(String caseName, Path dir, Map<String, String> extraEnv) {
    Map<String, String> runEnv = new HashMap<>(env);
    runEnv.putAll(extraEnv);
    Result result = script(List.of(SCRIPTS.resolve("capture.sh").toString(), "run", caseName, dir.toString()),
        runEnv, RUN_TIMEOUT_SECONDS);
    try {
      String log = Files.exists(dir.resolve("driver.log")) ? Files.readString(dir.resolve("driver.log")) : "";
      if (result.exitCode() != 0) {
        throw new AssertionError("hack/spark/capture.sh run " + caseName + " failed:\n" + result.output()
            + "\n--- driver log tail ---\n" + new Run(caseName, -1, log).tail(40));
      }
      int exitCode = Integer.parseInt(Files.readString(dir.resolve("exit-code")).trim());
      return new Run(caseName, exitCode, log);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private record Result(int exitCode, String stdout, String stderr) {
    String output() {
      return stdout + stderr;
    }
  }

  private static Result script(List<String> command, Map<String, String> env, long timeoutSeconds) {
    try {
      File stdout = File.createTempFile("featurejob-realspark", ".out");
      File stderr = File.createTempFile("featurejob-realspark", ".err");
      try {
        ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(stdout).redirectError(stderr);
        builder.environment().putAll(env);
        Process process = builder.start();
        process.getOutputStream().close();
        if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
          process.destroyForcibly();
          throw new AssertionError("timed out after " + timeoutSeconds + " s: " + command);
        }
        return new Result(process.exitValue(), Files.readString(stdout.toPath(), StandardCharsets.UTF_8),
            Files.readString(stderr.toPath(), StandardCharsets.UTF_8));
      } finally {
        Files.deleteIfExists(stdout.toPath());
        Files.deleteIfExists(stderr.toPath());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted: " + command, e);
    }
  }

  /** {@code export NAME=value;} lines (as install.sh env and postgres.sh print them) as a map. */
  static Map<String, String> exports(String text) {
    Map<String, String> values = new HashMap<>();
    for (String line : text.split("\n")) {
      String trimmed = line.trim();
      if (!trimmed.startsWith("export ")) {
        continue;
      }
      String assignment = trimmed.substring("export ".length());
      if (assignment.endsWith(";")) {
        assignment = assignment.substring(0, assignment.length() - 1);
      }
      int eq = assignment.indexOf('=');
      String value = assignment.substring(eq + 1);
      if (value.length() >= 2 && value.startsWith("'") && value.endsWith("'")) {
        value = value.substring(1, value.length() - 1);
      }
      values.put(assignment.substring(0, eq), value);
    }
    return values;
  }
}
