package io.featurejob.operator.spark;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.featurejob.operator.api.FeatureJob;
import io.featurejob.operator.api.Labels;
import io.featurejob.operator.policy.LaunchPlan;

/**
 * The executor pod template: Spark merges it under every executor pod it creates, which is how
 * executors get their capacity placement (Spark has no per-role tolerations or affinity confs).
 * It lives in one ConfigMap per job, owned by the job. Its content does not depend on the attempt (the
 * run and attempt labels reach the executors through {@code spark.kubernetes.executor.label.*}, see
 * {@link SparkSubmitArgs}), only on the spec and the attempt's executor capacity, so the operator
 * writes it only when that content changes, not before every attempt.
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
    return PodTemplateMerge.forExecutors(operatorPod(job, plan, profile, restrictedSecurityContext), job.getSpec()).pod();
  }

  /** The template as the operator alone builds it. */
  static Pod operatorPod(FeatureJob job, LaunchPlan plan, CapacityProfile profile, boolean restrictedSecurityContext) {
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
    profile.placement(plan.executorCapacity()).applyTo(spec);
    return pod;
  }

  /**
   * The ConfigMap the driver mounts, holding {@code template} as YAML under {@link Labels#EXECUTOR_TEMPLATE_KEY},
   * and the driver's evidence entrypoint and summarizer ({@link DriverEvidence}).
   */
  public static ConfigMap configMap(FeatureJob job, Pod template) {
    String name = job.getMetadata().getName();
    return new ConfigMapBuilder()
        .withNewMetadata()
        .withName(PodNames.executorTemplateConfigMap(name))
        .withNamespace(job.getMetadata().getNamespace())
        .withLabels(PodLabels.forJob(name))
        .withOwnerReferences(OwnerReferences.controlledBy(job))
        .endMetadata()
        .addToData(Labels.EXECUTOR_TEMPLATE_KEY, SERIALIZATION.asYaml(template))
        .addToData(DriverEvidence.configMapData())
        .addToBinaryData(DriverEvidence.configMapBinaryData())
        .build();
  }

  /** The ConfigMap for this attempt: {@link #pod} wrapped by {@link #configMap(FeatureJob, Pod)}. */
  public static ConfigMap configMap(FeatureJob job, LaunchPlan plan, CapacityProfile profile, boolean restrictedSecurityContext) {
    return configMap(job, pod(job, plan, profile, restrictedSecurityContext));
  }

  /**
   * Reads the template back out of its ConfigMap, as Spark does (used by simulators and tests).
   *
   * @throws IllegalArgumentException when the ConfigMap holds no template
   */
  public static Pod fromConfigMap(ConfigMap configMap) {
    String yaml = configMap.getData() == null ? null : configMap.getData().get(Labels.EXECUTOR_TEMPLATE_KEY);
    if (yaml == null) {
      throw new IllegalArgumentException("ConfigMap " + configMap.getMetadata().getName()
          + " has no key " + Labels.EXECUTOR_TEMPLATE_KEY);
    }
    return SERIALIZATION.unmarshal(yaml, Pod.class);
  }
}
