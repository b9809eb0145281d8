package io.featurejob.operator.controller;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.featurejob.operator.classify.Classifier;
import io.featurejob.operator.classify.RuleLoader;
import io.featurejob.operator.config.OperatorConfig;
import io.featurejob.operator.events.EventRecorder;
import io.featurejob.operator.metrics.FeatureJobMetrics;
import io.featurejob.operator.metrics.MetricsServer;
import io.featurejob.operator.policy.SpecResolver;
import io.featurejob.operator.spark.CapacityProfile;
import io.featurejob.operator.spark.CapacityProfiles;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.javaoperatorsdk.operator.monitoring.micrometer.MicrometerMetrics;
import java.io.IOException;
import java.time.Clock;
import java.util.HashSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wires the operator from its configuration: classifier, capacity profile, reconciler, JOSDK, metrics
 * endpoint. Used by {@code Main run}, the embedded demo and the end-to-end tests alike.
 */
public final class FeatureJobOperator implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(FeatureJobOperator.class);

  private final Operator operator;
  private final MetricsServer metricsServer;
  private final FeatureJobMetrics metrics;

  private FeatureJobOperator(Operator operator, MetricsServer metricsServer, FeatureJobMetrics metrics) {
    this.operator = operator;
    this.metricsServer = metricsServer;
    this.metrics = metrics;
  }

  /**
   * @param exitOnInformerStop true in production: an informer that stops for good (e.g. RBAC revoked)
   *     leaves a zombie operator, so the process exits and Kubernetes restarts it; tests pass false
   */
  public static FeatureJobOperator start(KubernetesClient client, OperatorConfig config, Clock clock,
      boolean exitOnInformerStop) throws IOException {
    Classifier classifier = config.classifierRulesFile()
        .map(path -> Classifier.withExtraRules(RuleLoader.load(path)))
        .orElseGet(Classifier::defaults);
    CapacityProfile profile = config.capacityProfileFile()
        .map(CapacityProfiles::load)
        .orElseGet(() -> CapacityProfiles.named(config.capacityProfile()));
    SpecResolver resolver = new SpecResolver(config.defaultRetry());
    FeatureJobMetrics metrics = new FeatureJobMetrics(config.metricsOwnerLabels());

    FeatureJobReconciler reconciler = new FeatureJobReconciler(clock, resolver, classifier,
        new DriverPods(client, profile, config.restrictedSecurityContext()),
        new EventRecorder(client, clock), metrics);

    Operator operator = new Operator(o -> {
      o.withKubernetesClient(client)
          .withCloseClientOnStop(false)
          // Production and tests share one write path: JSON patch of the status with optimistic locking.
          .withUseSSAToPatchPrimaryResource(false)
          .withMetrics(MicrometerMetrics.newPerResourceCollectingMicrometerMetricsBuilder(metrics.registry()).build())
          .withConcurrentReconciliationThreads(config.reconcileThreads())
          .withInformerStoppedHandler((informer, error) -> {
            if (error == null) {
              return; // a normal stop (shutdown)
            }
            LOG.error("informer stopped: {}", error.getMessage(), error);
            if (exitOnInformerStop) {
              System.exit(1);
            }
          });
      if (config.leaderElection()) {
        o.withLeaderElectionConfiguration(new LeaderElectionConfiguration(
            config.leaderElectionLeaseName(), config.leaderElectionNamespace().orElse(null)));
      }
    });
    operator.register(reconciler, c -> {
      if (!config.watchAllNamespaces()) {
        c.settingNamespaces(new HashSet<>(config.watchNamespaces()));
      }
    });

    MetricsServer server = new MetricsServer(config.metricsBindAddress(), config.metricsPort(), metrics::scrape,
        () -> operator.getRuntimeInfo().isStarted() && operator.getRuntimeInfo().allEventSourcesAreHealthy());
    server.start();
    operator.start();
    LOG.info("featurejob-operator started; metrics on {}:{}", config.metricsBindAddress(), server.port());
    return new FeatureJobOperator(operator, server, metrics);
  }

  public int metricsPort() {
    return metricsServer.port();
  }

  public FeatureJobMetrics metrics() {
    return metrics;
  }

  @Override
  public void close() {
    operator.stop();
    metricsServer.stop();
  }
}
