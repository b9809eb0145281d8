package io.featurejob.operator.bench;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The operator as its own process, the way its pod runs it (BENCH_OPERATOR=process): the built jar
 * ({@code java -jar featurejob-operator.jar run}) with the image's JAVA_TOOL_OPTIONS, in a memory cgroup with
 * the chart's limit (its pid joins the cgroup before the JVM starts, so its ergonomics see the limit), as
 * the chart's ServiceAccount with the chart's Role (deploy/featurejob-operator.yaml, moved to the
 * benchmark's namespace), so the API server's audit log counts its requests by that user. Its stdout
 * (operator log and {@code -Xlog:gc,gc+init}) goes through a pipe to target/, as a container's goes to
 * the node, not into its memory cgroup's page cache.
 */
final class OperatorProcess implements AutoCloseable {
  static final String SERVICE_ACCOUNT = "featurejob-operator";
  private static final String CHART_NAMESPACE = "featurejob-system";
  private static final Duration READY_LIMIT = Duration.ofMinutes(3);

  final String username;
  final int metricsPort;
  final CgroupMemory cgroup;
  private final Path kubeconfig;
  private final GcLog gc;
  private final Process process;
  private final Thread drain;

  /** What the process and its cgroup showed, read while it still ran (before it was stopped). */
  record Memory(long limit, long peakUsage, long usage, long failcnt, long oomKills, long vmHwm, long vmRss,
      String collector, long seenMemory, long heapMax, long maxHeapAfterGc, long heapAfterFullGc, long gcPauses,
      boolean exited, int exitCode) {}

  private OperatorProcess(String username, int metricsPort, CgroupMemory cgroup, Path kubeconfig, Process process,
      Thread drain, GcLog gc) {
    this.username = username;
    this.kubeconfig = kubeconfig;
    this.metricsPort = metricsPort;
    this.cgroup = cgroup;
    this.process = process;
    this.drain = drain;
    this.gc = gc;
  }

  /**
   * Starts the operator of {@code namespace} ({@code env}: its FEATUREJOB_* settings) in a new cgroup
   * {@code cgroupDir} limited to {@code limitBytes}, and waits until it is ready (its /readyz).
   */
  static OperatorProcess start(KubernetesClient admin, String namespace, Map<String, String> env, Path jar,
      String javaToolOptions, Path cgroupDir, long limitBytes) throws Exception {
    Path kubeconfig = identity(admin, namespace);
    int port = freePort();
    CgroupMemory cgroup = CgroupMemory.create(cgroupDir, limitBytes);
    Process process = null;
    try {
      Path java = Path.of(System.getProperty("java.home"), "bin", "java");
      // sh joins the cgroup, then exec's the JVM (same pid), before the JVM allocates anything.
      ProcessBuilder builder = new ProcessBuilder("sh", "-c", "echo $$ > \"$0\" && exec \"$@\"",
          cgroupDir.resolve("cgroup.procs").toString(), java.toString(), "-Xlog:gc,gc+init", "-jar",
          jar.toString(), "run").redirectErrorStream(true);
      Map<String, String> processEnv = builder.environment();
      processEnv.clear();
      processEnv.put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
      processEnv.put("JAVA_TOOL_OPTIONS", javaToolOptions);
      processEnv.put("KUBECONFIG", kubeconfig.toString());
      processEnv.putAll(env);
      processEnv.put("FEATUREJOB_METRICS_PORT", Integer.toString(port));
      process = builder.start();
      Process started = process;
      GcLog gc = new GcLog();
      Path log = Path.of("target", "bench-operator-" + namespace + ".log");
      Thread drain = new Thread(() -> drain(started, log, gc), "bench-operator-log");
      drain.setDaemon(true);
      drain.start();
      OperatorProcess operator = new OperatorProcess(
          "system:serviceaccount:" + namespace + ":" + SERVICE_ACCOUNT, port, cgroup, kubeconfig, process, drain, gc);
      operator.awaitReady(log);
      return operator;
    } catch (Exception e) {
      if (process != null) {
        process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
      }
      cgroup.close();
      Files.deleteIfExists(kubeconfig);
      throw e;
    }
  }

  long pid() {
    return process.pid();
  }

  boolean alive() {
    return process.isAlive();
  }

  /**
   * The chart's ServiceAccount, Role and RoleBinding of the operator, in {@code namespace}, and a kubeconfig
   * with a token of that ServiceAccount (target/, readable by its owner only).
   */
  static Path identity(KubernetesClient admin, String namespace) throws IOException {
    String yaml = Files.readString(Path.of("deploy", "featurejob-operator.yaml"))
        .replaceAll("(?m)namespace: " + CHART_NAMESPACE + "$", "namespace: " + namespace);
    Set<String> kinds = Set.of("ServiceAccount", "Role", "RoleBinding");
    for (HasMetadata item : admin.load(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8))).items()) {
      if (kinds.contains(item.getKind()) && SERVICE_ACCOUNT.equals(item.getMetadata().getName())) {
        admin.resource(item).forceConflicts().serverSideApply();
      }
    }
    String token = admin.serviceAccounts().inNamespace(namespace).withName(SERVICE_ACCOUNT)
        .tokenRequest(new TokenRequestBuilder().withNewSpec().withExpirationSeconds(6 * 3600L).endSpec().build())
        .getStatus().getToken();
    Config config = admin.getConfiguration();
    String ca = config.getCaCertData() != null && !config.getCaCertData().isEmpty()
        ? "certificate-authority-data: " + config.getCaCertData()
        : "certificate-authority: " + Path.of(config.getCaCertFile()).toAbsolutePath();
    String kubeconfig = String.join("\n", "apiVersion: v1", "kind: Config", "clusters:", "- name: bench",
        "  cluster:", "    server: " + config.getMasterUrl(), "    " + ca, "users:", "- name: operator", "  user:",
        "    token: " + token, "contexts:", "- name: bench", "  context:", "    cluster: bench",
        "    user: operator", "    namespace: " + namespace, "current-context: bench", "");
    Files.createDirectories(Path.of("target"));
    Path file = Path.of("target", "bench-operator-" + namespace + ".kubeconfig").toAbsolutePath();
    Files.deleteIfExists(file);
    Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.writeString(file, kubeconfig);
    return file;
  }

  private static void drain(Process process, Path log, GcLog gc) {
    try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
        StandardCharsets.UTF_8)); BufferedWriter out = Files.newBufferedWriter(log)) {
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        gc.accept(line);
        out.write(line);
        out.newLine();
        out.flush();
      }
    } catch (IOException e) {
      // the process ended
    }
  }

  private void awaitReady(Path log) throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    Instant deadline = Instant.now().plus(READY_LIMIT);
    while (Instant.now().isBefore(deadline)) {
      if (!process.isAlive()) {
        throw new IllegalStateException("the operator process exited with " + process.exitValue() + " before it"
            + " was ready; its log: " + log);
      }
      try {
        HttpResponse<Void> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + metricsPort
            + "/readyz")).timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.discarding());
        if (response.statusCode() == 200) {
          return;
        }
      } catch (IOException e) {
        // not listening yet
      }
      Thread.sleep(500);
    }
    throw new IllegalStateException("the operator process was not ready within " + READY_LIMIT + "; its log: " + log);
  }

  /**
   * The cgroup's and the process's memory now, with the live heap from a full collection requested by
   * {@code jcmd GC.run} (read from the GC log the process prints).
   */
  Memory memory() throws Exception {
    long peak = cgroup.maxUsage();
    long usage = cgroup.usage();
    long hwm = ProcStatus.bytes(Long.toString(pid()), "VmHWM");
    long rss = ProcStatus.bytes(Long.toString(pid()), "VmRSS");
    long fullBefore = gc.fullPauses();
    if (process.isAlive()) {
      Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
      Process gcRun = new ProcessBuilder(Files.exists(jcmd) ? jcmd.toString() : "jcmd", Long.toString(pid()), "GC.run")
          .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
      gcRun.waitFor(60, TimeUnit.SECONDS);
      for (int i = 0; i < 50 && gc.fullPauses() == fullBefore; i++) {
        Thread.sleep(100); // its line reaches the drain
      }
    }
    boolean exited = !process.isAlive();
    return new Memory(cgroup.limit(), peak, usage, cgroup.failcnt(), cgroup.oomKills(), hwm, rss,
        gc.collector(), gc.memory(), gc.heapMax(), gc.maxAfter(),
        gc.fullPauses() > fullBefore ? gc.lastFullAfter() : -1, gc.pauses(), exited,
        exited ? process.exitValue() : 0);
  }

  static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  /** SIGTERM (the operator's shutdown hook runs), SIGKILL after 30 s; then the cgroup and the token go. */
  @Override
  public void close() throws Exception {
    process.destroy();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    }
    drain.join(5000);
    Files.deleteIfExists(kubeconfig);
    cgroup.close();
  }
}
