package io.featurejob.operator.alerts;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * The shipped alerting files and the Prometheus tools that check them: Debian's {@code prometheus}
 * (prometheus, promtool) and {@code prometheus-alertmanager} (prometheus-alertmanager, amtool).
 *
 * <p>A missing binary skips the test with the install command, except when
 * {@value #REQUIRE_ENV}=1 (set by .ci/run after installing them): then it fails, so CI never passes
 * by skipping.
 */
final class Tools {
  static final String REQUIRE_ENV = "FEATUREJOB_REQUIRE_PROMETHEUS";
  static final String INSTALL = "apt-get install -y prometheus prometheus-alertmanager (.ci/run does this)";

  static final Path RULES = Path.of("deploy/prometheus/featurejob-alerts.rules.yaml").toAbsolutePath();
  static final Path RULE_TESTS = Path.of("deploy/prometheus/tests/featurejob-alerts.test.yaml").toAbsolutePath();
  static final Path ALERTMANAGER_EXAMPLE = Path.of("deploy/prometheus/alertmanager-example.yaml").toAbsolutePath();
  static final Path DASHBOARD = Path.of("deploy/grafana/featurejob-dashboard.json").toAbsolutePath();

  private Tools() {}

  /** The first of {@code names} found on PATH, /usr/bin or /usr/sbin. */
  static Optional<Path> find(String... names) {
    List<String> dirs = new ArrayList<>(List.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)));
    dirs.addAll(List.of("/usr/bin", "/usr/sbin", "/usr/local/bin"));
    for (String name : names) {
      for (String dir : dirs) {
        if (dir.isEmpty()) {
          continue;
        }
        Path candidate = Path.of(dir, name);
        if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
          return Optional.of(candidate);
        }
      }
    }
    return Optional.empty();
  }

  /** The binary, or the test is skipped (failed under {@value #REQUIRE_ENV}=1) with the install hint. */
  static Path require(String... names) {
    Optional<Path> found = find(names);
    String message = String.join(" or ", names) + " not found on PATH: " + INSTALL;
    if (found.isEmpty() && "1".equals(System.getenv(REQUIRE_ENV))) {
      throw new AssertionError(message + "; " + REQUIRE_ENV + "=1 forbids skipping");
    }
    Assumptions.assumeTrue(found.isPresent(), message);
    return found.get();
  }

  record Result(int exitCode, String stdout, String stderr) {
    /** Both streams, for assertion messages and for tools that report on either. */
    String output() {
      return stdout + stderr;
    }
  }

  /** Runs a short-lived tool to completion; fails after 60 s. */
  static Result run(List<String> command) {
    try {
      Path stderr = Files.createTempFile("featurejob-tool", ".stderr");
      try {
        Process process = new ProcessBuilder(command).redirectError(stderr.toFile()).start();
        process.getOutputStream().close();
        byte[] out = process.getInputStream().readAllBytes();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
          process.destroyForcibly();
          throw new AssertionError("timed out: " + command);
        }
        return new Result(process.exitValue(), new String(out, StandardCharsets.UTF_8), Files.readString(stderr));
      } finally {
        Files.deleteIfExists(stderr);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted: " + command, e);
    }
  }
}
