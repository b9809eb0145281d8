package io.featurejob.operator.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.featurejob.operator.api.Outcome;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MetricsServerTest {
  final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  final FeatureJobMetrics metrics = new FeatureJobMetrics(List.of("team"));
  final AtomicBoolean ready = new AtomicBoolean(false);
  MetricsServer server;

  @BeforeEach
  void start() throws IOException {
    server = new MetricsServer("127.0.0.1", 0, metrics::scrape, ready::get);
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop();
  }

  HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return send(HttpRequest.newBuilder(uri(path)).GET());
  }

  HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
    return http.send(request.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
  }

  URI uri(String path) {
    return URI.create("http://127.0.0.1:" + server.port() + path);
  }

  @Test
  void servesPrometheusText() throws Exception {
    metrics.recordRunFinished("ml", "trips", Outcome.Succeeded, null, Duration.ofMinutes(2), Map.of());
    HttpResponse<String> response = get("/metrics");
    assertEquals(200, response.statusCode());
    assertEquals("text/plain; version=0.0.4; charset=utf-8",
        response.headers().firstValue("Content-Type").orElseThrow());
    assertTrue(response.body().contains(
        "featurejob_runs_total{failure_class=\"none\",featurejob=\"trips\",namespace=\"ml\",outcome=\"Succeeded\"} 1"),
        response.body());
  }

  @Test
  void readinessFollowsTheSupplier() throws Exception {
    assertEquals(503, get("/readyz").statusCode());
    ready.set(true);
    HttpResponse<String> response = get("/readyz");
    assertEquals(200, response.statusCode());
    assertEquals("ok\n", response.body());
  }

  @ParameterizedTest(name = "{0} {1} -> {2}")
  @CsvSource({
      "GET, /healthz, 200",
      "HEAD, /healthz, 200",
      "HEAD, /metrics, 200",
      "GET, /nope, 404",
      "GET, /metricsfoo, 404",
      "POST, /metrics, 405",
  })
  void routes(String method, String path, int status) throws Exception {
    HttpResponse<String> response =
        send(HttpRequest.newBuilder(uri(path)).method(method, HttpRequest.BodyPublishers.noBody()));
    assertEquals(status, response.statusCode());
    if (status == 200 && method.equals("GET")) {
      assertEquals("ok\n", response.body());
    }
  }

  @Test
  void failingScrapeIs500NotAHang() throws Exception {
    MetricsServer broken = new MetricsServer("127.0.0.1", 0, out -> {
      throw new IllegalStateException("boom");
    }, () -> true);
    broken.start();
    try {
      HttpResponse<String> response = http.send(HttpRequest.newBuilder(
          URI.create("http://127.0.0.1:" + broken.port() + "/metrics")).timeout(Duration.ofSeconds(10)).build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(500, response.statusCode());
    } finally {
      broken.stop();
    }
  }

  @Test
  void largeScrapeIsStreamedWhole() throws Exception {
    for (int i = 0; i < 2000; i++) {
      metrics.recordRunFinished("ml", "job-" + i, Outcome.Failed, null, null, Map.of());
    }
    String expected = metrics.scrape();
    assertTrue(expected.length() > 2 * MetricsServer.BUFFERED_BYTES, "a scrape bigger than the buffer");
    HttpResponse<String> response = get("/metrics");
    assertEquals(200, response.statusCode());
    assertTrue(response.headers().firstValue("Content-Length").isEmpty(), "streamed (chunked), not sized up front");
    assertEquals(expected, response.body());
    // A small one still carries its length.
    assertTrue(get("/healthz").headers().firstValue("Content-Length").isPresent());
  }

  @Test
  void scrapeFailingMidStreamIsNotAShortSuccess() throws Exception {
    byte[] line = "featurejob_alerting{featurejob=\"x\",namespace=\"ml\"} 0\n".getBytes(StandardCharsets.UTF_8);
    MetricsServer broken = new MetricsServer("127.0.0.1", 0, out -> {
      for (int written = 0; written < 2 * MetricsServer.BUFFERED_BYTES; written += line.length) {
        out.write(line);
      }
      throw new IllegalStateException("boom");
    }, () -> true);
    broken.start();
    try {
      HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + broken.port() + "/metrics"))
          .timeout(Duration.ofSeconds(10)).build();
      assertThrows(IOException.class, () -> http.send(request, HttpResponse.BodyHandlers.ofString()));
    } finally {
      broken.stop();
    }
  }

  @Test
  void stopClosesThePort() throws Exception {
    URI healthz = uri("/healthz");
    assertEquals(200, get("/healthz").statusCode());
    server.stop();
    assertThrows(ConnectException.class, () -> http.send(
        HttpRequest.newBuilder(healthz).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString()));
  }
}
