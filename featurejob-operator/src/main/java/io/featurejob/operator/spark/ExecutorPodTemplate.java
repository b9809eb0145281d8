package io.featurejob.operator.spark;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.featurejob.operator.api.CapacityType;
import io.featurejob.operator.api.FeatureJob;
import io.featurejob.operator.api.Labels;
import io.featurejob.operator.policy.LaunchPlan;
import java.util.EnumMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The executor pod template: Spark merges it under every executor pod it creates, which is how
 * executors get their capacity placement (Spark has no per-role tolerations or affinity confs).
 * It lives in one ConfigMap per job, owned by the job, which holds one template per executor capacity
 * (spot and on-demand); the driver's {@code spark.kubernetes.executor.podTemplateFile} names the one its
 * attempt uses. So the ConfigMap's content depends only on the spec: not on the attempt (the run and
 * attempt labels reach the executors through {@code spark.kubernetes.executor.label.*}, see
 * {@link SparkSubmitArgs}), and not on a fallback to on-demand, which changes only the driver pod the
 * operator creates anyway. The operator writes it when a job is new or its spec changes, not per attempt.
 *
 * <p>No owner references in the template: Spark makes each executor owned by the driver pod, and a
 * second controller reference would make the API server reject the executor.
 */
public final class ExecutorPodTemplate {
  private ExecutorPodTemplate() {}

  /** Spark's default executor container name; also passed as podTemplateContainerName. */
  public static final String CONTAINER_NAME = "spark-kubernetes-executor";

  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

  /** The template pod for this attempt's executors, with the user's spark.executor additions merged in. */
  public static Pod pod(FeatureJob job, LaunchPlan plan, CapacityProfile profile, boolean restrictedSecurityContext) {
    return pod(job, plan.executorCapacity(), profile, restrictedSecurityContext);
  }

  /** The template pod for executors on {@code capacity}, with the user's spark.executor additions merged in. */
  public static Pod pod(FeatureJob job, CapacityType capacity, CapacityProfile profile, boolean restrictedSecurityContext) {
    return PodTemplateMerge.forExecutors(operatorPod(job, capacity, profile, restrictedSecurityContext), job.getSpec()).pod();
  }

  /** The template as the operator alone builds it, for this attempt's executor capacity. */
  static Pod operatorPod(FeatureJob job, LaunchPlan plan, CapacityProfile profile, boolean restrictedSecurityContext) {
    return operatorPod(job, plan.executorCapacity(), profile, restrictedSecurityContext);
  }

  private static Pod operatorPod(FeatureJob job, CapacityType capacity, CapacityProfile profile,
      boolean restrictedSecurityContext) {
    String name = job.getMetadata().getName();
    Pod pod = new PodBuilder()
        .withNewMetadata()
        .withLabels(PodLabels.executorTemplate(name))
        .endMetadata()
        .withNewSpec()
        .addToContainers(new ContainerBuilder()
            .withName(CONTAINER_NAME)
            .withSecurityContext(restrictedSecurityContext ? PodSecurity.restrictedContainer() : null)
            .build())
        .withSecurityContext(restrictedSecurityContext ? PodSecurity.restrictedPod() : null)
        .endSpec()
        .build();
    PodSpec spec = pod.getSpec();
    profile.placement(capacity).applyTo(spec);
    return pod;
  }

  /** The ConfigMap key of the template for executors on {@code capacity}. */
  public static String key(CapacityType capacity) {
    return switch (capacity) {
      case Spot -> "executor-template-spot.yaml";
      case OnDemand -> "executor-template-on-demand.yaml";
    };
  }

  /** Where the driver reads that template: the ConfigMap's mount plus {@link #key}. */
  public static String file(CapacityType capacity) {
    return Labels.EXECUTOR_TEMPLATE_MOUNT + "/" + key(capacity);
  }

  /**
   * The ConfigMap the driver mounts, holding each of {@code templates} as YAML under its {@link #key}, and
   * the driver's evidence entrypoint and summarizer ({@link DriverEvidence}).
   */
  public static ConfigMap configMap(FeatureJob job, Map<CapacityType, Pod> templates) {
    String name = job.getMetadata().getName();
    Map<String, String> data = new TreeMap<>();
    templates.forEach((capacity, template) -> data.put(key(capacity), SERIALIZATION.asYaml(template)));
    return new ConfigMapBuilder()
        .withNewMetadata()
        .withName(PodNames.executorTemplateConfigMap(name))
        .withNamespace(job.getMetadata().getNamespace())
        .withLabels(PodLabels.forJob(name))
        .withOwnerReferences(OwnerReferences.controlledBy(job))
        .endMetadata()
        .addToData(data)
        .addToData(DriverEvidence.configMapData())
        .addToBinaryData(DriverEvidence.configMapBinaryData())
        .build();
  }

  /** The job's ConfigMap: its template for every executor capacity ({@link #pod}), for any attempt. */
  public static ConfigMap configMap(FeatureJob job, CapacityProfile profile, boolean restrictedSecurityContext) {
    Map<CapacityType, Pod> templates = new EnumMap<>(CapacityType.class);
    for (CapacityType capacity : CapacityType.values()) {
      templates.put(capacity, pod(job, capacity, profile, restrictedSecurityContext));
    }
    return configMap(job, templates);
  }

  /**
   * Reads the template for {@code capacity} back out of its ConfigMap, as Spark does (simulators and tests).
   *
   * @throws IllegalArgumentException when the ConfigMap holds no such template
   */
  public static Pod fromConfigMap(ConfigMap configMap, CapacityType capacity) {
    String yaml = configMap.getData() == null ? null : configMap.getData().get(key(capacity));
    if (yaml == null) {
      throw new IllegalArgumentException("ConfigMap " + configMap.getMetadata().getName()
          + " has no key " + key(capacity));
    }
    return SERIALIZATION.unmarshal(yaml, Pod.class);
  }
}
