package io.featurejob.operator.testing;

import com.sun.net.httpserver.HttpServer;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.http.BasicBuilder;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.Interceptor;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

/**
 * Injects API server errors into one client's requests: a request that matches an armed fault is sent
 * to a local server that answers with the fault's status and body instead of the API server. Client-side
 * retries are off, so one armed fault is exactly one failed request.
 */
public final class ApiFaults implements AutoCloseable {
  /** Answers the next {@code times} requests of {@code method} to a path matching {@code path}. */
  public record Fault(String method, Pattern path, int code, String contentType, String body,
      AtomicInteger remaining) {}

  /**
   * kube-apiserver's 429 from API priority and fairness: Go's http.Error with this text, as text/plain
   * (k8s.io/apiserver v0.36.3 pkg/server/filters/priority-and-fairness.go, tooManyRequests).
   */
  public static final String TOO_MANY_REQUESTS = "Too many requests, please try again later.\n";
  /**
   * An etcd error as the API server reports it: apimachinery's NewInternalError (k8s.io/apimachinery v0.36.3
   * pkg/api/errors/errors.go) around etcd's ErrLeaderChanged (go.etcd.io/etcd/server/v3 v3.6.16
   * etcdserver/errors/errors.go).
   */
  public static final String LEADER_CHANGED = "Internal error occurred: etcdserver: leader changed";

  private final HttpServer server;
  private final List<Fault> faults = new CopyOnWriteArrayList<>();
  private final AtomicInteger injected = new AtomicInteger();

  public ApiFaults() {
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.createContext("/", exchange -> {
      String fault = exchange.getRequestURI().getPath().substring(1);
      Fault f = faults.get(Integer.parseInt(fault));
      byte[] body = f.body().getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().add("Content-Type", f.contentType());
      exchange.sendResponseHeaders(f.code(), body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    });
    server.start();
  }

  /**
   * Arms a fault answering {@code times} matching requests with a Kubernetes Status of {@code code},
   * {@code reason} and {@code message}.
   */
  public void fail(String method, String pathRegex, int times, int code, String reason, String message) {
    String status = "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\",\"message\":"
        + json(message) + ",\"reason\":" + json(reason) + ",\"code\":" + code + "}";
    faults.add(new Fault(method, Pattern.compile(pathRegex), code, "application/json", status,
        new AtomicInteger(times)));
  }

  /** Arms a fault answering {@code times} matching requests with {@code code} and a plain-text body. */
  public void failPlain(String method, String pathRegex, int times, int code, String text) {
    faults.add(new Fault(method, Pattern.compile(pathRegex), code, "text/plain; charset=utf-8", text,
        new AtomicInteger(times)));
  }

  /** How many requests were answered with a fault so far. */
  public int injected() {
    return injected.get();
  }

  /** A client for {@code config} whose requests pass through the armed faults. */
  public KubernetesClient client(Config config) {
    Config noRetries = new ConfigBuilder(config).withRequestRetryBackoffLimit(0).build();
    return new KubernetesClientBuilder().withConfig(noRetries)
        .withHttpClientBuilderConsumer(b -> b.addOrReplaceInterceptor("api-faults", new Redirect()))
        .build();
  }

  private final class Redirect implements Interceptor {
    @Override
    public void before(BasicBuilder builder, HttpRequest request, RequestTags tags) {
      for (int i = 0; i < faults.size(); i++) {
        Fault f = faults.get(i);
        if (f.method().equals(request.method()) && f.path().matcher(request.uri().getPath()).matches()
            && f.remaining().getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
          injected.incrementAndGet();
          builder.uri(URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/" + i));
          return;
        }
      }
    }
  }

  private static String json(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
