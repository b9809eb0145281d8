package io.featurejob.operator.controller;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.featurejob.operator.classify.Classifier;
import io.featurejob.operator.classify.RuleLoader;
import io.featurejob.operator.config.OperatorConfig;
import io.featurejob.operator.events.EventRecorder;
import io.featurejob.operator.metrics.FeatureJobMetrics;
import io.featurejob.operator.metrics.MetricsAuth;
import io.featurejob.operator.metrics.MetricsServer;
import io.featurejob.operator.policy.SpecResolver;
import io.featurejob.operator.spark.CapacityProfile;
import io.featurejob.operator.spark.CapacityProfiles;
import io.featurejob.operator.spark.OperatorOverrides;
import io.javaoperatorsdk.operator.Operator;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfigurationBuilder;
import io.javaoperatorsdk.operator.monitoring.micrometer.MicrometerMetrics;
import java.io.IOException;
import io.javaoperatorsdk.operator.processing.retry.GenericRetry;
import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.util.HashSet;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wires the operator from its configuration: classifier, capacity profile, reconciler, JOSDK, metrics
 * endpoint. Used by {@code Main run}, the embedded demo and the end-to-end tests alike.
 */
public final class FeatureJobOperator implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(FeatureJobOperator.class);

  /**
   * Transient API errors (429, 5xx, timeouts, conflicts, quota) are rethrown to JOSDK, which retries with
   * this backoff. Without a limit: JOSDK's default gives up after 5 attempts and then waits for the next
   * event, which for a quiet job means the max reconciliation interval.
   */
  static final GenericRetry RETRY = new GenericRetry().setInitialInterval(500).setIntervalMultiplier(1.5)
      .setMaxInterval(Duration.ofMinutes(1).toMillis()).withoutMaxAttempts();

  /** Every job is looked at at least this often whatever happened (JOSDK's default is 10 hours). */
  static final Duration MAX_RECONCILIATION_INTERVAL = Duration.ofMinutes(5);

  private final Operator operator;
  private final MetricsServer metricsServer;
  private final FeatureJobMetrics metrics;
  private final Leadership leadership;
  private final EventRecorder events;

  private FeatureJobOperator(Operator operator, MetricsServer metricsServer, FeatureJobMetrics metrics,
      Leadership leadership, EventRecorder events) {
    this.events = events;
    this.operator = operator;
    this.metricsServer = metricsServer;
    this.metrics = metrics;
    this.leadership = leadership;
  }

  /**
   * @param exitOnInformerStop true in production: an informer that stops for good (e.g. RBAC revoked)
   *     leaves a zombie operator, and so does a leader that lost its Lease without being closed (it
   *     would keep reconciling beside the new leader), so the process exits and Kubernetes restarts
   *     it; tests pass false
   */
  public static FeatureJobOperator start(KubernetesClient client, OperatorConfig config, Clock clock,
      boolean exitOnInformerStop) throws IOException {
    Classifier classifier = config.classifierRulesFile()
        .map(RuleLoader::classifierWith)
        .orElseGet(Classifier::defaults);
    CapacityProfile profile = config.capacityProfileFile()
        .map(CapacityProfiles::load)
        .orElseGet(() -> CapacityProfiles.named(config.capacityProfile()));
    SpecResolver resolver = new SpecResolver(config.defaultRetry(), config.sparkAllowList(),
        new OperatorOverrides(profile, config.restrictedSecurityContext()));
    ShardFilter shard = new ShardFilter(config.shardIndex(), config.shardCount());
    FeatureJobMetrics metrics = new FeatureJobMetrics(shardRegistry(shard), config.metricsOwnerLabels());

    Leadership leadership = config.leaderElection() ? new Leadership(client,
        config.leaderElectionNamespace().orElseGet(() -> client.getConfiguration().getNamespace()),
        config.leaseName(), exitOnInformerStop) : null;
    EventRecorder events = new EventRecorder(client, clock, metrics.registry());
    FeatureJobReconciler reconciler = new FeatureJobReconciler(clock, resolver, classifier,
        // the launch fence where another process may write the same job: a leader's successor, or a
        // shard that handled the job before a change of the shard count
        new DriverPods(client, profile, config.restrictedSecurityContext(), new TemplateWrites(client),
            config.leaderElection() || config.shardCount() > 1),
        events, metrics, config.watchReferences(), shard);

    Operator operator = new Operator(o -> {
      o.withKubernetesClient(client)
          .withCloseClientOnStop(false)
          // No server-side apply anywhere (the mock server lacks it; production and tests share one write path):
          // JOSDK patches finalizers with JSON patch; the reconciler writes status with a locked PUT.
          .withUseSSAToPatchPrimaryResource(false)
          // Controller-level reconcile metrics only: JOSDK's per-resource ones are ~79 series per job.
          .withMetrics(MicrometerMetrics.withoutPerResourceMetrics(metrics.registry()))
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
      if (leadership != null) {
        o.withLeaderElectionConfiguration(LeaderElectionConfigurationBuilder
            .aLeaderElectionConfiguration(leadership.leaseName)
            .withLeaseNamespace(leadership.namespace)
            .withIdentity(leadership.identity)
            .withLeaderCallbacks(leadership.callbacks())
            // JOSDK's own exit would run inside close() (e.g. the SIGTERM hook); Leadership decides instead.
            .withExitOnStopLeading(false)
            .build());
      }
    });
    operator.register(reconciler, c -> {
      c.withRetry(RETRY).withReconciliationMaxInterval(MAX_RECONCILIATION_INTERVAL)
          // Another shard's jobs: cached as a stub, no event (ShardFilter); one shard keeps and sees all.
          .withGenericFilter(shard::ownsJob)
          .withItemStore(CacheTrimming.store(CacheTrimming::metadata, shard::ownsJob, CacheTrimming::jobStub))
          .withInformerListLimit(CacheTrimming.LIST_PAGE);
      if (!config.watchAllNamespaces()) {
        c.settingNamespaces(new HashSet<>(config.watchNamespaces()));
      }
    });

    MetricsServer server = new MetricsServer(config.metricsBindAddress(), config.metricsPort(), metrics::scrape,
        () -> operator.getRuntimeInfo().isStarted() && operator.getRuntimeInfo().allEventSourcesAreHealthy(),
        config.metricsAuth() ? MetricsAuth.reviewedBy(client) : MetricsAuth.OPEN);
    server.start();
    try {
      operator.start();
    } catch (RuntimeException e) {
      server.stop(); // e.g. RBAC forbids the informers: leave nothing running behind the error
      events.close();
      throw e;
    }
    LOG.info("featurejob-operator started{}; metrics on {}:{}", shard.all() ? "" : " as " + shard,
        config.metricsBindAddress(), server.port());
    return new FeatureJobOperator(operator, server, metrics, leadership, events);
  }

  /**
   * The production client: with leader election, every request first passes a {@link FreezeGuard}, which
   * halts a process frozen past its Lease before it writes anything (tests build their own clients).
   */
  public static KubernetesClient client(OperatorConfig config) {
    KubernetesClientBuilder builder = new KubernetesClientBuilder();
    if (config.leaderElection()) {
      FreezeGuard guard = FreezeGuard.halting();
      builder.withHttpClientBuilderConsumer(b -> b.addOrReplaceInterceptor("freeze-guard", guard));
    }
    return builder.build();
  }

  /**
   * The metrics registry, whose every series (the operator's and JOSDK's) carries {@code shard="<index>"}
   * when there are several shards: each job's series come from its shard alone, and the shard label tells
   * the per-process ones (reconcile counts, dropped events) apart on a dashboard. One shard: no label.
   */
  private static PrometheusMeterRegistry shardRegistry(ShardFilter shard) {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    if (!shard.all()) {
      registry.config().commonTags(FeatureJobMetrics.SHARD, Integer.toString(shard.index()));
    }
    return registry;
  }

  /** This instance's leader-election identity (empty when leader election is off). */
  public java.util.Optional<String> leaderIdentity() {
    return java.util.Optional.ofNullable(leadership).map(l -> l.identity);
  }

  public int metricsPort() {
    return metricsServer.port();
  }

  public FeatureJobMetrics metrics() {
    return metrics;
  }

  /**
   * Stops reconciling, then (when this instance leads) releases the Lease so a standby takes over
   * within its retry period instead of waiting for the lease to expire. JOSDK stops the reconciler
   * threads before the leader elector, so nothing of this instance reconciles after the release.
   */
  @Override
  public void close() {
    LOG.info("featurejob-operator stopping");
    if (leadership != null) {
      leadership.closing.set(true);
    }
    operator.stop();
    if (leadership != null) {
      leadership.release();
    }
    events.close(); // writes what the last reconciles queued, for at most a few seconds
    metricsServer.stop();
    LOG.info("featurejob-operator stopped");
  }

  /**
   * Leader election settings and callbacks. The identity is the pod name (HOSTNAME) plus a random
   * suffix, as controller-runtime does: a restarted container, or a second instance in one JVM in
   * tests, never mistakes the previous holder's Lease for its own.
   */
  private static final class Leadership {
    final KubernetesClient client;
    final String namespace;
    final String leaseName;
    final String identity;
    final boolean exitOnLoss;
    final AtomicBoolean closing = new AtomicBoolean();

    Leadership(KubernetesClient client, String namespace, String leaseName, boolean exitOnLoss) {
      if (namespace == null || namespace.isBlank()) {
        throw new IllegalArgumentException("leader election needs leaderElectionNamespace (not running in a pod)");
      }
      this.client = client;
      this.namespace = namespace;
      this.leaseName = leaseName;
      String host = System.getenv("HOSTNAME");
      this.identity = (host == null || host.isBlank() ? "featurejob-operator" : host) + "_" + UUID.randomUUID();
      this.exitOnLoss = exitOnLoss;
    }

    LeaderCallbacks callbacks() {
      return new LeaderCallbacks(
          () -> LOG.info("leading as {} (Lease {}/{})", identity, namespace, leaseName),
          () -> {
            if (closing.get()) {
              return;
            }
            LOG.error("lost the Lease {}/{} without being stopped", namespace, leaseName);
            if (exitOnLoss) {
              // halt, not exit: another replica leads, so nothing more may be written (no shutdown hook
              // flushing events); and fabric8 calls this holding the elector's lock, which the hook's stop of
              // the elector waits for: System.exit here deadlocked (a replica that never exited, in chaos).
              Runtime.getRuntime().halt(1);
            }
          },
          leader -> LOG.info("leader is {}", leader));
    }

    /** Marks our Lease free (no holder, 1 s duration), guarded by its resourceVersion. */
    void release() {
      try {
        Lease lease = client.leases().inNamespace(namespace).withName(leaseName).get();
        if (lease == null || lease.getSpec() == null || !Objects.equals(identity, lease.getSpec().getHolderIdentity())) {
          return;
        }
        ZonedDateTime now = ZonedDateTime.now();
        lease.getSpec().setHolderIdentity(null);
        lease.getSpec().setLeaseDurationSeconds(1);
        lease.getSpec().setRenewTime(now);
        client.leases().inNamespace(namespace).resource(lease).update();
        LOG.info("released the Lease {}/{}", namespace, leaseName);
      } catch (KubernetesClientException e) {
        // Another instance took it meanwhile (409), or the API server is away: it expires by itself.
        LOG.warn("could not release the Lease {}/{}: {}", namespace, leaseName, e.getMessage());
      }
    }
  }
}
