package io.featurejob.operator.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operator's HTTP endpoints: {@code GET /metrics} (Prometheus text), {@code /healthz} (liveness:
 * 200 while the process serves) and {@code /readyz} (200 when {@code ready} says so, else 503).
 * Built on the JDK's HTTP server: no extra dependency, and it is enough for a scrape every few seconds.
 * The metrics text is streamed to the response as it is written: with thousands of jobs it is tens of
 * megabytes, which must never be held as one String (let alone its UTF-8 copy).
 */
public final class MetricsServer implements AutoCloseable {
  /** Writes the Prometheus text to {@code out}, e.g. {@code metrics::scrape}. */
  @FunctionalInterface
  public interface Exposition {
    void writeTo(OutputStream out) throws IOException;
  }

  // A scrape up to this size is answered with a Content-Length (and still as a 500 if it fails);
  // beyond it the response is sent chunked as it is written.
  static final int BUFFERED_BYTES = 64 * 1024;

  /** Prometheus text exposition format 0.0.4, what Micrometer's {@code scrape()} writes. */
  public static final String METRICS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
  private static final String TEXT = "text/plain; charset=utf-8";
  private static final Logger LOG = LoggerFactory.getLogger(MetricsServer.class);

  private final String bindAddress;
  private final int requestedPort;
  private final Exposition scrape;
  private final BooleanSupplier ready;
  private final MetricsAuth auth;
  private HttpServer server;
  private ExecutorService executor;

  /**
   * @param port 0 = any free port (tests); see {@link #port()}
   * @param scrape writes the metrics text, e.g. {@code metrics::scrape}
   * @param ready e.g. "the operator has started and its informers are synced"
   */
  public MetricsServer(String bindAddress, int port, Exposition scrape, BooleanSupplier ready) {
    this(bindAddress, port, scrape, ready, MetricsAuth.OPEN);
  }

  /** @param auth who may read /metrics (the probes stay open: the kubelet sends no token) */
  public MetricsServer(String bindAddress, int port, Exposition scrape, BooleanSupplier ready, MetricsAuth auth) {
    this.bindAddress = Objects.requireNonNull(bindAddress, "bindAddress");
    this.requestedPort = port;
    this.scrape = Objects.requireNonNull(scrape, "scrape");
    this.ready = Objects.requireNonNull(ready, "ready");
    this.auth = Objects.requireNonNull(auth, "auth");
  }

  public synchronized void start() throws IOException {
    if (server != null) {
      throw new IllegalStateException("already started");
    }
    HttpServer http = HttpServer.create(new InetSocketAddress(bindAddress, requestedPort), 0);
    http.createContext("/", this::handle);
    // Two threads: a slow scrape must not delay a liveness probe.
    executor = Executors.newFixedThreadPool(2, r -> {
      Thread t = new Thread(r, "featurejob-http");
      t.setDaemon(true);
      return t;
    });
    http.setExecutor(executor);
    http.start();
    server = http;
    LOG.info("Serving /metrics, /healthz, /readyz on {}:{}", bindAddress, port());
  }

  /** The bound port (the real one when 0 was requested). */
  public synchronized int port() {
    if (server == null) {
      throw new IllegalStateException("not started");
    }
    return server.getAddress().getPort();
  }

  public synchronized void stop() {
    if (server != null) {
      server.stop(0);
      executor.shutdownNow();
      server = null;
      executor = null;
    }
  }

  @Override
  public void close() {
    stop();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try {
      dispatch(exchange);
    } catch (CutOff e) {
      // The 200 and part of the text are out: end the connection without the last chunk, so the scraper
      // sees a failed scrape rather than a short one (the JDK server closes it on a handler's exception).
      LOG.warn("Scrape failed after the response began", e.getCause());
      throw e;
    } catch (IOException | RuntimeException e) {
      exchange.close();
      throw e;
    }
    exchange.close();
  }

  private void dispatch(HttpExchange exchange) throws IOException {
    String method = exchange.getRequestMethod();
    if (!method.equals("GET") && !method.equals("HEAD")) {
      exchange.getResponseHeaders().set("Allow", "GET, HEAD");
      respond(exchange, 405, TEXT, "method not allowed\n");
      return;
    }
    switch (exchange.getRequestURI().getPath()) {
      case "/metrics" -> respondWithMetrics(exchange);
      case "/healthz" -> respond(exchange, 200, TEXT, "ok\n");
      case "/readyz" -> {
        if (ready.getAsBoolean()) {
          respond(exchange, 200, TEXT, "ok\n");
        } else {
          respond(exchange, 503, TEXT, "not ready\n");
        }
      }
      default -> respond(exchange, 404, TEXT, "not found\n");
    }
  }

  private void respondWithMetrics(HttpExchange exchange) throws IOException {
    MetricsAuth.Verdict verdict = auth.check(exchange.getRequestHeaders().getFirst("Authorization"));
    if (!verdict.allowed()) {
      if (verdict.status() == 401) {
        exchange.getResponseHeaders().set("WWW-Authenticate", "Bearer");
      }
      respond(exchange, verdict.status(), TEXT, verdict.message());
      return;
    }
    if (exchange.getRequestMethod().equals("HEAD")) {
      exchange.getResponseHeaders().set("Content-Type", METRICS_CONTENT_TYPE);
      exchange.sendResponseHeaders(200, -1);
      return;
    }
    Body body = new Body(exchange);
    try {
      scrape.writeTo(body);
      body.finish();
    } catch (IOException | RuntimeException e) {
      if (body.committed()) {
        throw new CutOff(e);
      }
      LOG.warn("Scrape failed", e);
      respond(exchange, 500, TEXT, "scrape failed\n");
    }
  }

  /** A scrape failed after its response began. */
  private static final class CutOff extends IOException {
    CutOff(Throwable cause) {
      super(cause);
    }
  }

  /**
   * The 200 response's body: buffers the first {@link #BUFFERED_BYTES}, so a small scrape gets a
   * Content-Length and a failing one a 500; then commits the headers and streams (chunked).
   */
  private static final class Body extends OutputStream {
    private final HttpExchange exchange;
    private final byte[] buffer = new byte[BUFFERED_BYTES];
    private int buffered;
    private OutputStream out; // set once the headers are sent

    Body(HttpExchange exchange) {
      this.exchange = exchange;
    }

    boolean committed() {
      return out != null;
    }

    @Override
    public void write(int b) throws IOException {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
      if (out == null && buffered + length <= buffer.length) {
        System.arraycopy(bytes, offset, buffer, buffered, length);
        buffered += length;
        return;
      }
      if (out == null) {
        exchange.getResponseHeaders().set("Content-Type", METRICS_CONTENT_TYPE);
        exchange.sendResponseHeaders(200, 0); // 0: chunked
        out = new BufferedOutputStream(exchange.getResponseBody(), BUFFERED_BYTES);
        out.write(buffer, 0, buffered);
      }
      out.write(bytes, offset, length);
    }

    /** Ends the response; the close is the exchange's (it writes the last chunk). */
    void finish() throws IOException {
      if (out == null) {
        exchange.getResponseHeaders().set("Content-Type", METRICS_CONTENT_TYPE);
        exchange.sendResponseHeaders(200, buffered == 0 ? -1 : buffered);
        out = exchange.getResponseBody();
        out.write(buffer, 0, buffered);
      }
      out.flush();
    }
  }

  private static void respond(HttpExchange exchange, int status, String contentType, String body)
      throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", contentType);
    boolean head = exchange.getRequestMethod().equals("HEAD");
    exchange.sendResponseHeaders(status, head ? -1 : bytes.length);
    if (!head) {
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    }
  }
}
