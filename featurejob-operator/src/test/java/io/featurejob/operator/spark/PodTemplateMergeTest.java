package io.featurejob.operator.spark;

import static io.featurejob.operator.spark.SparkFixtures.examplePlan;
import static io.featurejob.operator.spark.SparkFixtures.exampleSpec;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.NodeSelectorTerm;
import io.fabric8.kubernetes.api.model.NodeSelectorTermBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.featurejob.operator.api.FeatureJob;
import io.featurejob.operator.api.FeatureJobSpec;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.featurejob.operator.api.CapacityType;
import io.featurejob.operator.policy.LaunchPlan;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The merge table: each row is a spec.spark excerpt (YAML), the role, what the merged pod must show,
 * and which user values are reported as overridden. The operator's pods come from the real builders
 * (karpenter profile, restricted security context; a zone-pinned profile for the affinity rows).
 */
class PodTemplateMergeTest {
  private static final String JOB = "trip-features";
  private static final LaunchPlan PLAN = examplePlan(JOB);
  private static final CapacityProfile KARPENTER = CapacityProfiles.named("karpenter");
  private static final CapacityProfile ZONED = new CapacityProfile("zoned", null, new NodePlacement(null, null, List.of(
      zone("eu-west-1a"), zone("eu-west-1b"))));

  private static NodeSelectorTerm zone(String zone) {
    return new NodeSelectorTermBuilder().addNewMatchExpression()
        .withKey("topology.kubernetes.io/zone").withOperator("In").withValues(zone).endMatchExpression().build();
  }

  enum Role { Driver, Executor }

  private static FeatureJob job(String sparkYaml) {
    FeatureJob job = SparkFixtures.job(JOB);
    job.setSpec(Serialization.unmarshal("spark:\n  image: apache/spark:3.5.3\n  mainApplicationFile: local:///app.py\n"
        + sparkYaml.indent(2), FeatureJobSpec.class));
    return job;
  }

  private static PodTemplateMerge.Result merge(Role role, String sparkYaml, CapacityProfile profile) {
    FeatureJob job = job(sparkYaml);
    return role == Role.Driver
        ? PodTemplateMerge.forDriver(DriverPodBuilder.operatorPod(job, exampleSpec(), PLAN, profile, true), job.getSpec())
        : PodTemplateMerge.forExecutors(ExecutorPodTemplate.operatorPod(job, PLAN, profile, true), job.getSpec());
  }

  private static Container spark(Pod pod) {
    return pod.getSpec().getContainers().get(0);
  }

  private static Arguments row(String name, Role role, String sparkYaml, Function<Pod, Object> actual, Object expected,
      List<String> overridden) {
    return Arguments.of(name, role, sparkYaml, actual, expected, overridden);
  }

  static Stream<Arguments> table() {
    return Stream.of(
        row("free labels are added", Role.Driver, "driver: {labels: {team: mobility}}",
            p -> p.getMetadata().getLabels().get("team"), "mobility", List.of()),
        row("the operator's labels win", Role.Driver,
            "driver: {labels: {featurejob.io/job: other, app.kubernetes.io/managed-by: me}}",
            p -> p.getMetadata().getLabels().get("featurejob.io/job"), JOB,
            List.of("spark.driver.labels[app.kubernetes.io/managed-by]", "spark.driver.labels[featurejob.io/job]")),
        row("Spark's executor labels win", Role.Executor, "executor: {labels: {spark-exec-id: \"7\", cost: ml}}",
            p -> p.getMetadata().getLabels().containsKey("spark-exec-id") + " " + p.getMetadata().getLabels().get("cost"),
            "false ml", List.of("spark.executor.labels[spark-exec-id]")),
        row("annotations: free added, the operator's win", Role.Driver,
            "driver: {annotations: {eks.amazonaws.com/role-arn: arn, featurejob.io/trigger: Unblock}}",
            p -> p.getMetadata().getAnnotations().get("eks.amazonaws.com/role-arn") + " "
                + p.getMetadata().getAnnotations().get("featurejob.io/trigger"),
            "arn Retry", List.of("spark.driver.annotations[featurejob.io/trigger]")),
        row("env from a Secret is added after the operator's; its names win", Role.Driver,
            "driver: {env: [{name: DB_PASSWORD, valueFrom: {secretKeyRef: {name: db, key: password}}},"
                + " {name: POD_IP, value: 1.2.3.4}]}",
            p -> spark(p).getEnv().stream().map(e -> e.getName() + (e.getValueFrom() != null
                && e.getValueFrom().getSecretKeyRef() != null ? "<-secret" : "")).toList(),
            List.of("POD_IP", "POD_NAME", "POD_NAMESPACE", "SPARK_DRIVER_BIND_ADDRESS", "WINDOW_START", "WINDOW_END",
                "DB_PASSWORD<-secret"),
            List.of("spark.driver.env[POD_IP]")),
        row("envFrom is added", Role.Executor, "executor: {envFrom: [{configMapRef: {name: settings}}]}",
            p -> spark(p).getEnvFrom().get(0).getConfigMapRef().getName(), "settings", List.of()),
        row("shared volumes on the driver; the operator's volume name wins", Role.Driver,
            "volumes: [{name: scratch, emptyDir: {}}, {name: executor-template, emptyDir: {}}]",
            p -> p.getSpec().getVolumes().stream().map(v -> v.getName() + (v.getConfigMap() != null ? ":cm" : "")).toList(),
            List.of("executor-template:cm", "featurejob-evidence:cm", "scratch"), List.of("spark.volumes[executor-template]")),
        row("shared volumes on the executors too", Role.Executor, "volumes: [{name: scratch, emptyDir: {}}]",
            p -> p.getSpec().getVolumes().get(0).getName(), "scratch", List.of()),
        row("mounts: free path added, the operator's path wins", Role.Driver,
            "driver: {volumeMounts: [{name: conf, mountPath: /etc/app}, {name: x, mountPath: /opt/featurejob/executor-template}]}",
            p -> spark(p).getVolumeMounts().stream().map(m -> m.getName() + "@" + m.getMountPath()).toList(),
            List.of("executor-template@/opt/featurejob/executor-template", "featurejob-evidence@/opt/featurejob/evidence",
                "conf@/etc/app"),
            List.of("spark.driver.volumeMounts[/opt/featurejob/executor-template]")),
        row("tolerations are added to the profile's", Role.Executor,
            "executor: {tolerations: [{key: gpu, operator: Exists, effect: NoSchedule}]}",
            p -> p.getSpec().getTolerations().stream().map(Toleration::getKey).toList(), List.of("gpu"), List.of()),
        row("nodeSelector: free key added, the profile's key wins", Role.Executor,
            "executor: {nodeSelector: {pool: features, karpenter.sh/capacity-type: on-demand}}",
            p -> p.getSpec().getNodeSelector(), Map.of("pool", "features", "karpenter.sh/capacity-type", "spot"),
            List.of("spark.executor.nodeSelector[karpenter.sh/capacity-type]")),
        row("nodeSelector: the profile's own value is no conflict", Role.Executor,
            "executor: {nodeSelector: {karpenter.sh/capacity-type: spot}}",
            p -> p.getSpec().getNodeSelector(), Map.of("karpenter.sh/capacity-type", "spot"), List.of()),
        row("priorityClassName and imagePullSecrets", Role.Driver,
            "imagePullSecrets: [{name: registry}]\ndriver: {priorityClassName: batch-high}",
            p -> p.getSpec().getPriorityClassName() + " " + p.getSpec().getImagePullSecrets().get(0).getName(),
            "batch-high registry", List.of()),
        row("pod securityContext: additions kept, the operator's fields win", Role.Driver,
            "driver: {podSecurityContext: {runAsGroup: 185, supplementalGroups: [1000], runAsUser: 0}}",
            p -> p.getSpec().getSecurityContext().getRunAsUser() + " " + p.getSpec().getSecurityContext().getRunAsGroup()
                + " " + p.getSpec().getSecurityContext().getSupplementalGroups() + " "
                + p.getSpec().getSecurityContext().getRunAsNonRoot(),
            "185 185 [1000] true", List.of("spark.driver.podSecurityContext.runAsUser")),
        row("container securityContext: additions kept, the operator's fields win", Role.Executor,
            "executor: {securityContext: {readOnlyRootFilesystem: true, allowPrivilegeEscalation: true}}",
            p -> spark(p).getSecurityContext().getReadOnlyRootFilesystem() + " "
                + spark(p).getSecurityContext().getAllowPrivilegeEscalation(),
            "true false", List.of("spark.executor.securityContext.allowPrivilegeEscalation")),
        row("sidecars and init containers; the Spark container's name wins", Role.Driver,
            "driver:\n  sidecars: [{name: proxy, image: envoy}, {name: spark-kubernetes-driver, image: evil}]\n"
                + "  initContainers: [{name: fetch, image: busybox}]",
            p -> p.getSpec().getContainers().stream().map(c -> c.getName() + "=" + c.getImage()).toList()
                + " " + p.getSpec().getInitContainers().get(0).getName(),
            "[spark-kubernetes-driver=apache/spark:3.5.3, proxy=envoy] fetch",
            List.of("spark.driver.sidecars[spark-kubernetes-driver]")),
        row("the other role's options stay off this pod", Role.Executor, "driver: {labels: {team: mobility}}",
            p -> p.getMetadata().getLabels().containsKey("team"), false, List.of()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("table")
  void mergesAndReports(String name, Role role, String sparkYaml, Function<Pod, Object> actual, Object expected,
      List<String> overridden) {
    PodTemplateMerge.Result result = merge(role, sparkYaml, KARPENTER);
    assertEquals(expected, actual.apply(result.pod()));
    assertEquals(overridden, result.overridden());
  }

  @Test
  void requiredNodeAffinityIsAndedWithTheProfilesEveryTermWithEveryTerm() {
    PodTemplateMerge.Result result = merge(Role.Executor, """
        executor:
          affinity:
            nodeAffinity:
              requiredDuringSchedulingIgnoredDuringExecution:
                nodeSelectorTerms:
                  - matchExpressions: [{key: nvidia.com/gpu.present, operator: In, values: ["true"]}]
              preferredDuringSchedulingIgnoredDuringExecution:
                - weight: 10
                  preference: {matchExpressions: [{key: pool, operator: In, values: [features]}]}
            podAntiAffinity:
              preferredDuringSchedulingIgnoredDuringExecution:
                - weight: 1
                  podAffinityTerm: {topologyKey: kubernetes.io/hostname, labelSelector: {matchLabels: {app: x}}}
        """, ZONED);
    List<NodeSelectorTerm> terms = result.pod().getSpec().getAffinity().getNodeAffinity()
        .getRequiredDuringSchedulingIgnoredDuringExecution().getNodeSelectorTerms();
    assertEquals(List.of("topology.kubernetes.io/zone=[eu-west-1a] nvidia.com/gpu.present=[true]",
            "topology.kubernetes.io/zone=[eu-west-1b] nvidia.com/gpu.present=[true]"),
        terms.stream().map(t -> String.join(" ", t.getMatchExpressions().stream()
            .map(e -> e.getKey() + "=" + e.getValues()).toList())).toList(),
        "(zone a OR zone b) AND gpu");
    assertEquals(10, result.pod().getSpec().getAffinity().getNodeAffinity()
        .getPreferredDuringSchedulingIgnoredDuringExecution().get(0).getWeight());
    assertEquals(1, result.pod().getSpec().getAffinity().getPodAntiAffinity()
        .getPreferredDuringSchedulingIgnoredDuringExecution().size());
    assertEquals(List.of(), result.overridden());
  }

  @Test
  void aUserAffinityWithoutRequiredTermsKeepsTheProfilesTerms() {
    PodTemplateMerge.Result result = merge(Role.Executor,
        "executor: {affinity: {podAntiAffinity: {preferredDuringSchedulingIgnoredDuringExecution: []}}}", ZONED);
    assertEquals(2, result.pod().getSpec().getAffinity().getNodeAffinity()
        .getRequiredDuringSchedulingIgnoredDuringExecution().getNodeSelectorTerms().size());
  }

  @Test
  void withoutOptionsThePodIsTheOperatorsAndTheOperatorsPodIsNeverChanged() {
    FeatureJob plain = job("");
    Pod operatorPod = DriverPodBuilder.operatorPod(plain, exampleSpec(), PLAN, KARPENTER, true);
    String before = Serialization.asJson(operatorPod);
    assertEquals(operatorPod, PodTemplateMerge.forDriver(operatorPod, plain.getSpec()).pod());

    FeatureJob busy = job("driver: {labels: {team: x}, env: [{name: A, value: b}], tolerations: [{key: k}]}\n"
        + "volumes: [{name: v, emptyDir: {}}]");
    PodTemplateMerge.forDriver(operatorPod, busy.getSpec());
    assertEquals(before, Serialization.asJson(operatorPod), "merge works on a copy");
  }

  @Test
  void aSecretsValueNeverReachesTheExecutorTemplateConfigMap() {
    FeatureJob job = job("executor: {env: [{name: DB_PASSWORD, valueFrom: {secretKeyRef: {name: db-credentials, key: password}}}]}");
    ConfigMap configMap = ExecutorPodTemplate.configMap(job, KARPENTER, true);
    for (CapacityType capacity : CapacityType.values()) {
      String yaml = configMap.getData().get(ExecutorPodTemplate.key(capacity));
      assertTrue(yaml.contains("secretKeyRef") && yaml.contains("db-credentials"), yaml);
      assertFalse(yaml.contains("value:"), "only a reference: " + yaml);
    }
  }
}
