package io.featurejob.operator.demo;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.featurejob.operator.api.FeatureJob;
import io.featurejob.operator.api.FeatureJobStatus;
import io.featurejob.operator.api.HistoryEntry;
import io.featurejob.operator.api.Phase;
import io.featurejob.operator.config.OperatorConfig;
import io.featurejob.operator.controller.FeatureJobOperator;
import io.featurejob.operator.policy.Conditions;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * `make demo`: the embedded default when no cluster is at hand. Starts the embedded API server, the
 * simulated kubelet and the operator, plays the acceptance story and the spot-shortage story with
 * short back-offs, prints a timeline of events while /metrics is live, and exits by itself.
 */
public final class Demo {
  static final Duration STORY_LIMIT = Duration.ofSeconds(90);

  private Demo() {}

  /** @return the process exit code: 0 when both stories ended as they should */
  public static int run(String[] args, PrintStream out) throws Exception {
    Clock clock = Clock.systemUTC();
    // The timeline shows what matters; the operator's own INFO log would repeat every event.
    ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger("io.featurejob"))
        .setLevel(ch.qos.logback.classic.Level.WARN);
    Map<String, String> env = new java.util.HashMap<>(System.getenv());
    env.putIfAbsent("FEATUREJOB_METRICS_BIND_ADDRESS", "127.0.0.1");
    env.putIfAbsent("FEATUREJOB_METRICS_PORT", "0");
    OperatorConfig config = OperatorConfig.load(env);
    try (EmbeddedApiServer api = EmbeddedApiServer.start();
        KubernetesClient client = api.newClient()) {
      client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(Stories.NAMESPACE)
          .endMetadata().build()).create();
      SimulatedCluster cluster = SimulatedCluster.karpenter();
      cluster.registerNodes(client);
      AtomicBoolean permissionGranted = new AtomicBoolean(false);
      try (SimulatedKubelet kubelet = new SimulatedKubelet(client, cluster, clock).start();
          FeatureJobOperator operator = FeatureJobOperator.start(api.newClient(), config, clock, false);
          Timeline timeline = new Timeline(client, Stories.NAMESPACE, out, clock)) {
        out.println("featurejob-operator demo: embedded API server, simulated kubelet (Karpenter node pools),"
            + " metrics at http://127.0.0.1:" + operator.metricsPort() + "/metrics");
        kubelet.script(Stories.ACCEPTANCE_JOB, Stories.acceptanceScript(permissionGranted));

        out.println("\n== Story 1: a permission is revoked; the owner fixes it after the alert; no unblock needed");
        create(client, Stories.acceptanceJob());
        awaitStatus(client, Stories.ACCEPTANCE_JOB, s -> Conditions.isTrue(s, Conditions.ALERTING));
        out.println("   ... the alert fired: the owner restores GRANT SELECT ON trips (no operator-side action)");
        permissionGranted.set(true);
        awaitStatus(client, Stories.ACCEPTANCE_JOB, s -> s.lastSuccessTime != null);

        out.println("\n== Story 2: no spot capacity; executors cannot be scheduled; fallback to on-demand");
        cluster.setCapacity(SimulatedCluster.SPOT, false);
        create(client, Stories.spotJob());
        awaitStatus(client, Stories.SPOT_JOB, s -> s.lastSuccessTime != null);
        cluster.setCapacity(SimulatedCluster.SPOT, true);

        String metrics = scrape(operator.metricsPort());
        out.println("\n== Final state");
        boolean ok = true;
        for (String name : new String[] {Stories.ACCEPTANCE_JOB, Stories.SPOT_JOB}) {
          FeatureJobStatus s = get(client, name).getStatus();
          out.printf("%-13s phase=%s consecutiveFailures=%d lastSuccess=%s fresh=%s%n", name, s.phase,
              s.consecutiveFailures, s.lastSuccessTime, Conditions.isTrue(s, Conditions.FRESH));
          for (HistoryEntry h : s.history) {
            out.printf("    attempt %d %-9s %-19s driver=%-8s executors=%-8s pod=%s%n", h.attempt, h.outcome,
                h.failureClass == null ? "" : h.failureClass, h.driverCapacity, h.executorCapacity, h.podName);
          }
          ok &= s.phase == Phase.Idle && s.consecutiveFailures == 0;
        }
        out.println("\n== /metrics (featurejob_runs_total)");
        out.println(metrics.lines().filter(l -> l.startsWith("featurejob_runs_total")).collect(Collectors.joining("\n")));
        out.println(ok ? "\ndemo finished: both jobs recovered" : "\ndemo FAILED: a job did not recover");
        return ok ? 0 : 1;
      }
    }
  }

  private static void create(KubernetesClient client, FeatureJob job) {
    client.resources(FeatureJob.class).inNamespace(Stories.NAMESPACE).resource(job).create();
  }

  private static FeatureJob get(KubernetesClient client, String name) {
    return client.resources(FeatureJob.class).inNamespace(Stories.NAMESPACE).withName(name).get();
  }

  private static void awaitStatus(KubernetesClient client, String name, Predicate<FeatureJobStatus> condition)
      throws InterruptedException {
    Instant deadline = Instant.now().plus(STORY_LIMIT);
    while (Instant.now().isBefore(deadline)) {
      FeatureJob job = get(client, name);
      if (job != null && job.getStatus() != null && condition.test(job.getStatus())) {
        return;
      }
      Thread.sleep(200); // polling a status for a demo, not a correctness wait
    }
    throw new IllegalStateException(name + " did not reach the expected state within " + STORY_LIMIT);
  }

  private static String scrape(int port) throws Exception {
    HttpResponse<String> response = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).build(),
        HttpResponse.BodyHandlers.ofString());
    return response.body();
  }
}
