package io.featurejob.operator.alerts;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.featurejob.operator.api.FeatureJob;
import io.featurejob.operator.api.FeatureJobStatus;
import io.featurejob.operator.api.Importance;
import io.featurejob.operator.config.OperatorConfig;
import io.featurejob.operator.controller.FeatureJobOperator;
import io.featurejob.operator.demo.DriverScript;
import io.featurejob.operator.demo.EmbeddedApiServer;
import io.featurejob.operator.demo.SimulatedCluster;
import io.featurejob.operator.demo.SimulatedKubelet;
import io.featurejob.operator.demo.Stories;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The operator as `make demo` runs it: embedded API server, simulated kubelet with Karpenter node
 * pools, metrics on 127.0.0.1 and a free port. One namespace, {@value #NAMESPACE}.
 */
final class OperatorHarness implements AutoCloseable {
  static final String NAMESPACE = "ml";

  private final EmbeddedApiServer api;
  final KubernetesClient client;
  final SimulatedKubelet kubelet;
  final FeatureJobOperator operator;
  private final HttpClient http = HttpClient.newHttpClient();

  private OperatorHarness(EmbeddedApiServer api, KubernetesClient client, SimulatedKubelet kubelet,
      FeatureJobOperator operator) {
    this.api = api;
    this.client = client;
    this.kubelet = kubelet;
    this.operator = operator;
  }

  static OperatorHarness start() throws Exception {
    EmbeddedApiServer api = EmbeddedApiServer.start();
    KubernetesClient client = api.newClient();
    client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(NAMESPACE).endMetadata().build())
        .create();
    SimulatedCluster cluster = SimulatedCluster.karpenter();
    cluster.registerNodes(client);
    Clock clock = Clock.systemUTC();
    SimulatedKubelet kubelet = new SimulatedKubelet(client, cluster, clock).start();
    Map<String, String> env = new HashMap<>();
    env.put("FEATUREJOB_METRICS_BIND_ADDRESS", "127.0.0.1");
    env.put("FEATUREJOB_METRICS_PORT", "0");
    FeatureJobOperator operator = FeatureJobOperator.start(api.newClient(), OperatorConfig.load(env), clock, false);
    return new OperatorHarness(api, client, kubelet, operator);
  }

  int metricsPort() {
    return operator.metricsPort();
  }

  /** An hourly job (the first window runs at once) with second-scale back-offs. */
  static FeatureJob job(String name, String featureView, Importance importance, String team, int alertAfter, int cap) {
    FeatureJob job = Stories.job(name, featureView, importance, Map.of("team", team, "owner", "ana"));
    job.getSpec().retryPolicy = Stories.retry("1s", 1.0, "1s", 0.0, alertAfter, cap);
    return job;
  }

  void create(FeatureJob job, DriverScript script) {
    kubelet.script(job.getMetadata().getName(), script);
    client.resources(FeatureJob.class).inNamespace(NAMESPACE).resource(job).create();
  }

  FeatureJobStatus status(String name) {
    FeatureJob job = client.resources(FeatureJob.class).inNamespace(NAMESPACE).withName(name).get();
    return job == null ? null : job.getStatus();
  }

  FeatureJobStatus awaitStatus(String name, Predicate<FeatureJobStatus> condition, Duration timeout)
      throws InterruptedException {
    Instant deadline = Instant.now().plus(timeout);
    FeatureJobStatus last = null;
    while (Instant.now().isBefore(deadline)) {
      last = status(name);
      if (last != null && condition.test(last)) {
        return last;
      }
      Thread.sleep(100);
    }
    throw new AssertionError(name + " did not reach the expected state within " + timeout + "; last phase "
        + (last == null ? null : last.phase));
  }

  /** `kubectl annotate fj NAME featurejob.io/unblock=TOKEN --overwrite`. */
  void unblock(String name, String token) {
    client.resources(FeatureJob.class).inNamespace(NAMESPACE).withName(name).edit(j -> {
      if (j.getMetadata().getAnnotations() == null) {
        j.getMetadata().setAnnotations(new HashMap<>());
      }
      j.getMetadata().getAnnotations().put("featurejob.io/unblock", token);
      return j;
    });
  }

  String scrape() throws Exception {
    HttpResponse<String> response = http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + metricsPort() + "/metrics")).build(),
        HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new AssertionError("/metrics answered " + response.statusCode());
    }
    return response.body();
  }

  @Override
  public void close() {
    operator.close();
    kubelet.close();
    client.close();
    api.close();
  }
}
