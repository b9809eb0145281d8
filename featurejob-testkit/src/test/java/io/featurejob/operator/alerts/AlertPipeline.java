package io.featurejob.operator.alerts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.featurejob.operator.testing.Ports;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.awaitility.core.TerminalFailureException;

/**
 * The paging path around an operator's /metrics: Debian's Prometheus scrapes it (job
 * "featurejob-operator", honor_labels, as the rules expect), evaluates
 * deploy/prometheus/featurejob-alerts.rules.yaml and sends to Debian's Alertmanager (the example's
 * inhibit rules), which delivers everything to an {@link AlertWebhook}. All on 127.0.0.1 and free
 * ports, scrape and evaluation every second, group_wait 1 s, a temp dir; {@link #close} stops both
 * servers by their PIDs and removes the dir.
 */
public final class AlertPipeline implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpClient http = HttpClient.newHttpClient();
  private final Duration wait;
  private final Path work;
  private AlertWebhook webhook;
  private Process prometheus;
  private Process alertmanager;
  private int prometheusPort;

  private AlertPipeline(Path work, Duration wait) {
    this.work = work;
    this.wait = wait;
  }

  /**
   * Starts the pipeline for the operator serving /metrics on 127.0.0.1:{@code metricsPort}; returns once
   * Prometheus scrapes it and evaluates the rules. {@code wait} bounds each of this class's waits.
   * Skips the test when the binaries are missing (fails under FEATUREJOB_REQUIRE_PROMETHEUS=1).
   */
  public static AlertPipeline start(int metricsPort, Duration wait) throws Exception {
    Path prometheusBin = Tools.require("prometheus");
    Path alertmanagerBin = Tools.require("prometheus-alertmanager", "alertmanager");
    AlertPipeline pipeline = new AlertPipeline(Files.createTempDirectory("featurejob-alerts"), wait);
    try {
      pipeline.launch(prometheusBin, alertmanagerBin, metricsPort);
      return pipeline;
    } catch (Exception | AssertionError e) {
      pipeline.close();
      throw e;
    }
  }

  private void launch(Path prometheusBin, Path alertmanagerBin, int metricsPort) throws Exception {
    webhook = AlertWebhook.start();
    int alertmanagerPort = Ports.freeLoopbackPort();
    Files.writeString(work.resolve("alertmanager.yml"), alertmanagerConfig(webhook.url()));
    alertmanager = launch("alertmanager", List.of(alertmanagerBin.toString(),
        "--config.file=" + work.resolve("alertmanager.yml"),
        "--storage.path=" + Files.createDirectories(work.resolve("alertmanager-data")),
        "--web.listen-address=127.0.0.1:" + alertmanagerPort,
        "--cluster.listen-address="));

    prometheusPort = Ports.freeLoopbackPort();
    Files.writeString(work.resolve("prometheus.yml"), """
        global:
          scrape_interval: 1s
          scrape_timeout: 1s
          evaluation_interval: 1s
        rule_files: ["%s"]
        alerting:
          alertmanagers:
            - static_configs: [{targets: ["127.0.0.1:%d"]}]
        scrape_configs:
          - job_name: featurejob-operator
            honor_labels: true
            static_configs: [{targets: ["127.0.0.1:%d"]}]
        """.formatted(Tools.RULES, alertmanagerPort, metricsPort));
    prometheus = launch("prometheus", List.of(prometheusBin.toString(),
        "--config.file=" + work.resolve("prometheus.yml"),
        "--storage.tsdb.path=" + Files.createDirectories(work.resolve("prometheus-data")),
        "--web.listen-address=127.0.0.1:" + prometheusPort,
        "--rules.alert.resend-delay=1s"));

    awaitHttp200("http://127.0.0.1:" + alertmanagerPort + "/-/ready");
    awaitHttp200("http://127.0.0.1:" + prometheusPort + "/-/ready");
    awaitQuery("up{job=\"featurejob-operator\"} == 1", r -> r.size() == 1, "the operator target is up");
    awaitQuery("count(ALERTS)", r -> true, "rules evaluate"); // the rule manager has started
  }

  public AlertWebhook webhook() {
    return webhook;
  }

  private static String alertmanagerConfig(String webhookUrl) throws IOException {
    // The example's inhibit rules, so the tests exercise them; everything goes to the webhook.
    ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
    JsonNode example = yaml.readTree(Tools.ALERTMANAGER_EXAMPLE.toFile());
    ObjectNode config = yaml.createObjectNode();
    config.putObject("route").put("receiver", "webhook")
        .put("group_wait", "1s").put("group_interval", "1s").put("repeat_interval", "1h")
        .putArray("group_by").add("alertname").add("namespace").add("featurejob");
    config.set("inhibit_rules", example.get("inhibit_rules"));
    config.putArray("receivers").addObject().put("name", "webhook")
        .putArray("webhook_configs").addObject().put("url", webhookUrl).put("send_resolved", true);
    return yaml.writeValueAsString(config);
  }

  private Process launch(String name, List<String> command) throws IOException {
    Path log = work.resolve(name + ".log");
    Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    System.out.printf("started %s (pid %d) on 127.0.0.1, log %s%n", name, process.pid(), log);
    return process;
  }

  private static void stop(Process process) throws InterruptedException {
    if (process == null || !process.isAlive()) {
      return;
    }
    process.destroy(); // SIGTERM to that PID
    if (!process.waitFor(15, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      process.waitFor(5, TimeUnit.SECONDS);
    }
    System.out.printf("stopped pid %d (exit %d)%n", process.pid(), process.exitValue());
  }

  /** The tails of both servers' logs, for failure messages. */
  public String logs() {
    StringBuilder out = new StringBuilder();
    for (String name : List.of("prometheus", "alertmanager")) {
      try {
        List<String> lines = Files.readAllLines(work.resolve(name + ".log"));
        out.append("\n--- ").append(name).append(".log (tail)\n")
            .append(String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size())));
      } catch (IOException e) {
        out.append("\n--- ").append(name).append(".log unreadable: ").append(e.getMessage());
      }
    }
    return out.toString();
  }

  private void awaitHttp200(String url) {
    try {
      Awaitility.await(url + " answers 200").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
          .ignoreExceptionsInstanceOf(IOException.class) // starting (connection refused, reset)
          .failFast("a server exited", () -> (prometheus != null && !prometheus.isAlive()) || !alertmanager.isAlive())
          .until(() -> http.send(HttpRequest.newBuilder(URI.create(url)).build(),
              HttpResponse.BodyHandlers.discarding()).statusCode() == 200);
    } catch (ConditionTimeoutException | TerminalFailureException e) {
      throw new AssertionError(e.getMessage() + logs(), e);
    }
  }

  /** Instant query; the {@code data.result} array. Fails on a query error. */
  public JsonNode query(String promql) throws Exception {
    String url = "http://127.0.0.1:" + prometheusPort + "/api/v1/query?query="
        + URLEncoder.encode(promql, StandardCharsets.UTF_8);
    HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url)).build(),
        HttpResponse.BodyHandlers.ofString());
    JsonNode body = JSON.readTree(response.body());
    assertEquals("success", body.path("status").asText(), promql + " -> " + response.body());
    return body.at("/data/result");
  }

  public JsonNode awaitQuery(String promql, Predicate<JsonNode> done, String what) {
    AtomicReference<JsonNode> last = new AtomicReference<>();
    try {
      return Awaitility.await(what).atMost(wait).pollInterval(Duration.ofMillis(250))
          .until(() -> {
            last.set(query(promql));
            return last.get();
          }, done);
    } catch (ConditionTimeoutException e) {
      throw new AssertionError(what + ": " + promql + " -> " + last.get() + logs(), e);
    }
  }

  /** A check run once per rule evaluation. */
  @FunctionalInterface
  public interface Check {
    void run() throws Exception;
  }

  /**
   * Runs {@code check} after each new evaluation of Prometheus' rule groups that started after
   * {@code after}, until {@code count} such evaluations were seen; returns how many were checked.
   * Evaluation times come from Prometheus' own /api/v1/rules, so a loaded machine only makes this
   * take longer, never pass vacuously.
   */
  public int awaitRuleEvaluationsAfter(Instant after, int count, Check check) {
    Set<Instant> seen = new HashSet<>();
    try {
      Awaitility.await(count + " rule evaluations after " + after).atMost(wait).pollInterval(Duration.ofMillis(250))
          .until(() -> {
            Instant newest = newestRuleEvaluation();
            if (newest != null && newest.isAfter(after) && seen.add(newest)) {
              check.run();
            }
            return seen.size() >= count;
          });
      return seen.size();
    } catch (ConditionTimeoutException e) {
      throw new AssertionError("only " + seen.size() + " rule evaluations after " + after + " within " + wait + logs(), e);
    }
  }

  /** The latest lastEvaluation of the rule groups, from Prometheus' own /api/v1/rules; null before any. */
  private Instant newestRuleEvaluation() throws Exception {
    HttpResponse<String> response = http.send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + prometheusPort + "/api/v1/rules")).build(),
        HttpResponse.BodyHandlers.ofString());
    Instant newest = null;
    for (JsonNode group : JSON.readTree(response.body()).at("/data/groups")) {
      Instant evaluated = OffsetDateTime.parse(group.path("lastEvaluation").asText("1970-01-01T00:00:00Z")).toInstant();
      newest = newest == null || evaluated.isAfter(newest) ? evaluated : newest;
    }
    return newest;
  }

  @Override
  public void close() throws Exception {
    stop(prometheus);
    stop(alertmanager);
    if (webhook != null) {
      webhook.close();
    }
    try (Stream<Path> files = Files.walk(work)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
