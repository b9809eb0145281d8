package io.featurejob.operator.cluster;

import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.client.Config;
import io.featurejob.operator.Main;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The operator as its own process ({@code Main run}, as the image runs it, with the test's classpath), so a
 * test can do to it what a node does to a container: SIGSTOP, SIGCONT, SIGKILL. It authenticates as the
 * chart's ServiceAccount and sends {@code name} as its User-Agent, which the API server records as the
 * field manager of every object it writes: who wrote last, and when, is in the API server's own records.
 */
final class OperatorProcess implements AutoCloseable {
  final String name;
  final Path log;
  private final Process process;
  private final int metricsPort;

  private OperatorProcess(String name, Path log, Process process, int metricsPort) {
    this.name = name;
    this.log = log;
    this.process = process;
    this.metricsPort = metricsPort;
  }

  /**
   * Starts {@code Main run} watching the harness' namespace with the FEATUREJOB_* {@code settings} on top;
   * logs to {@code work/name.log}.
   */
  static OperatorProcess start(String name, ClusterHarness h, Map<String, String> settings, Path work) {
    try {
      int metricsPort;
      try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
        metricsPort = free.getLocalPort();
      }
      Files.createDirectories(work);
      Path kubeconfig = work.resolve(name + ".kubeconfig");
      Files.writeString(kubeconfig, kubeconfig(h.admin.getConfiguration(),
          ClusterHarness.token(h.admin, ClusterHarness.OPERATOR_NAMESPACE, ClusterHarness.OPERATOR_SERVICE_ACCOUNT)));
      Path log = work.resolve(name + ".log");
      String java = ProcessHandle.current().info().command().orElse("java");
      List<String> command = new ArrayList<>(List.of(java, "-Xmx256m", "-XX:TieredStopAtLevel=1",
          "-cp", System.getProperty("java.class.path"), Main.class.getName(), "run"));
      ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
      Map<String, String> env = builder.environment();
      env.keySet().removeIf(k -> k.startsWith("FEATUREJOB_"));
      env.put("KUBECONFIG", kubeconfig.toString());
      env.put("KUBERNETES_USER_AGENT", name); // the field manager of what it writes
      env.put("HOSTNAME", name); // the start of its leader-election identity
      env.put("FEATUREJOB_METRICS_BIND_ADDRESS", "127.0.0.1");
      env.put("FEATUREJOB_METRICS_PORT", Integer.toString(metricsPort));
      env.put("FEATUREJOB_WATCH_NAMESPACES", h.namespace);
      env.putAll(settings);
      return new OperatorProcess(name, log, builder.start(), metricsPort);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String kubeconfig(Config admin, String token) {
    String ca = admin.getCaCertFile() != null
        ? "certificate-authority: " + admin.getCaCertFile()
        : "certificate-authority-data: " + admin.getCaCertData();
    return """
        apiVersion: v1
        kind: Config
        clusters: [{name: c, cluster: {server: "%s", %s}}]
        users: [{name: u, user: {token: "%s"}}]
        contexts: [{name: c, context: {cluster: c, user: u}}]
        current-context: c
        """.formatted(admin.getMasterUrl(), ca, token);
  }

  /**
   * Waits until /readyz answers 200 (every informer synced): the operator reconciles from here on. False when
   * the process exited first (e.g. JOSDK gave up on an informer's first list on a starved API server: the
   * operator exits for Kubernetes to restart it); an operator alive but not ready after the timeout fails.
   */
  boolean awaitReady() {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    HttpRequest readyz = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + metricsPort + "/readyz"))
        .timeout(Duration.ofSeconds(5)).build();
    await(name + " /readyz").atMost(Duration.ofMinutes(4)).pollInterval(ClusterHarness.POLL)
        .until(() -> !process.isAlive() || ready(http, readyz));
    return process.isAlive();
  }

  private static boolean ready(HttpClient http, HttpRequest readyz) throws InterruptedException {
    try {
      return http.send(readyz, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
    } catch (IOException e) {
      return false; // not listening yet
    }
  }

  /** The text of its /metrics. */
  String metrics() throws IOException, InterruptedException {
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + metricsPort + "/metrics"))
        .timeout(Duration.ofSeconds(10)).build();
    return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString()).body();
  }

  long pid() {
    return process.pid();
  }

  boolean alive() {
    return process.isAlive();
  }

  /** SIGSTOP: every thread frozen mid-step, sockets open, as a node under memory pressure or a VM pause does. */
  void pause() {
    signal("STOP");
  }

  void resume() {
    signal("CONT");
  }

  /** Waits for the process to end by itself; true if it did within {@code timeout}. */
  boolean exited(Duration timeout) throws InterruptedException {
    return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** A thread dump (jcmd Thread.print), for a process that did not do what it should: where it is stuck. */
  String threadDump() {
    ClusterHarness.Result result = ClusterHarness.run(List.of("jcmd", Long.toString(pid()), "Thread.print"), null,
        Duration.ofSeconds(30));
    return result.output();
  }

  int exitCode() {
    return process.exitValue();
  }

  String logText() {
    try {
      return Files.readString(log);
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  private void signal(String signal) {
    ClusterHarness.Result result = ClusterHarness.run(List.of("kill", "-" + signal, Long.toString(pid())), null,
        Duration.ofSeconds(10));
    if (result.exitCode() != 0) {
      throw new AssertionError("kill -" + signal + " " + pid() + ": " + result.output());
    }
  }

  /** SIGKILL (resumed first if paused, so nothing lingers); waits for the end. */
  void kill() throws InterruptedException {
    if (process.isAlive()) {
      process.destroyForcibly();
      signalQuietly("CONT");
      process.waitFor(30, TimeUnit.SECONDS);
    }
  }

  private void signalQuietly(String signal) {
    try {
      signal(signal);
    } catch (AssertionError | RuntimeException e) {
      // already gone
    }
  }

  @Override
  public void close() {
    try {
      kill();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
