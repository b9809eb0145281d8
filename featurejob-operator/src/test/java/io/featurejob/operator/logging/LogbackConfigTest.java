package io.featurejob.operator.logging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import ch.qos.logback.core.status.Status;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;

/** The operator's own logback.xml (not the tests'): it loads cleanly and every log entry is one safe line. */
class LogbackConfigTest {

  private static final Path MAIN_CONFIG = Path.of("featurejob-operator/src/main/resources/logback.xml");

  @Test
  void theConfigLoadsWithoutErrors() throws Exception {
    LoggerContext context = load();
    List<Status> errors = context.getStatusManager().getCopyOfStatusList().stream()
        .filter(s -> s.getEffectiveLevel() >= Status.WARN).toList();
    assertEquals(List.of(), errors);
    context.stop();
  }

  @Test
  void aLogEntryIsOneLineWithSecretsScrubbedAndEscapesVisible() throws Exception {
    String out = captureStdout(logger -> logger.warn("driver said: {}",
        "\u001b[31mboom\n12:00:00.000 INFO  io.featurejob - forged password=hunter2"));
    List<String> lines = out.lines().toList();
    assertEquals(1, lines.size(), out);
    assertTrue(lines.get(0).contains("driver said: \\u001b[31mboom\\n12:00:00.000 INFO"), out);
    assertTrue(lines.get(0).contains("password=[REDACTED]"), out);
    assertFalse(out.contains("hunter2"), out);
    assertFalse(out.contains("\u001b"), out);
  }

  @Test
  void anExceptionMessageIsOneLineAndScrubbedOnlyFramesStartLines() throws Exception {
    Exception cause = new IllegalStateException("token=abc123XYZ\nFAKE LINE");
    String out = captureStdout(logger -> logger.error("reconcile failed", new RuntimeException("outer\nforged", cause)));
    List<String> lines = out.lines().toList();
    assertTrue(lines.get(0).endsWith("reconcile failed"), out);
    assertEquals("java.lang.RuntimeException: outer\\nforged", lines.get(1), out);
    for (String line : lines.subList(2, lines.size())) {
      assertTrue(line.startsWith("\tat ") || line.startsWith("\t... ") || line.startsWith("Caused by: "), line);
    }
    assertTrue(out.contains("Caused by: java.lang.IllegalStateException: token=[REDACTED]\\nFAKE LINE"), out);
    assertFalse(out.contains("abc123XYZ"), out);
  }

  private static LoggerContext load() throws Exception {
    LoggerContext context = new LoggerContext();
    context.setMDCAdapter(new LogbackMDCAdapter()); // a fresh context has none; appending needs one
    JoranConfigurator configurator = new JoranConfigurator();
    configurator.setContext(context);
    URL url = MAIN_CONFIG.toUri().toURL();
    configurator.doConfigure(url);
    return context;
  }

  private interface Logging {
    void log(Logger logger);
  }

  /** Logs through a fresh context configured from the main logback.xml and returns what it printed. */
  private static String captureStdout(Logging logging) throws Exception {
    PrintStream original = System.out;
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    LoggerContext context = null;
    try {
      System.setOut(new PrintStream(buffer, true, StandardCharsets.UTF_8));
      context = load();
      logging.log(context.getLogger("io.featurejob.operator.Test"));
    } finally {
      if (context != null) {
        context.stop();
      }
      System.setOut(original);
    }
    return buffer.toString(StandardCharsets.UTF_8);
  }
}
