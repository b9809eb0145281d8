package io.featurejob.operator.alerts;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.featurejob.operator.api.FeatureJob;
import io.featurejob.operator.api.FeatureJobStatus;
import io.featurejob.operator.api.Importance;
import io.featurejob.operator.demo.DriverScript;
import io.featurejob.operator.demo.EmbeddedApiServer;
import io.featurejob.operator.demo.SimulatedCluster;
import io.featurejob.operator.demo.SimulatedKubelet;
import io.featurejob.operator.demo.Stories;
import io.featurejob.operator.testing.FeatureJobHarness;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The operator as `make demo` runs it: embedded API server, simulated kubelet with Karpenter node
 * pools, metrics on 127.0.0.1 and a free port. One namespace, {@value #NAMESPACE}. Reading and waiting
 * are {@link FeatureJobHarness}'s, as in the mock-server and control-plane suites.
 */
final class OperatorHarness extends FeatureJobHarness {
  static final String NAMESPACE = "ml";
  private static final Duration TIMEOUT = Duration.ofSeconds(60);
  private static final Duration POLL = Duration.ofMillis(100);

  private final EmbeddedApiServer api;
  final KubernetesClient client;
  final SimulatedKubelet kubelet;

  private OperatorHarness(EmbeddedApiServer api, KubernetesClient client, SimulatedKubelet kubelet) {
    super(client, NAMESPACE, TIMEOUT, POLL);
    this.api = api;
    this.client = client;
    this.kubelet = kubelet;
  }

  static OperatorHarness start() {
    EmbeddedApiServer api = EmbeddedApiServer.start();
    KubernetesClient client = api.newClient();
    try {
      client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(NAMESPACE).endMetadata().build())
          .create();
      SimulatedCluster cluster = SimulatedCluster.karpenter();
      cluster.registerNodes(client);
      SimulatedKubelet kubelet = new SimulatedKubelet(client, cluster, Clock.systemUTC()).start();
      OperatorHarness harness = new OperatorHarness(api, client, kubelet);
      harness.startOperator();
      return harness;
    } catch (RuntimeException e) {
      client.close();
      api.close();
      throw e;
    }
  }

  @Override
  protected KubernetesClient newOperatorClient() {
    return api.newClient();
  }

  @Override
  protected Map<String, String> operatorEnvironment() {
    return Map.of("FEATUREJOB_METRICS_BIND_ADDRESS", "127.0.0.1", "FEATUREJOB_METRICS_PORT", "0");
  }

  /** An hourly job (the first window runs at once) with second-scale back-offs. */
  static FeatureJob job(String name, String featureView, Importance importance, String team, int alertAfter, int cap) {
    FeatureJob job = Stories.job(name, featureView, importance, Map.of("team", team, "owner", "ana"));
    job.getSpec().retryPolicy = Stories.retry("1s", 1.0, "1s", 0.0, alertAfter, cap);
    return job;
  }

  void create(FeatureJob job, DriverScript script) {
    kubelet.script(job.getMetadata().getName(), script);
    create(job);
  }

  /** Polls the job's status until {@code condition} holds, for at most {@code timeout}. */
  FeatureJobStatus awaitStatus(String name, Predicate<FeatureJobStatus> condition, Duration timeout) {
    return awaitStatus(name, "the expected state", timeout, condition);
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

  /** The /metrics exposition as text. */
  String metricsText() {
    HttpResponse<String> response = httpGet("/metrics");
    if (response.statusCode() != 200) {
      throw new AssertionError("/metrics answered " + response.statusCode());
    }
    return response.body();
  }

  @Override
  public void close() {
    try {
      stopOperator();
    } finally {
      try {
        kubelet.close();
      } finally {
        client.close();
        api.close();
      }
    }
  }
}
