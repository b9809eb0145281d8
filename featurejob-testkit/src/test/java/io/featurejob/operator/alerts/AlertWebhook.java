package io.featurejob.operator.alerts;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/** Alertmanager's webhook receiver on 127.0.0.1: records every notification with its arrival time. */
public final class AlertWebhook implements AutoCloseable {
  /** One notification as Alertmanager posted it. */
  public record Received(Instant at, JsonNode body) {}

  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpServer server;
  private final List<Received> received = new CopyOnWriteArrayList<>();

  private AlertWebhook(HttpServer server) {
    this.server = server;
  }

  static AlertWebhook start() throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 0);
    AlertWebhook webhook = new AlertWebhook(server);
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

  public List<Received> all() {
    return new ArrayList<>(received);
  }

  public boolean hasReceived(Predicate<JsonNode> which) {
    return received.stream().anyMatch(r -> which.test(r.body()));
  }

  /** The first notification {@code which} accepts; fails after {@code timeout} showing what came and {@code context}. */
  public Received await(Predicate<JsonNode> which, Duration timeout, Supplier<String> context) {
    try {
      return Awaitility.await("a notification").atMost(timeout).pollInterval(Duration.ofMillis(20))
          .until(() -> received.stream().filter(r -> which.test(r.body())).findFirst(), Optional::isPresent).get();
    } catch (ConditionTimeoutException e) {
      throw new AssertionError("no such notification within " + timeout + "; received: "
          + received.stream().map(r -> r.body().toString()).toList() + context.get(), e);
    }
  }

  /** A notification holding an alert with this status, alertname and featurejob label. */
  public static Predicate<JsonNode> alert(String status, String alertname, String featurejob) {
    return body -> find(body, alertOnly(status, alertname, featurejob)).isPresent();
  }

  /** One alert (an element of a notification's {@code alerts}) with this status, alertname and featurejob label. */
  public static Predicate<JsonNode> alertOnly(String status, String alertname, String featurejob) {
    return a -> status.equals(a.path("status").asText())
        && alertname.equals(a.at("/labels/alertname").asText())
        && featurejob.equals(a.at("/labels/featurejob").asText());
  }

  public static Optional<JsonNode> find(JsonNode body, Predicate<JsonNode> which) {
    for (JsonNode a : body.path("alerts")) {
      if (which.test(a)) {
        return Optional.of(a);
      }
    }
    return Optional.empty();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
