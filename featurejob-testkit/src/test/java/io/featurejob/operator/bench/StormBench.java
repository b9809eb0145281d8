package io.featurejob.operator.bench;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.featurejob.operator.api.CapacitySpec;
import io.featurejob.operator.api.FeatureJob;
import io.featurejob.operator.config.OperatorConfig;
import io.featurejob.operator.controller.FeatureJobOperator;
import io.featurejob.operator.testing.TestJobs;
import java.io.ByteArrayInputStream;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The spot-shortage storm of issue 15 on a real API server (`make bench`): N FeatureJobs, kube-scheduler
 * but no node, so every attempt stays Unschedulable, fails CapacityUnavailable after its
 * schedulingTimeout and is retried after its back-off. The operator runs in this JVM on a client that
 * counts its own requests. Prints a table and writes it to target/bench.txt; asserts nothing about
 * speed (the machine's load decides that), only that the storm happened.
 *
 * <p>-Dbench.jobs (200), -Dbench.seconds (120): how many jobs, how long the storm is measured.
 */
@Tag("bench")
class StormBench {
  static final int JOBS = Integer.getInteger("bench.jobs", 200);
  static final long SECONDS = Long.getLong("bench.seconds", 120);

  @Test
  void storm() throws Exception {
    String namespace = "bench-" + UUID.randomUUID().toString().substring(0, 5);
    try (KubernetesClient admin = new KubernetesClientBuilder().withConfig(Config.autoConfigure(null)).build()) {
      prepareNamespace(admin, namespace);
      long heapBefore = heapAfterGc();
      long rssBefore = rssBytes();
      RequestCounter counter = new RequestCounter();
      KubernetesClient counted = new KubernetesClientBuilder().withConfig(admin.getConfiguration())
          .withHttpClientBuilderConsumer(b -> b.addOrReplaceInterceptor("bench-requests", counter)).build();
      Map<String, String> env = new LinkedHashMap<>();
      env.put("FEATUREJOB_METRICS_BIND_ADDRESS", "127.0.0.1");
      env.put("FEATUREJOB_METRICS_PORT", "0");
      env.put("FEATUREJOB_WATCH_NAMESPACES", namespace);
      env.put("FEATUREJOB_LEADER_ELECTION", "false");
      FeatureJobOperator operator = FeatureJobOperator.start(counted, OperatorConfig.load(env), Clock.systemUTC(), false);
      try {
        for (int i = 0; i < JOBS; i++) {
          admin.resource(job("storm-" + i)).inNamespace(namespace).create();
        }
        Map<String, Long> atStart = counter.snapshot();
        Thread.sleep(Duration.ofSeconds(SECONDS).toMillis());
        Map<String, Long> requests = minus(counter.snapshot(), atStart);
        String metrics = scrape(operator.metricsPort());
        String table = table(requests, metrics, heapAfterGc() - heapBefore, rssBytes() - rssBefore);
        System.out.println(table);
        Files.createDirectories(Path.of("target"));
        Files.writeString(Path.of("target", "bench.txt"), table);
        if (requests.getOrDefault("POST pods", 0L) == 0) {
          throw new AssertionError("no attempt was launched: no storm was measured\n" + table);
        }
      } finally {
        operator.close();
        counted.close();
        admin.namespaces().withName(namespace).delete();
      }
    }
  }

  static FeatureJob job(String name) {
    FeatureJob job = TestJobs.job(name, "5s", "20s", 3, 1000);
    job.getSpec().schedule = "@yearly";
    job.getSpec().capacity = new CapacitySpec();
    job.getSpec().capacity.schedulingTimeout = "10s";
    return job;
  }

  /** The namespace with deploy/job-namespace/ applied (the Spark ServiceAccount the driver pods name). */
  static void prepareNamespace(KubernetesClient admin, String namespace) throws Exception {
    admin.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(namespace).endMetadata().build())
        .create();
    String yaml = Files.readString(Path.of("deploy", "job-namespace", "job-namespace.yaml"))
        .replaceAll("(?m)namespace: featurejob-jobs$", "namespace: " + namespace);
    for (HasMetadata item : admin.load(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8))).items()) {
      admin.resource(item).forceConflicts().serverSideApply();
    }
    try {
      admin.serviceAccounts().inNamespace(namespace).resource(new ServiceAccountBuilder().withNewMetadata()
          .withName("default").endMetadata().build()).create();
    } catch (KubernetesClientException e) {
      if (e.getCode() != 409) {
        throw e;
      }
    }
  }

  String table(Map<String, Long> requests, String metrics, long heapDelta, long rssDelta) throws Exception {
    long attempts = requests.getOrDefault("POST pods", 0L);
    long total = requests.values().stream().mapToLong(Long::longValue).sum();
    long events = requests.entrySet().stream().filter(e -> e.getKey().endsWith(" events"))
        .mapToLong(Map.Entry::getValue).sum();
    StringBuilder out = new StringBuilder();
    out.append(String.format("storm: %d jobs, %d s measured, load average %s%n", JOBS, SECONDS,
        Files.readString(Path.of("/proc/loadavg")).trim()));
    out.append("| figure | value |\n|---|---|\n");
    out.append(String.format("| attempts launched (POST pods) | %d |%n", attempts));
    out.append(String.format("| operator API requests per attempt | %.2f |%n", per(total, attempts)));
    out.append(String.format("| of which events | %.2f |%n", per(events, attempts)));
    requests.forEach((k, v) -> out.append(String.format("| %s per attempt | %.2f (%d) |%n", k, per(v, attempts), v)));
    long bytes = metrics.getBytes(StandardCharsets.UTF_8).length;
    long lines = metrics.lines().count();
    out.append(String.format("| /metrics bytes, lines | %d, %d |%n", bytes, lines));
    out.append(String.format("| /metrics bytes, lines per job | %d, %d |%n", bytes / JOBS, lines / JOBS));
    out.append(String.format("| heap after GC, growth with the operator | %d MiB |%n", heapDelta >> 20));
    out.append(String.format("| RSS growth with the operator (JVM of the test) | %d MiB |%n", rssDelta >> 20));
    return out.toString();
  }

  static double per(long count, long attempts) {
    return attempts == 0 ? Double.NaN : (double) count / attempts;
  }

  static Map<String, Long> minus(Map<String, Long> now, Map<String, Long> before) {
    Map<String, Long> out = new java.util.TreeMap<>();
    now.forEach((k, v) -> {
      long d = v - before.getOrDefault(k, 0L);
      if (d > 0) {
        out.put(k, d);
      }
    });
    return out;
  }

  static String scrape(int port) throws Exception {
    HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + port + "/metrics")).timeout(Duration.ofSeconds(60)).build(),
        HttpResponse.BodyHandlers.ofString());
    return response.body();
  }

  static long heapAfterGc() {
    System.gc();
    System.gc();
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  static long rssBytes() throws Exception {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
      }
    }
    return -1;
  }
}
