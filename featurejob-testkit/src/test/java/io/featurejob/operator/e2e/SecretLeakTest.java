package io.featurejob.operator.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import io.fabric8.kubernetes.api.model.Event;
import io.featurejob.operator.api.FeatureJob;
import io.featurejob.operator.api.FeatureJobStatus;
import io.featurejob.operator.api.Phase;
import io.featurejob.operator.classify.RedactionCorpus;
import io.featurejob.operator.classify.RedactionCorpus.Entry;
import io.featurejob.operator.demo.DriverBehaviour;
import io.featurejob.operator.events.EventReason;
import io.featurejob.operator.testing.TestJobs;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Issue 13, end to end: drivers fail with termination messages made of the whole redaction corpus
 * (every secret shape and every look-alike, interleaved, plus control characters), and not one piece
 * of a secret reaches the FeatureJobs' status (history included), their events, the operator's log
 * (as its logback.xml would print it, at the production level INFO) or /metrics.
 */
class SecretLeakTest {
  /** A part stays under the 1 KiB a status message keeps, so every secret in it is put to the test. */
  private static final int PART_CHARS = 800;
  private static final String FIRST_LINE = "org.postgresql.util.PSQLException: FATAL: password authentication "
      + "failed for user \"featurejob\"";

  private E2eHarness h;
  private LogCapture log;

  @BeforeEach
  void start() {
    log = LogCapture.start();
    h = E2eHarness.start();
  }

  @AfterEach
  void stop() {
    try {
      h.close();
    } finally {
      log.stop();
    }
  }

  @Test
  void noSecretOfTheCorpusReachesStatusEventsLogsOrMetrics() {
    // One job per part, all at once, each parked after its one failed attempt (alert and cap at 1):
    // every part goes through classification, status, history, three events and the log.
    List<String> parts = parts();
    List<String> names = new ArrayList<>();
    for (int j = 0; j < parts.size(); j++) {
      String name = "leak-" + j;
      String message = parts.get(j);
      names.add(name);
      h.kubelet.script(name, (driver, cluster) -> DriverBehaviour.failAfter(Duration.ofMillis(200), 1, message));
      h.create(TestJobs.job(name, "1s", "1s", 1, 1));
    }

    List<String> statuses = new ArrayList<>();
    for (String name : names) {
      FeatureJobStatus parked = h.awaitStatus(name, "PermanentlyFailed", s -> s.phase == Phase.PermanentlyFailed);
      h.awaitEvent(name, EventReason.PermanentlyFailed);
      statuses.add(json(h.job(name)));
      assertFalse(parked.lastFailure.message.isBlank());
    }
    String status = String.join("\n", statuses);
    StringBuilder events = new StringBuilder();
    for (Event e : h.client.v1().events().inNamespace(h.namespace).list().getItems()) {
      events.append(json(e)).append('\n');
    }
    String metrics = h.httpGet("/metrics").body();
    String logs = log.text();

    // The story ran: every part failed an attempt, and the messages stayed useful.
    assertEquals(parts.size(), names.stream().mapToInt(h.kubelet::driversCreated).sum());
    assertTrue(status.contains("password authentication failed for user \\\"featurejob\\\""), status);
    assertTrue(status.contains("[REDACTED]"), status);
    assertTrue(logs.contains("leak-0"), "the operator logged about the jobs at INFO: " + logs);

    List<String> leaks = new ArrayList<>();
    for (Entry entry : RedactionCorpus.entries()) {
      for (String probe : entry.secret() ? entry.leakProbes() : List.<String>of()) {
        check(leaks, "status", status, entry, probe);
        check(leaks, "events", events.toString(), entry, probe);
        check(leaks, "logs", logs, entry, probe);
        check(leaks, "metrics", metrics, entry, probe);
      }
    }
    assertEquals(List.of(), leaks);
    // Control characters: escaped everywhere (JSON would show a raw ESC as \u001b too, so look at the objects).
    for (String name : names) {
      assertFalse(h.job(name).getStatus().lastFailure.message.contains("\u001b"), name);
      h.events(name).forEach(e -> assertFalse(e.getMessage().contains("\u001b") || e.getMessage().contains("\n"),
          e.getMessage()));
    }
    assertFalse(logs.contains("\u001b"), "raw ESC in the log");
  }

  private static void check(List<String> leaks, String where, String text, Entry entry, String probe) {
    if (text.contains(probe)) {
      leaks.add(where + ": '" + probe + "' of " + entry.what());
    }
  }

  /**
   * The corpus as log tails: entries in file order, secrets and look-alikes interleaved, cut into
   * parts of at most {@value #PART_CHARS} characters at entry boundaries, each ending the way a Spark
   * driver's log does. The first part starts with the pgjdbc line whose user name must survive; one
   * carries ANSI colour and a forged log line.
   */
  static List<String> parts() {
    List<String> parts = new ArrayList<>();
    StringBuilder part = new StringBuilder(FIRST_LINE).append('\n');
    for (Entry e : RedactionCorpus.entries()) {
      if (part.length() + e.text().length() + 1 > PART_CHARS && part.length() > 0) {
        parts.add(part.toString());
        part.setLength(0);
      }
      part.append(e.text()).append('\n');
    }
    part.append("\u001b[31mERROR\u001b[0m done\n12:00:00.000 INFO  io.featurejob - forged line\n");
    parts.add(part.toString());
    return parts;
  }

  private String json(Object o) {
    return h.client.getKubernetesSerialization().asJson(o);
  }

  /** What the operator logs, printed with the converters of its logback.xml, at its production levels. */
  static final class LogCapture {
    private final LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    private final Logger operatorLogger = context.getLogger("io.featurejob");
    private final Level previousLevel = operatorLogger.getLevel();
    private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    private final OutputStreamAppender<ILoggingEvent> appender = new OutputStreamAppender<>();

    static LogCapture start() {
      LogCapture capture = new LogCapture();
      PatternLayoutEncoder encoder = new PatternLayoutEncoder();
      encoder.setContext(capture.context);
      encoder.setPattern("%-5level %logger - %safeMsg%n%safeEx"); // conversion words of logback(-test).xml
      encoder.start();
      capture.appender.setContext(capture.context);
      capture.appender.setEncoder(encoder);
      capture.appender.setOutputStream(capture.buffer);
      capture.appender.start();
      capture.context.getLogger(Logger.ROOT_LOGGER_NAME).addAppender(capture.appender);
      // The operator's own lines at logback.xml's level for them, to this capture only (not the console).
      capture.operatorLogger.addAppender(capture.appender);
      capture.operatorLogger.setAdditive(false);
      capture.operatorLogger.setLevel(Level.INFO);
      return capture;
    }

    String text() {
      synchronized (buffer) {
        return buffer.toString(StandardCharsets.UTF_8);
      }
    }

    void stop() {
      context.getLogger(Logger.ROOT_LOGGER_NAME).detachAppender(appender);
      operatorLogger.detachAppender(appender);
      operatorLogger.setAdditive(true);
      operatorLogger.setLevel(previousLevel);
      appender.stop();
    }
  }
}
