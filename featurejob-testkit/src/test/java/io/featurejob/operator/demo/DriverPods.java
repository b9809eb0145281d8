package io.featurejob.operator.demo;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import io.featurejob.operator.api.CapacityType;
import io.featurejob.operator.api.ExecutorSpec;
import io.featurejob.operator.api.FeatureJob;
import io.featurejob.operator.api.Importance;
import io.featurejob.operator.policy.LaunchPlan;
import io.featurejob.operator.policy.ResolvedSpec;
import io.featurejob.operator.policy.SpecResolver;
import io.featurejob.operator.spark.CapacityProfile;
import io.featurejob.operator.spark.CapacityProfiles;
import io.featurejob.operator.spark.DriverPodBuilder;
import io.featurejob.operator.spark.ExecutorPodTemplate;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/**
 * Creates a driver pod and its executor template ConfigMap with the operator's own builders
 * ({@link DriverPodBuilder}, {@link ExecutorPodTemplate}), so the simulated kubelet is tested on the
 * pods the operator really creates, placed by the Karpenter capacity profile.
 */
final class DriverPods {
  private DriverPods() {}

  static final String NAMESPACE = Stories.NAMESPACE;
  private static final CapacityProfile KARPENTER = CapacityProfiles.named("karpenter");
  private static final Instant WINDOW_END = Instant.parse("2025-03-01T00:00:00Z");

  /**
   * Creates the executor template ConfigMap and the driver pod {@code name} (attempt 1 of run r1) of job
   * {@code job}; capacities are Karpenter's capacity-type values ("spot", "on-demand"). Returns the
   * created driver.
   */
  static Pod create(KubernetesClient client, String job, String name, String driverCapacity,
      String executorCapacity, int executors) {
    FeatureJob featureJob = Stories.job(job, "trips_hourly", Importance.Normal, Map.of());
    featureJob.getMetadata().setUid(UUID.randomUUID().toString());
    featureJob.getSpec().spark.executor = new ExecutorSpec();
    featureJob.getSpec().spark.executor.instances = executors;
    SpecResolver.Result resolved = new SpecResolver(SpecResolver.BUILT_IN_RETRY).resolve(featureJob.getSpec());
    if (resolved.spec() == null) {
      throw new IllegalArgumentException("invalid test job: " + resolved.errors());
    }
    ResolvedSpec spec = resolved.spec();
    LaunchPlan plan = new LaunchPlan("r1", 1, name, WINDOW_END.minusSeconds(86_400), WINDOW_END,
        capacity(driverCapacity), capacity(executorCapacity), spec.spark().driverMemoryMiB(),
        spec.spark().executorMemoryMiB(), LaunchPlan.Trigger.Schedule);
    // one template per job, as the operator keeps it: a second attempt's driver reuses it
    client.configMaps().inNamespace(NAMESPACE)
        .resource(ExecutorPodTemplate.configMap(featureJob, KARPENTER, false)).createOr(NonDeletingOperation::update);
    return client.pods().inNamespace(NAMESPACE)
        .resource(DriverPodBuilder.build(featureJob, spec, plan, KARPENTER, false)).create();
  }

  private static CapacityType capacity(String karpenterValue) {
    return switch (karpenterValue) {
      case "spot" -> CapacityType.Spot;
      case "on-demand" -> CapacityType.OnDemand;
      default -> throw new IllegalArgumentException("capacity-type " + karpenterValue);
    };
  }
}
