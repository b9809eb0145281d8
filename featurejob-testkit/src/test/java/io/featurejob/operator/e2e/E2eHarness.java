package io.featurejob.operator.e2e;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.featurejob.operator.demo.EmbeddedApiServer;
import io.featurejob.operator.demo.SimulatedCluster;
import io.featurejob.operator.demo.SimulatedKubelet;
import io.featurejob.operator.testing.AdvanceableClock;
import io.featurejob.operator.testing.ApiFaults;
import io.featurejob.operator.testing.FeatureJobHarness;
import java.time.Clock;
import java.time.Duration;
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
  /** The operator's and the kubelet's "now": real time, which a test may move forward. */
  final AdvanceableClock clock;
  /** Errors injected into the operator's requests; null = none. */
  private final ApiFaults faults;

  private E2eHarness(EmbeddedApiServer api, SimulatedCluster cluster, SimulatedKubelet kubelet, AdvanceableClock clock,
      ApiFaults faults) {
    super(api.client(), NAMESPACE, TIMEOUT, POLL);
    this.clock = clock;
    this.api = api;
    this.client = api.client();
    this.cluster = cluster;
    this.kubelet = kubelet;
    this.faults = faults;
  }

  /** API server with namespace {@value #NAMESPACE}, kubelet and a running operator. */
  static E2eHarness start() {
    return start(null);
  }

  /** As {@link #start()}, the operator's requests passing through {@code faults} (null = none). */
  static E2eHarness start(ApiFaults faults) {
    EmbeddedApiServer api = EmbeddedApiServer.start();
    try {
      api.client().namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(NAMESPACE)
          .endMetadata().build()).create();
      SimulatedCluster cluster = SimulatedCluster.karpenter();
      AdvanceableClock clock = new AdvanceableClock();
      SimulatedKubelet kubelet = new SimulatedKubelet(api.client(), cluster, clock).start();
      E2eHarness harness = new E2eHarness(api, cluster, kubelet, clock, faults);
      harness.startOperator();
      return harness;
    } catch (RuntimeException e) {
      api.close();
      throw e;
    }
  }

  // ------------------------------------------------------------------ operator

  @Override
  protected KubernetesClient newOperatorClient() {
    return faults == null ? api.newClient() : faults.client(api.client().getConfiguration());
  }

  @Override
  protected Clock operatorClock() {
    return clock;
  }

  @Override
  protected Map<String, String> operatorEnvironment() {
    return Map.of("FEATUREJOB_METRICS_BIND_ADDRESS", "127.0.0.1", "FEATUREJOB_METRICS_PORT", "0");
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

}
