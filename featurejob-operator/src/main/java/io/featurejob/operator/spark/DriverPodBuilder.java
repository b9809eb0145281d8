package io.featurejob.operator.spark;

import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.ContainerPortBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.featurejob.operator.api.FeatureJob;
import io.featurejob.operator.api.Labels;
import io.featurejob.operator.api.SparkMemory;
import io.featurejob.operator.policy.LaunchPlan;
import io.featurejob.operator.policy.ResolvedSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds the driver pod of one attempt (docs/design.md §4). The pod runs spark-submit in client mode, so the
 * driver runs inside it, creates its executors through the API server and owns them: deleting the
 * driver deletes the executors. Everything needed to rebuild the attempt is on the pod's labels and
 * annotations (see {@link PodAttempt}), so a restarted operator can adopt it.
 */
public final class DriverPodBuilder {
  private DriverPodBuilder() {}

  public static final String CONTAINER_NAME = "spark-kubernetes-driver";
  public static final String TEMPLATE_VOLUME = "executor-template";

  public static final String ENV_POD_IP = "POD_IP";
  public static final String ENV_POD_NAME = "POD_NAME";
  public static final String ENV_POD_NAMESPACE = "POD_NAMESPACE";
  public static final String ENV_BIND_ADDRESS = "SPARK_DRIVER_BIND_ADDRESS";
  public static final String ENV_WINDOW_START = "WINDOW_START";
  public static final String ENV_WINDOW_END = "WINDOW_END";

  /**
   * The driver pod, with the user's spark.driver additions merged in (see {@link PodTemplateMerge}).
   *
   * @param restrictedSecurityContext run as the image's non-root user with RuntimeDefault seccomp
   *     and no capabilities (the "restricted" Pod Security Standard)
   */
  public static Pod build(FeatureJob job, ResolvedSpec spec, LaunchPlan plan, CapacityProfile profile,
      boolean restrictedSecurityContext) {
    return PodTemplateMerge.forDriver(operatorPod(job, spec, plan, profile, restrictedSecurityContext), job.getSpec()).pod();
  }

  /** The driver pod as the operator alone builds it, before the user's spark.driver additions. */
  static Pod operatorPod(FeatureJob job, ResolvedSpec spec, LaunchPlan plan, CapacityProfile profile,
      boolean restrictedSecurityContext) {
    String name = job.getMetadata().getName();
    String namespace = job.getMetadata().getNamespace();
    ResolvedSpec.Spark spark = spec.spark();
    String podName = plan.podName() != null ? plan.podName() : PodNames.driverPod(name, plan.runId(), plan.attempt());

    long memoryMiB = plan.driverMemoryMiB() + MemoryOverhead.mebibytes(spark.driverOverheadMiB(), plan.driverMemoryMiB());
    Quantity memory = new Quantity(memoryMiB + "Mi");

    Pod pod = new PodBuilder()
        .withNewMetadata()
        .withName(podName)
        .withNamespace(namespace)
        .withLabels(PodLabels.driver(name, plan.runId(), plan.attempt()))
        .withAnnotations(annotations(plan))
        .withOwnerReferences(OwnerReferences.controlledBy(job))
        .endMetadata()
        .withNewSpec()
        .withRestartPolicy("Never")
        .withServiceAccountName(spark.serviceAccountName())
        .withSecurityContext(restrictedSecurityContext ? PodSecurity.restrictedPod() : null)
        .addToContainers(new ContainerBuilder()
            .withName(CONTAINER_NAME)
            .withImage(spark.image())
            .withCommand(DriverEvidence.command(SparkSubmitArgs.SPARK_SUBMIT))
            .withArgs(SparkSubmitArgs.build(name, namespace, spark, plan))
            .withEnv(env(plan))
            .withPorts(ports())
            .withResources(new ResourceRequirementsBuilder()
                .addToRequests("cpu", new Quantity(spark.driverCores()))
                .addToRequests("memory", memory)
                .addToLimits("memory", new Quantity(memoryMiB + "Mi"))
                .build())
            .addNewVolumeMount()
            .withName(TEMPLATE_VOLUME)
            .withMountPath(Labels.EXECUTOR_TEMPLATE_MOUNT)
            .withReadOnly(true)
            .endVolumeMount()
            .addToVolumeMounts(DriverEvidence.volumeMount())
            // The failure evidence arrives in pod status, no log API calls: the entrypoint's summary,
            // else (it could not run) the kubelet's log tail.
            .withTerminationMessagePolicy("FallbackToLogsOnError")
            .withSecurityContext(restrictedSecurityContext ? PodSecurity.restrictedContainer() : null)
            .build())
        .addNewVolume()
        .withName(TEMPLATE_VOLUME)
        .withNewConfigMap()
        .withName(PodNames.executorTemplateConfigMap(name))
        .endConfigMap()
        .endVolume()
        .addToVolumes(DriverEvidence.volume(PodNames.executorTemplateConfigMap(name)))
        .endSpec()
        .build();
    profile.placement(plan.driverCapacity()).applyTo(pod.getSpec());
    return pod;
  }

  /** The annotations {@link PodAttempt} reads back; absent windows are left out. */
  static Map<String, String> annotations(LaunchPlan plan) {
    Map<String, String> annotations = new LinkedHashMap<>();
    if (plan.windowStart() != null) {
      annotations.put(Labels.WINDOW_START, SparkSubmitArgs.rfc3339(plan.windowStart()));
    }
    if (plan.windowEnd() != null) {
      annotations.put(Labels.WINDOW_END, SparkSubmitArgs.rfc3339(plan.windowEnd()));
    }
    annotations.put(Labels.DRIVER_CAPACITY, plan.driverCapacity().name());
    annotations.put(Labels.EXECUTOR_CAPACITY, plan.executorCapacity().name());
    annotations.put(Labels.DRIVER_MEMORY, SparkMemory.fromMebibytes(plan.driverMemoryMiB()));
    annotations.put(Labels.EXECUTOR_MEMORY, SparkMemory.fromMebibytes(plan.executorMemoryMiB()));
    annotations.put(Labels.TRIGGER, plan.trigger().name());
    return annotations;
  }

  private static List<EnvVar> env(LaunchPlan plan) {
    List<EnvVar> env = new ArrayList<>();
    env.add(fieldRef(ENV_POD_IP, "status.podIP"));
    env.add(fieldRef(ENV_POD_NAME, "metadata.name"));
    env.add(fieldRef(ENV_POD_NAMESPACE, "metadata.namespace"));
    env.add(fieldRef(ENV_BIND_ADDRESS, "status.podIP"));
    env.add(new EnvVar(ENV_WINDOW_START, SparkSubmitArgs.rfc3339(plan.windowStart()), null));
    env.add(new EnvVar(ENV_WINDOW_END, SparkSubmitArgs.rfc3339(plan.windowEnd()), null));
    return env;
  }

  private static EnvVar fieldRef(String name, String fieldPath) {
    return new EnvVarBuilder()
        .withName(name)
        .withNewValueFrom().withNewFieldRef().withFieldPath(fieldPath).endFieldRef().endValueFrom()
        .build();
  }

  private static List<ContainerPort> ports() {
    return List.of(
        port("driver-rpc", SparkSubmitArgs.DRIVER_PORT),
        port("blockmanager", SparkSubmitArgs.BLOCK_MANAGER_PORT),
        port("spark-ui", SparkSubmitArgs.UI_PORT));
  }

  private static ContainerPort port(String name, int number) {
    return new ContainerPortBuilder().withName(name).withContainerPort(number).withProtocol("TCP").build();
  }
}
