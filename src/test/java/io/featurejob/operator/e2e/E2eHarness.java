package io.featurejob.operator.e2e;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.featurejob.operator.config.OperatorConfig;
import io.featurejob.operator.controller.FeatureJobOperator;
import io.featurejob.operator.demo.EmbeddedApiServer;
import io.featurejob.operator.demo.SimulatedCluster;
import io.featurejob.operator.demo.SimulatedKubelet;
import io.featurejob.operator.testing.FeatureJobHarness;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One simulated cluster per test: the embedded CRUD API server, the simulated kubelet (Karpenter
 * node pools) and the operator, wired exactly as {@code make demo} does. The operator can be stopped
 * and started again on the same API server (a restart); everything else lives until {@link #close()}.
 */
final class E2eHarness extends FeatureJobHarness {
  static final String NAMESPACE = io.featurejob.operator.demo.Stories.NAMESPACE;
  static final Duration TIMEOUT = Duration.ofSeconds(60);
  static final Duration POLL = Duration.ofMillis(200);

  final EmbeddedApiServer api;
  final KubernetesClient client;
  final SimulatedCluster cluster;
  final SimulatedKubelet kubelet;
  final Clock clock = Clock.systemUTC();
  private FeatureJobOperator operator;
  private KubernetesClient operatorClient;

  private E2eHarness(EmbeddedApiServer api, SimulatedCluster cluster, SimulatedKubelet kubelet) {
    super(api.client(), NAMESPACE, TIMEOUT, POLL);
    this.api = api;
    this.client = api.client();
    this.cluster = cluster;
    this.kubelet = kubelet;
  }

  /** API server with namespace {@value #NAMESPACE}, kubelet and a running operator. */
  static E2eHarness start() {
    EmbeddedApiServer api = EmbeddedApiServer.start();
    try {
      api.client().namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(NAMESPACE)
          .endMetadata().build()).create();
      SimulatedCluster cluster = SimulatedCluster.karpenter();
      SimulatedKubelet kubelet = new SimulatedKubelet(api.client(), cluster, Clock.systemUTC()).start();
      E2eHarness harness = new E2eHarness(api, cluster, kubelet);
      harness.startOperator();
      return harness;
    } catch (RuntimeException e) {
      api.close();
      throw e;
    }
  }

  // ------------------------------------------------------------------ operator lifecycle

  void startOperator() {
    if (operator != null) {
      throw new IllegalStateException("the operator is already running");
    }
    Map<String, String> env = new LinkedHashMap<>();
    env.put("FEATUREJOB_METRICS_BIND_ADDRESS", "127.0.0.1");
    env.put("FEATUREJOB_METRICS_PORT", "0");
    operatorClient = api.newClient();
    try {
      operator = FeatureJobOperator.start(operatorClient, OperatorConfig.load(env), clock, false);
    } catch (IOException e) {
      operatorClient.close();
      throw new UncheckedIOException(e);
    }
  }

  /** Stops the operator (as a pod being killed would); the API server and the kubelet keep going. */
  void stopOperator() {
    if (operator != null) {
      operator.close();
      operator = null;
    }
    if (operatorClient != null) {
      operatorClient.close();
      operatorClient = null;
    }
  }

  void restartOperator() {
    stopOperator();
    startOperator();
  }

  boolean operatorRunning() {
    return operator != null;
  }

  @Override
  public void close() {
    try {
      stopOperator();
    } finally {
      try {
        kubelet.close();
      } finally {
        api.close();
      }
    }
  }

  @Override
  protected int metricsPort() {
    if (operator == null) {
      throw new IllegalStateException("the operator is not running");
    }
    return operator.metricsPort();
  }
}
