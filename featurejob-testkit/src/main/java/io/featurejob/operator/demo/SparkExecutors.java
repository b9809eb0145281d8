package io.featurejob.operator.demo;

import io.featurejob.operator.api.Labels;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Spark's side of client mode on Kubernetes: how many executors the driver asks for, and the
 * executor pods it creates from the executor pod template (Spark 3.5 BasicExecutorFeatureStep).
 */
final class SparkExecutors {
  private SparkExecutors() {}

  static final String EXECUTOR_CONTAINER = "spark-kubernetes-executor";
  /** Spark's default for spark.executor.instances. */
  static final int DEFAULT_INSTANCES = 2;
  private static final String INSTANCES_CONF = "spark.executor.instances=";
  private static final String TEMPLATE_FILE_CONF = "spark.kubernetes.executor.podTemplateFile=";

  /** spark.executor.instances from the driver's {@code --conf} arguments. */
  static int instances(Pod driver) {
    String instances = conf(driver, INSTANCES_CONF);
    if (instances == null) {
      return DEFAULT_INSTANCES;
    }
    try {
      return Integer.parseInt(instances.trim());
    } catch (NumberFormatException e) {
      return DEFAULT_INSTANCES;
    }
  }

  /** The value of the driver's {@code --conf key=value} argument (the last one), or null. */
  private static String conf(Pod driver, String keyAndEquals) {
    String value = null;
    for (Container container : driver.getSpec().getContainers()) {
      List<String> words = new ArrayList<>();
      if (container.getCommand() != null) {
        words.addAll(container.getCommand());
      }
      if (container.getArgs() != null) {
        words.addAll(container.getArgs());
      }
      for (String word : words) {
        String conf = word.startsWith("--conf=") ? word.substring("--conf=".length()) : word;
        if (conf.startsWith(keyAndEquals)) {
          value = conf.substring(keyAndEquals.length());
        }
      }
    }
    return value;
  }

  /**
   * The executor pod template as Spark reads it: the file spark.kubernetes.executor.podTemplateFile names,
   * looked up in the ConfigMap volume mounted at its directory (the key is the file name); null when the
   * driver names no template or its ConfigMap or key is missing.
   */
  static Pod template(KubernetesClient client, Pod driver) {
    String file = conf(driver, TEMPLATE_FILE_CONF);
    if (file == null || driver.getSpec().getVolumes() == null) {
      return null;
    }
    for (Container container : driver.getSpec().getContainers()) {
      for (VolumeMount mount : container.getVolumeMounts() == null ? List.<VolumeMount>of() : container.getVolumeMounts()) {
        String directory = mount.getMountPath().endsWith("/") ? mount.getMountPath() : mount.getMountPath() + "/";
        if (!file.startsWith(directory)) {
          continue;
        }
        String key = file.substring(directory.length());
        for (Volume volume : driver.getSpec().getVolumes()) {
          if (volume.getName().equals(mount.getName()) && volume.getConfigMap() != null) {
            ConfigMap configMap = client.configMaps().inNamespace(driver.getMetadata().getNamespace())
                .withName(volume.getConfigMap().getName()).get();
            String yaml = configMap == null || configMap.getData() == null ? null : configMap.getData().get(key);
            return yaml == null ? null : client.getKubernetesSerialization().unmarshal(yaml, Pod.class);
          }
        }
      }
    }
    return null;
  }

  /** Executor {@code id} (1-based) as Spark creates it: template placement, owned by the driver. */
  static Pod executor(Pod driver, Pod template, int id) {
    Pod base = template != null ? template : new Pod();
    PodSpec templateSpec = base.getSpec() != null ? base.getSpec() : new PodSpec();
    Container templateContainer = templateSpec.getContainers() == null || templateSpec.getContainers().isEmpty()
        ? new Container() : templateSpec.getContainers().get(0);
    Container driverContainer = driver.getSpec().getContainers().get(0);
    String driverName = driver.getMetadata().getName();
    String appId = appId(driver);

    Map<String, String> labels = new LinkedHashMap<>();
    if (base.getMetadata() != null && base.getMetadata().getLabels() != null) {
      labels.putAll(base.getMetadata().getLabels());
    }
    labels.put("spark-app-selector", appId);
    labels.put("spark-exec-id", String.valueOf(id));
    labels.put("spark-exec-resourceprofile-id", "0");
    labels.put(Labels.SPARK_ROLE, Labels.ROLE_EXECUTOR);
    Map<String, String> annotations = base.getMetadata() != null && base.getMetadata().getAnnotations() != null
        ? base.getMetadata().getAnnotations() : Map.of();

    List<EnvVar> env = new ArrayList<>();
    if (templateContainer.getEnv() != null) {
      env.addAll(templateContainer.getEnv());
    }
    env.add(new EnvVar("SPARK_EXECUTOR_ID", String.valueOf(id), null));
    env.add(new EnvVar("SPARK_APPLICATION_ID", appId, null));
    env.add(new EnvVar("SPARK_DRIVER_URL",
        "spark://CoarseGrainedScheduler@" + driverName + "-svc." + driver.getMetadata().getNamespace()
            + ".svc:7078", null));
    Container container = new ContainerBuilder(templateContainer)
        .withName(templateContainer.getName() != null ? templateContainer.getName() : EXECUTOR_CONTAINER)
        .withImage(templateContainer.getImage() != null ? templateContainer.getImage() : driverContainer.getImage())
        .withArgs("executor")
        .withEnv(env)
        .build();

    String name = driverName + "-exec-" + id;
    return new PodBuilder()
        .withNewMetadata()
          .withName(name)
          .withNamespace(driver.getMetadata().getNamespace())
          .withLabels(labels)
          .withAnnotations(annotations)
          .addNewOwnerReference()
            .withApiVersion("v1").withKind("Pod").withName(driverName).withUid(driver.getMetadata().getUid())
            .withController(true).withBlockOwnerDeletion(true)
          .endOwnerReference()
        .endMetadata()
        .withNewSpecLike(templateSpec)
          .withHostname(name)
          .withRestartPolicy("Never")
          .withContainers(container)
        .endSpec()
        .build();
  }

  /** Spark's application id: {@code spark-} and 32 hex digits. */
  static String appId(Pod driver) {
    String uid = driver.getMetadata().getUid() == null ? driver.getMetadata().getName() : driver.getMetadata().getUid();
    return "spark-" + String.format("%032x", new java.math.BigInteger(1, uid.getBytes())).substring(0, 32);
  }

  /** The QoS class the API server assigns (all containers considered, cpu and memory only). */
  static String qosClass(PodSpec spec) {
    boolean any = false;
    boolean guaranteed = true;
    for (Container container : spec.getContainers()) {
      ResourceRequirements resources = container.getResources();
      Map<String, Quantity> requests = resources == null || resources.getRequests() == null
          ? Map.of() : resources.getRequests();
      Map<String, Quantity> limits = resources == null || resources.getLimits() == null
          ? Map.of() : resources.getLimits();
      for (String resource : List.of("cpu", "memory")) {
        Quantity limit = limits.get(resource);
        Quantity request = requests.getOrDefault(resource, limit);
        any |= request != null || limit != null;
        guaranteed &= limit != null && request != null && limit.equals(request);
      }
    }
    return !any ? "BestEffort" : guaranteed ? "Guaranteed" : "Burstable";
  }
}
