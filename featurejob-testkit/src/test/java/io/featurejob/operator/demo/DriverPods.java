package io.featurejob.operator.demo;

import io.featurejob.operator.api.Labels;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.Map;

/**
 * Creates driver pods the way the operator's pod builder does (labels, args, template ConfigMap),
 * with Karpenter capacity-type placement for driver and executors.
 */
final class DriverPods {
  private DriverPods() {}

  static final String NAMESPACE = "ml";

  /** Creates the executor template ConfigMap and the driver pod; returns the created driver. */
  static Pod create(KubernetesClient client, String job, String name, String driverCapacity,
      String executorCapacity, int executors) {
    String template = """
        apiVersion: v1
        kind: Pod
        metadata:
          labels:
            app.kubernetes.io/managed-by: featurejob-operator
            featurejob.io/job: %s
        spec:
          nodeSelector:
            karpenter.sh/capacity-type: %s
          containers:
            - name: spark-kubernetes-executor
              resources:
                requests: {cpu: "2", memory: 5Gi}
                limits: {memory: 5Gi}
        """.formatted(job, executorCapacity);
    client.configMaps().inNamespace(NAMESPACE).resource(new ConfigMapBuilder()
        .withNewMetadata().withName(name + "-executor-template").withNamespace(NAMESPACE).endMetadata()
        .withData(Map.of(Labels.EXECUTOR_TEMPLATE_KEY, template))
        .build()).create();
    Pod driver = new PodBuilder()
        .withNewMetadata()
          .withName(name)
          .withNamespace(NAMESPACE)
          .addToLabels(Labels.MANAGED_BY, Labels.MANAGED_BY_VALUE)
          .addToLabels(Labels.SPARK_ROLE, Labels.ROLE_DRIVER)
          .addToLabels(Labels.JOB, job)
          .addToLabels(Labels.RUN, "r1")
          .addToLabels(Labels.ATTEMPT, "1")
        .endMetadata()
        .withNewSpec()
          .withRestartPolicy("Never")
          .withNodeSelector(Map.of("karpenter.sh/capacity-type", driverCapacity))
          .addNewContainer()
            .withName("spark-kubernetes-driver")
            .withImage("apache/spark:3.5.3")
            .withTerminationMessagePolicy("FallbackToLogsOnError")
            .withArgs("/opt/spark/bin/spark-submit", "--deploy-mode", "client",
                "--conf", "spark.executor.instances=" + executors,
                "--conf", "spark.kubernetes.executor.podTemplateFile=" + Labels.EXECUTOR_TEMPLATE_MOUNT + "/"
                    + Labels.EXECUTOR_TEMPLATE_KEY,
                "local:///opt/app/features.py")
            .withNewResources()
              .addToRequests("cpu", new Quantity("1"))
              .addToRequests("memory", new Quantity("2560Mi"))
              .addToLimits("memory", new Quantity("2560Mi"))
            .endResources()
            .addNewVolumeMount().withName("executor-template").withMountPath(Labels.EXECUTOR_TEMPLATE_MOUNT)
            .endVolumeMount()
          .endContainer()
          .addNewVolume().withName("executor-template")
            .withNewConfigMap().withName(name + "-executor-template").endConfigMap()
          .endVolume()
        .endSpec()
        .build();
    return client.pods().inNamespace(NAMESPACE).resource(driver).create();
  }
}
