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

  /** spark.executor.instances from the driver's {@code --conf} arguments. */
  static int instances(Pod driver) {
    List<String> words = new ArrayList<>();
    for (Container container : driver.getSpec().getContainers()) {
      if (container.getCommand() != null) {
        words.addAll(container.getCommand());
      }
      if (container.getArgs() != null) {
        words.addAll(container.getArgs());
      }
    }
    for (String word : words) {
      String conf = word.startsWith("--conf=") ? word.substring("--conf=".length()) : word;
      if (conf.startsWith(INSTANCES_CONF)) {
        try {
          return Integer.parseInt(conf.substring(INSTANCES_CONF.length()).trim());
        } catch (NumberFormatException e) {
          return DEFAULT_INSTANCES;
        }
      }
    }
    return DEFAULT_INSTANCES;
  }

  /** The executor pod template from the ConfigMap volume holding it, or null when there is none. */
  static Pod template(KubernetesClient client, Pod driver) {
    List<Volume> volumes = driver.getSpec().getVolumes();
    if (volumes == null) {
      return null;
    }
    for (Volume volume : volumes) {
      if (volume.getConfigMap() == null) {
        continue;
      }
      ConfigMap configMap = client.configMaps().inNamespace(driver.getMetadata().getNamespace())
          .withName(volume.getConfigMap().getName()).get();
      if (configMap != null && configMap.getData() != null
          && configMap.getData().containsKey(Labels.EXECUTOR_TEMPLATE_KEY)) {
        return client.getKubernetesSerialization()
            .unmarshal(configMap.getData().get(Labels.EXECUTOR_TEMPLATE_KEY), Pod.class);
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
