package io.featurejob.operator.spark;

import static io.featurejob.operator.spark.SparkFixtures.examplePlan;
import static io.featurejob.operator.spark.SparkFixtures.job;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.featurejob.operator.api.CapacityType;
import io.featurejob.operator.api.FeatureJob;
import io.featurejob.operator.api.Labels;
import io.featurejob.operator.policy.LaunchPlan;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ExecutorPodTemplateTest {
  private final FeatureJob job = job("trip-features");
  private final LaunchPlan plan = examplePlan("trip-features");

  @Test
  void templateCarriesExecutorPlacementAndJobLabels() {
    Pod template = ExecutorPodTemplate.pod(job, plan, CapacityProfiles.named("aks"), true);
    assertEquals(Map.of(
        Labels.MANAGED_BY, "featurejob-operator",
        Labels.NAME, "featurejob-spark",
        Labels.JOB, "trip-features",
        Labels.SPARK_ROLE, "executor"), template.getMetadata().getLabels(),
        "no run or attempt label: one template serves every attempt (Spark adds them from the label confs)");
    assertEquals(Map.of("kubernetes.azure.com/scalesetpriority", "spot"), template.getSpec().getNodeSelector());
    assertEquals("kubernetes.azure.com/scalesetpriority", template.getSpec().getTolerations().get(0).getKey());
    assertNull(template.getSpec().getAffinity(), "spot placement has no on-demand anti-affinity");
    assertEquals(ExecutorPodTemplate.CONTAINER_NAME, template.getSpec().getContainers().get(0).getName());
    assertTrue(template.getMetadata().getOwnerReferences() == null
        || template.getMetadata().getOwnerReferences().isEmpty(), "Spark adds the driver as owner");
  }

  @Test
  void templateFollowsExecutorCapacityOfThePlan() {
    LaunchPlan fallback = SparkFixtures.plan("trip-features", "20261123-2300", 4,
        CapacityType.OnDemand, CapacityType.OnDemand, 2048, 4096);
    Pod template = ExecutorPodTemplate.pod(job, fallback, CapacityProfiles.named("karpenter"), true);
    assertEquals(Map.of("karpenter.sh/capacity-type", "on-demand"), template.getSpec().getNodeSelector());
  }

  @Test
  void theConfigMapHoldsBothCapacitiesTemplatesSoAFallbackNeedsNoWrite() {
    LaunchPlan fallback = SparkFixtures.plan("trip-features", "20261124-2300", 2,
        CapacityType.OnDemand, CapacityType.OnDemand, plan.driverMemoryMiB(), plan.executorMemoryMiB());
    ConfigMap configMap = ExecutorPodTemplate.configMap(job, CapacityProfiles.named("karpenter"), true);
    KubernetesSerialization yaml = new KubernetesSerialization();
    assertEquals(yaml.asYaml(ExecutorPodTemplate.pod(job, plan, CapacityProfiles.named("karpenter"), true)),
        configMap.getData().get(ExecutorPodTemplate.key(CapacityType.Spot)));
    assertEquals(yaml.asYaml(ExecutorPodTemplate.pod(job, fallback, CapacityProfiles.named("karpenter"), true)),
        configMap.getData().get(ExecutorPodTemplate.key(CapacityType.OnDemand)));
    assertEquals(Map.of("karpenter.sh/capacity-type", "on-demand"),
        ExecutorPodTemplate.fromConfigMap(configMap, CapacityType.OnDemand).getSpec().getNodeSelector());
  }

  @Test
  void keysAndFilesPerCapacity() {
    assertEquals("executor-template-spot.yaml", ExecutorPodTemplate.key(CapacityType.Spot));
    assertEquals("executor-template-on-demand.yaml", ExecutorPodTemplate.key(CapacityType.OnDemand));
    assertEquals("/opt/featurejob/executor-template/executor-template-on-demand.yaml",
        ExecutorPodTemplate.file(CapacityType.OnDemand));
  }

  @Test
  void restrictedSecurityContextOnAndOff() {
    Pod on = ExecutorPodTemplate.pod(job, plan, CapacityProfiles.named("none"), true);
    assertEquals(185L, on.getSpec().getSecurityContext().getRunAsUser());
    assertTrue(on.getSpec().getSecurityContext().getRunAsNonRoot());
    assertEquals("RuntimeDefault", on.getSpec().getSecurityContext().getSeccompProfile().getType());
    assertFalse(on.getSpec().getContainers().get(0).getSecurityContext().getAllowPrivilegeEscalation());
    assertEquals(List.of("ALL"), on.getSpec().getContainers().get(0).getSecurityContext().getCapabilities().getDrop());

    Pod off = ExecutorPodTemplate.pod(job, plan, CapacityProfiles.named("none"), false);
    assertNull(off.getSpec().getSecurityContext());
    assertNull(off.getSpec().getContainers().get(0).getSecurityContext());
  }

  @Test
  void configMapHoldsTheTemplateAsYamlAndIsOwnedByTheJob() {
    ConfigMap configMap = ExecutorPodTemplate.configMap(job, CapacityProfiles.named("gke"), true);
    assertEquals("trip-features-executor-template", configMap.getMetadata().getName());
    assertEquals("ml", configMap.getMetadata().getNamespace());
    assertEquals("trip-features", configMap.getMetadata().getLabels().get(Labels.JOB));
    assertEquals("featurejob-operator", configMap.getMetadata().getLabels().get(Labels.MANAGED_BY));
    assertEquals(java.util.Set.of("executor-template-spot.yaml", "executor-template-on-demand.yaml",
        DriverEvidence.ENTRYPOINT_KEY), configMap.getData().keySet());
    assertEquals(java.util.Set.of(DriverEvidence.SUMMARY_CLASS_KEY), configMap.getBinaryData().keySet());
    String yaml = configMap.getData().get("executor-template-spot.yaml");
    assertTrue(yaml.contains("kind: \"Pod\"") || yaml.contains("kind: Pod"), yaml);
    assertTrue(yaml.contains("cloud.google.com/gke-spot"), yaml);
    assertNotEquals(yaml, configMap.getData().get("executor-template-on-demand.yaml"));

    OwnerReference owner = configMap.getMetadata().getOwnerReferences().get(0);
    assertEquals("featurejob.io/v1alpha1", owner.getApiVersion());
    assertEquals("FeatureJob", owner.getKind());
    assertEquals("trip-features", owner.getName());
    assertEquals(SparkFixtures.UID, owner.getUid());
    assertTrue(owner.getController());
    assertTrue(owner.getBlockOwnerDeletion());
  }

  @Test
  void templateReadsBackFromTheConfigMap() {
    Pod template = ExecutorPodTemplate.pod(job, plan, CapacityProfiles.named("gke"), true);
    assertEquals(template, ExecutorPodTemplate.fromConfigMap(
        ExecutorPodTemplate.configMap(job, Map.of(CapacityType.Spot, template)), CapacityType.Spot));
  }

  @Test
  void configMapWithoutTemplateIsAnError() {
    ConfigMap empty = new ConfigMapBuilder().withNewMetadata().withName("x").endMetadata().build();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ExecutorPodTemplate.fromConfigMap(empty, CapacityType.OnDemand));
    assertTrue(e.getMessage().contains("executor-template-on-demand.yaml"), e.getMessage());
  }
}
