package io.featurejob.operator.alerts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.sun.net.httpserver.HttpServer;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.featurejob.operator.api.FailureClass;
import io.featurejob.operator.api.FeatureJob;
import io.featurejob.operator.api.FeatureJobStatus;
import io.featurejob.operator.api.HistoryEntry;
import io.featurejob.operator.api.Importance;
import io.featurejob.operator.api.Outcome;
import io.featurejob.operator.api.Phase;
import io.featurejob.operator.demo.DriverBehaviour;
import io.featurejob.operator.demo.DriverScript;
import io.featurejob.operator.demo.Stories;
import io.featurejob.operator.testing.Ports;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
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
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The paging path for real: the operator (embedded API server, simulated kubelet) is scraped by
 * Debian's Prometheus, which evaluates deploy/prometheus/featurejob-alerts.rules.yaml and sends to
 * Debian's Alertmanager, which delivers to a webhook this test runs. All on 127.0.0.1, short
 * intervals (scrape and evaluation 1 s, group_wait 1 s), temp dirs, processes stopped by PID.
 *
 * <p>{@value #PARKED} fails with PermissionDenied until it reaches the cap (N=2, cap=3), pages, and
 * resolves after the fix and an unblock. {@value #FLAKY} loses two runs to missing spot capacity
 * (N=3) and recovers: nobody hears of it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AlertsEndToEndTest {
  static final String PARKED = "trip-features";
  static final String FLAKY = "eta-features";
  static final Duration WAIT = Duration.ofSeconds(90);
  /** docs/design.md §5, from the field: classifies as CapacityUnavailable (transient). */
  static final String NO_SPOT_CAPACITY = "AWS_INSUFFICIENT_INSTANCE_CAPACITY_FAILURE(CLIENT_ERROR): "
      + "aws_api_error_code:InsufficientInstanceCapacity, aws_error_message:There is no Spot capacity available "
      + "that matches your request.";
  static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private final HttpClient http = HttpClient.newHttpClient();
  private final AtomicBoolean permissionRestored = new AtomicBoolean(false);
  private final AtomicReference<Instant> capReachedAt = new AtomicReference<>();
  private Path work;
  private Webhook webhook;
  private OperatorHarness operator;
  private Watch watch;
  private Process prometheus;
  private Process alertmanager;
  private int prometheusPort;

  @BeforeAll
  void startEverything() throws Exception {
    Path prometheusBin = Tools.require("prometheus");
    Path alertmanagerBin = Tools.require("prometheus-alertmanager", "alertmanager");
    work = Files.createTempDirectory("featurejob-alerts-e2e");
    webhook = Webhook.start();
    operator = OperatorHarness.start();

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
        """.formatted(Tools.RULES, alertmanagerPort, operator.metricsPort()));
    prometheus = launch("prometheus", List.of(prometheusBin.toString(),
        "--config.file=" + work.resolve("prometheus.yml"),
        "--storage.tsdb.path=" + Files.createDirectories(work.resolve("prometheus-data")),
        "--web.listen-address=127.0.0.1:" + prometheusPort,
        "--rules.alert.resend-delay=1s"));

    awaitHttp200("http://127.0.0.1:" + alertmanagerPort + "/-/ready");
    awaitHttp200("http://127.0.0.1:" + prometheusPort + "/-/ready");
    awaitQuery("up{job=\"featurejob-operator\"} == 1", r -> r.size() == 1, "the operator target is up");
    awaitQuery("count(ALERTS)", r -> true, "rules evaluate"); // the rule manager has started

    watch = operator.client.resources(FeatureJob.class).inNamespace(OperatorHarness.NAMESPACE).watch(new Watcher<>() {
      @Override
      public void eventReceived(Action action, FeatureJob job) {
        if (PARKED.equals(job.getMetadata().getName()) && job.getStatus() != null
            && job.getStatus().phase == Phase.PermanentlyFailed) {
          capReachedAt.compareAndSet(null, Instant.now());
        }
      }

      @Override
      public void onClose(WatcherException cause) {}
    });

    operator.create(OperatorHarness.job(PARKED, "trips_hourly", Importance.High, "mobility", 2, 3),
        (driver, cluster) -> permissionRestored.get()
            ? DriverBehaviour.succeedAfter(Duration.ofMillis(300))
            : DriverBehaviour.failAfter(Duration.ofMillis(300), 1, Stories.PERMISSION_DENIED));
    operator.create(OperatorHarness.job(FLAKY, "eta_15m", Importance.Critical, "routing", 3, 10),
        DriverScript.sequence(DriverBehaviour.failAfter(Duration.ofMillis(300), 1, NO_SPOT_CAPACITY),
            DriverBehaviour.failAfter(Duration.ofMillis(300), 1, NO_SPOT_CAPACITY),
            DriverBehaviour.succeedAfter(Duration.ofMillis(300))));
  }

  @AfterAll
  void stopEverything() throws Exception {
    if (watch != null) {
      watch.close();
    }
    stop(prometheus);
    stop(alertmanager);
    if (operator != null) {
      operator.close();
    }
    if (webhook != null) {
      webhook.close();
    }
    if (work != null) {
      try (Stream<Path> files = Files.walk(work)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  @Test
  @Order(1)
  void theCapPagesThroughAlertmanagerAndAnUnblockWithASuccessResolvesIt() throws Exception {
    operator.awaitStatus(PARKED, s -> s.phase == Phase.PermanentlyFailed, WAIT);
    Instant cap = capReachedAt.get();
    assertTrue(cap != null, "the watch saw the PermanentlyFailed status");

    Webhook.Received page = webhook.await(alert("firing", "FeatureJobPermanentlyFailed", PARKED), WAIT, this::logs);
    JsonNode alert = find(page.body(), alertOnly("firing", "FeatureJobPermanentlyFailed", PARKED)).orElseThrow();
    Instant activeAt = Instant.parse(alert.get("startsAt").asText());
    System.out.printf("%n== page received by the webhook (%s)%n%s%n", page.at(), JSON.writeValueAsString(page.body()));
    System.out.printf("== cap reached (status PermanentlyFailed seen by a watch) at %s%n"
            + "   alert active in Prometheus (startsAt)          at %s  (+%d ms: scrape + rule evaluation)%n"
            + "   page delivered to the webhook                  at %s  (+%d ms)%n"
            + "   cap -> page: %d ms%n",
        cap, activeAt, Duration.between(cap, activeAt).toMillis(), page.at(),
        Duration.between(activeAt, page.at()).toMillis(), Duration.between(cap, page.at()).toMillis());

    assertEquals("firing", page.body().get("status").asText());
    JsonNode labels = alert.get("labels");
    assertEquals("FeatureJobPermanentlyFailed", labels.get("alertname").asText());
    assertEquals("page", labels.get("severity").asText());
    assertEquals(OperatorHarness.NAMESPACE, labels.get("namespace").asText());
    assertEquals(PARKED, labels.get("featurejob").asText());
    assertEquals("PermissionDenied", labels.get("failure_class").asText());
    assertEquals("trips_hourly", labels.get("feature_view").asText());
    assertEquals("High", labels.get("importance").asText());
    assertEquals("mobility", labels.get("team").asText());
    assertEquals("ana", labels.get("owner").asText());
    JsonNode annotations = alert.get("annotations");
    assertTrue(annotations.get("summary").asText().contains("ml/trip-features (feature view trips_hourly)")
        && annotations.get("summary").asText().contains("PermissionDenied"), annotations.toString());
    String runbook = annotations.get("runbook").asText();
    assertTrue(runbook.contains(
        "kubectl annotate fj trip-features -n ml featurejob.io/unblock=\"$(date +%s)\" --overwrite"), runbook);
    assertTrue(runbook.contains(
        "kubectl get fj trip-features -n ml -o jsonpath='{.status.lastFailure.message}'"), runbook);
    assertTrue(Duration.between(cap, page.at()).compareTo(Duration.ofSeconds(30)) < 0,
        "cap -> page took " + Duration.between(cap, page.at()));

    // The owner restores the permission and unblocks; the run succeeds; the page resolves.
    permissionRestored.set(true);
    operator.unblock(PARKED, String.valueOf(Instant.now().getEpochSecond()));
    operator.awaitStatus(PARKED, s -> s.lastSuccessTime != null && s.phase == Phase.Idle, WAIT);
    Webhook.Received resolved = webhook.await(alert("resolved", "FeatureJobPermanentlyFailed", PARKED), WAIT, this::logs);
    System.out.printf("== resolved notification (%s): %s%n", resolved.at(), JSON.writeValueAsString(resolved.body()));
    assertTrue(resolved.at().isAfter(page.at()));
    // The warning resolves too. Alertmanager inhibited it while the page fired, and it sends
    // "resolved" only for an alert it had notified as firing: when the cap came within the warning's
    // scrape + evaluation + group_wait (seen on a loaded machine), it was inhibited from the start.
    awaitQuery("ALERTS{alertname=\"FeatureJobFailing\",featurejob=\"" + PARKED + "\"}", r -> r.isEmpty(),
        "the warning is no longer active in Prometheus");
    if (webhook.hasReceived(alert("firing", "FeatureJobFailing", PARKED))) {
      webhook.await(alert("resolved", "FeatureJobFailing", PARKED), WAIT, this::logs);
    }
  }

  @Test
  @Order(2)
  void transientFailuresThatRecoverBeforeNPageNobody() throws Exception {
    FeatureJobStatus status = operator.awaitStatus(FLAKY, s -> s.lastSuccessTime != null, WAIT);
    assertEquals(0, status.consecutiveFailures);
    List<HistoryEntry> failed = status.history.stream().filter(h -> h.outcome == Outcome.Failed).toList();
    assertEquals(2, failed.size(), "two lost runs before the success");
    failed.forEach(h -> assertEquals(FailureClass.CapacityUnavailable, h.failureClass));

    // Prometheus did see the failures, so the silence below is not vacuous.
    JsonNode seen = awaitQuery("max_over_time(featurejob_consecutive_failures{featurejob=\"" + FLAKY + "\"}[10m]) >= 1",
        r -> r.size() == 1, "Prometheus scraped the flaky job's failures");
    System.out.println("== " + FLAKY + ": max consecutive failures seen by Prometheus: " + seen.get(0).at("/value/1").asText());

    // Absence over a window of evaluations, not after a fixed sleep: Prometheus must evaluate the rules
    // several times on data scraped after the recovery, and no evaluation may show an alert for FLAKY.
    Instant recoveredAt = Instant.now();
    int evaluations = awaitRuleEvaluationsAfter(recoveredAt.plusSeconds(2), 5,
        () -> assertTrue(query("ALERTS{featurejob=\"" + FLAKY + "\"}").isEmpty(),
            "no alert is pending or firing for " + FLAKY));
    System.out.println("== " + FLAKY + ": no alert over " + evaluations + " rule evaluations after the recovery");
    assertTrue(query("count_over_time(ALERTS{featurejob=\"" + FLAKY + "\"}[10m])").isEmpty(),
        "no alert was ever pending or firing for " + FLAKY);
    List<Webhook.Received> aboutFlaky = webhook.all().stream()
        .filter(r -> r.body().toString().contains("\"featurejob\":\"" + FLAKY + "\"")).toList();
    assertEquals(List.of(), aboutFlaky, "no notification about " + FLAKY);
  }

  /** The dashboard's queries are valid PromQL for this Prometheus and find the operator's data. */
  @Test
  @Order(3)
  void everyDashboardQueryRunsOnPrometheus() throws Exception {
    List<String> expressions = DashboardTest.expressions(DashboardTest.dashboard());
    int withData = 0;
    for (String expr : expressions) {
      String concrete = expr.replace("$namespace", ".*").replace("$team", ".*")
          .replace("$__rate_interval", "1m").replace("$__range", "5m");
      if (concrete.startsWith("label_values(")) {
        continue; // a Grafana function, not PromQL
      }
      JsonNode result = query(concrete);
      withData += result.isEmpty() ? 0 : 1;
    }
    assertTrue(withData >= expressions.size() / 2, withData + " of " + expressions.size() + " queries returned data");
    assertTrue(!query("sum by (outcome) (increase(featurejob_runs_total[1m]))").isEmpty());
  }

  // ------------------------------------------------------------------ helpers

  static Predicate<JsonNode> alert(String status, String alertname, String featurejob) {
    return body -> find(body, alertOnly(status, alertname, featurejob)).isPresent();
  }

  private static Predicate<JsonNode> alertOnly(String status, String alertname, String featurejob) {
    return a -> status.equals(a.path("status").asText())
        && alertname.equals(a.at("/labels/alertname").asText())
        && featurejob.equals(a.at("/labels/featurejob").asText());
  }

  static Optional<JsonNode> find(JsonNode body, Predicate<JsonNode> which) {
    for (JsonNode a : body.path("alerts")) {
      if (which.test(a)) {
        return Optional.of(a);
      }
    }
    return Optional.empty();
  }

  private static String alertmanagerConfig(String webhookUrl) throws IOException {
    // The example's inhibit rules, so the test exercises them; everything goes to the webhook.
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

  private String logs() {
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

  private void awaitHttp200(String url) throws Exception {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
    while (Instant.now().isBefore(deadline)) {
      try {
        if (http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.discarding())
            .statusCode() == 200) {
          return;
        }
      } catch (IOException notYet) {
        // starting
      }
      assertTrue(prometheus == null || prometheus.isAlive(), "prometheus exited" + logs());
      assertTrue(alertmanager.isAlive(), "alertmanager exited" + logs());
      Thread.sleep(200);
    }
    throw new AssertionError(url + " not ready within 60 s" + logs());
  }

  /** Instant query; the {@code data.result} array. Fails on a query error. */
  private JsonNode query(String promql) throws Exception {
    String url = "http://127.0.0.1:" + prometheusPort + "/api/v1/query?query="
        + URLEncoder.encode(promql, StandardCharsets.UTF_8);
    HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url)).build(),
        HttpResponse.BodyHandlers.ofString());
    JsonNode body = JSON.readTree(response.body());
    assertEquals("success", body.path("status").asText(), promql + " -> " + response.body());
    return body.at("/data/result");
  }

  private JsonNode awaitQuery(String promql, Predicate<JsonNode> done, String what) throws Exception {
    Instant deadline = Instant.now().plus(WAIT);
    JsonNode last = null;
    while (Instant.now().isBefore(deadline)) {
      last = query(promql);
      if (done.test(last)) {
        return last;
      }
      Thread.sleep(250);
    }
    throw new AssertionError(what + ": " + promql + " -> " + last + logs());
  }

  /** A check run once per rule evaluation. */
  @FunctionalInterface
  interface Check {
    void run() throws Exception;
  }

  /**
   * Runs {@code check} after each new evaluation of Prometheus' rule groups that started after
   * {@code after}, until {@code count} such evaluations were seen; returns how many were checked.
   * Evaluation times come from Prometheus' own /api/v1/rules, so a loaded machine only makes this
   * take longer, never pass vacuously.
   */
  private int awaitRuleEvaluationsAfter(Instant after, int count, Check check) throws Exception {
    Instant deadline = Instant.now().plus(WAIT);
    java.util.Set<Instant> seen = new java.util.HashSet<>();
    while (Instant.now().isBefore(deadline)) {
      HttpResponse<String> response = http.send(HttpRequest.newBuilder(
          URI.create("http://127.0.0.1:" + prometheusPort + "/api/v1/rules")).build(),
          HttpResponse.BodyHandlers.ofString());
      Instant newest = null;
      for (JsonNode group : JSON.readTree(response.body()).at("/data/groups")) {
        Instant evaluated = java.time.OffsetDateTime.parse(group.path("lastEvaluation").asText("1970-01-01T00:00:00Z")).toInstant();
        newest = newest == null || evaluated.isAfter(newest) ? evaluated : newest;
      }
      if (newest != null && newest.isAfter(after) && seen.add(newest)) {
        check.run();
        if (seen.size() >= count) {
          return seen.size();
        }
      }
      Thread.sleep(250);
    }
    throw new AssertionError("only " + seen.size() + " rule evaluations after " + after + " within " + WAIT + logs());
  }

  /** Alertmanager's webhook receiver: records every notification with its arrival time. */
  static final class Webhook implements AutoCloseable {
    record Received(Instant at, JsonNode body) {}

    private final HttpServer server;
    private final List<Received> received = new CopyOnWriteArrayList<>();

    private Webhook(HttpServer server) {
      this.server = server;
    }

    static Webhook start() throws IOException {
      HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 0);
      Webhook webhook = new Webhook(server);
      server.createContext("/alerts", exchange -> {
        try (exchange) {
          byte[] body = exchange.getRequestBody().readAllBytes();
          webhook.received.add(new Received(Instant.now(), JSON.readTree(body)));
          exchange.sendResponseHeaders(200, -1);
        }
      });
      server.start();
      return webhook;
    }

    String url() {
      return "http://127.0.0.1:" + server.getAddress().getPort() + "/alerts";
    }

    List<Received> all() {
      return new ArrayList<>(received);
    }

    boolean hasReceived(Predicate<JsonNode> which) {
      return received.stream().anyMatch(r -> which.test(r.body()));
    }

    Received await(Predicate<JsonNode> which, Duration timeout, java.util.function.Supplier<String> context)
        throws InterruptedException {
      Instant deadline = Instant.now().plus(timeout);
      while (Instant.now().isBefore(deadline)) {
        for (Received r : received) {
          if (which.test(r.body())) {
            return r;
          }
        }
        Thread.sleep(20);
      }
      throw new AssertionError("no such notification within " + timeout + "; received: "
          + received.stream().map(r -> r.body().toString()).toList() + context.get());
    }

    @Override
    public void close() {
      server.stop(0);
    }
  }
}
