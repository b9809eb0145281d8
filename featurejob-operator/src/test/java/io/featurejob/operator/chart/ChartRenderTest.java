package io.featurejob.operator.chart;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.openshift.api.model.monitoring.v1.ServiceMonitor;
import io.featurejob.operator.config.OperatorConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** `helm template` with default and non-default values, asserted on the parsed objects. */
class ChartRenderTest {
  static final String NON_DEFAULT = """
      replicas: 3
      leaderElection: {enabled: true, leaseName: fj-lease}
      watchNamespaces: [ml, ads]
      metrics: {port: 9095, serviceMonitor: {enabled: true, labels: {release: prom}}}
      prometheusRule: {enabled: true, labels: {release: prom}}
      grafanaDashboard: {enabled: true, annotations: {grafana_folder: ML}}
      config: {capacityProfile: eks, defaultMaxConsecutiveFailures: 12, defaultBackoffMultiplier: 2.5}
      classifierRules: |
        - name: vendor-timeout
          class: CapacityUnavailable
          messagePatterns: ["VendorTimeout"]
      podDisruptionBudget: {maxUnavailable: 1}
      """;

  @ParameterizedTest(name = "values: {0}")
  @ValueSource(strings = {"", NON_DEFAULT})
  void everyRenderedObjectParsesAsItsTypedFabric8Model(String values) {
    List<HasMetadata> objects = HelmChart.render(values).objects();
    assertFalse(objects.isEmpty());
    for (HasMetadata o : objects) {
      assertFalse(o instanceof GenericKubernetesResource, "no typed model for " + o.getKind() + " " + o.getApiVersion());
      assertTrue(o.getMetadata().getLabels().containsKey("app.kubernetes.io/name"), o.getKind() + " labels");
    }
  }

  @Test
  void defaultsRenderTheExpectedObjects() {
    assertEquals(List.of(
        "PodDisruptionBudget featurejob-system/featurejob-operator",
        "ServiceAccount featurejob-system/featurejob-operator",
        "ServiceAccount featurejob-system/featurejob-spark",
        "ConfigMap featurejob-system/featurejob-operator",
        "ClusterRole null/featurejob-operator-view",
        "ClusterRole null/featurejob-operator-edit",
        "Role featurejob-system/featurejob-operator",
        "Role featurejob-system/featurejob-spark",
        "RoleBinding featurejob-system/featurejob-operator",
        "RoleBinding featurejob-system/featurejob-spark",
        "Service featurejob-system/featurejob-operator",
        "Deployment featurejob-system/featurejob-operator",
        "ValidatingAdmissionPolicy null/featurejob-operator-spark-allow-list",
        "ValidatingAdmissionPolicyBinding null/featurejob-operator-spark-allow-list"), HelmChart.render().describe());
  }

  @Test
  void operatorPodIsLockedDown() {
    Deployment deployment = HelmChart.render().single(Deployment.class);
    PodSecurityContext pod = deployment.getSpec().getTemplate().getSpec().getSecurityContext();
    assertEquals(true, pod.getRunAsNonRoot());
    assertEquals(65532L, pod.getRunAsUser());
    assertEquals("RuntimeDefault", pod.getSeccompProfile().getType());
    Container container = deployment.getSpec().getTemplate().getSpec().getContainers().get(0);
    SecurityContext sc = container.getSecurityContext();
    assertEquals(false, sc.getAllowPrivilegeEscalation());
    assertEquals(true, sc.getReadOnlyRootFilesystem());
    assertEquals(List.of("ALL"), sc.getCapabilities().getDrop());
    assertTrue(sc.getCapabilities().getAdd() == null || sc.getCapabilities().getAdd().isEmpty());
    assertTrue(container.getVolumeMounts().stream().anyMatch(m -> m.getMountPath().equals("/tmp")),
        "a writable /tmp on a read-only root");
    assertEquals("/healthz", container.getLivenessProbe().getHttpGet().getPath());
    assertEquals("/readyz", container.getReadinessProbe().getHttpGet().getPath());
    assertEquals("http-metrics", container.getReadinessProbe().getHttpGet().getPort().getStrVal());
    assertTrue(container.getResources().getRequests().containsKey("memory"));
    assertTrue(container.getResources().getLimits().containsKey("memory"));
    assertEquals(List.of("run"), container.getArgs());
  }

  @Test
  void leaderElectionToggle() {
    HelmChart.Rendered off = HelmChart.render();
    Deployment offDeployment = off.single(Deployment.class);
    assertEquals(1, offDeployment.getSpec().getReplicas());
    assertEquals("Recreate", offDeployment.getSpec().getStrategy().getType(),
        "without a Lease old and new pod must never overlap");
    assertTrue(properties(off).contains("leaderElection=false"));

    HelmChart.Rendered on = HelmChart.render("replicas: 2\nleaderElection: {enabled: true}");
    Deployment onDeployment = on.single(Deployment.class);
    assertEquals(2, onDeployment.getSpec().getReplicas());
    assertEquals("RollingUpdate", onDeployment.getSpec().getStrategy().getType());
    String props = properties(on);
    assertTrue(props.contains("leaderElection=true"), props);
    assertTrue(props.contains("leaderElectionNamespace=featurejob-system"), props);
    assertTrue(props.contains("leaderElectionLeaseName=featurejob-operator-lease"), props);
  }

  /**
   * sharding.shards: one Deployment per shard, each with its own selector (Deployments must not share pods)
   * and FEATUREJOB_SHARD_INDEX, all reading shardCount from the one properties file, which the operator's
   * loader accepts for every shard; the Service and the PodDisruptionBudget cover them all.
   */
  @Test
  void oneDeploymentPerShard(@TempDir Path dir) throws Exception {
    HelmChart.Rendered rendered = HelmChart.render("sharding: {shards: 3}\nreplicas: 2\nleaderElection: {enabled: true}");
    List<Deployment> deployments = rendered.all(Deployment.class);
    assertEquals(List.of("featurejob-operator-shard-0", "featurejob-operator-shard-1", "featurejob-operator-shard-2"),
        deployments.stream().map(d -> d.getMetadata().getName()).toList());
    Files.writeString(dir.resolve("operator.properties"), properties(rendered));
    Map<String, String> selectorOfAll = rendered.single(Service.class).getSpec().getSelector();
    for (int shard = 0; shard < 3; shard++) {
      Deployment d = deployments.get(shard);
      Map<String, String> selector = d.getSpec().getSelector().getMatchLabels();
      assertEquals(Integer.toString(shard), selector.get("featurejob.io/shard"));
      assertEquals(selector.get("featurejob.io/shard"), d.getSpec().getTemplate().getMetadata().getLabels()
          .get("featurejob.io/shard"), "the pods carry their Deployment's selector");
      assertTrue(d.getSpec().getTemplate().getMetadata().getLabels().entrySet().containsAll(selectorOfAll.entrySet()),
          "the Service reaches every shard");
      assertEquals(2, d.getSpec().getReplicas(), "replicas is per shard");
      Map<String, String> env = new java.util.HashMap<>();
      d.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv()
          .forEach(e -> env.put(e.getName(), e.getValue().replace("/etc/featurejob", dir.toString())));
      OperatorConfig config = OperatorConfig.load(env);
      assertEquals(shard, config.shardIndex());
      assertEquals(3, config.shardCount());
      assertEquals("featurejob-operator-lease-shard-" + shard, config.leaseName());
    }
    assertEquals(selectorOfAll, rendered.single(PodDisruptionBudget.class).getSpec().getSelector().getMatchLabels());

    Deployment one = HelmChart.render().single(Deployment.class);
    assertEquals("featurejob-operator", one.getMetadata().getName(), "one shard: the Deployment as before sharding");
    assertFalse(one.getSpec().getSelector().getMatchLabels().containsKey("featurejob.io/shard"));
    assertFalse(properties(HelmChart.render()).contains("shardCount"));
  }

  @Test
  void serviceMonitorToggle() {
    assertTrue(HelmChart.render().all(ServiceMonitor.class).isEmpty());
    HelmChart.Rendered on = HelmChart.render(NON_DEFAULT);
    ServiceMonitor monitor = on.single(ServiceMonitor.class);
    assertEquals("prom", monitor.getMetadata().getLabels().get("release"));
    assertEquals("http-metrics", monitor.getSpec().getEndpoints().get(0).getPort());
    assertEquals("/metrics", monitor.getSpec().getEndpoints().get(0).getPath());
    Service service = on.single(Service.class);
    assertEquals(9095, service.getSpec().getPorts().get(0).getPort());
    assertEquals("http-metrics", service.getSpec().getPorts().get(0).getName());
    assertEquals(service.getSpec().getSelector(), monitor.getSpec().getSelector().getMatchLabels());
    assertEquals(9095, on.single(Deployment.class).getSpec().getTemplate().getSpec().getContainers().get(0)
        .getPorts().get(0).getContainerPort());
  }

  @Test
  void podDisruptionBudgetSelectsTheOperatorPods() {
    HelmChart.Rendered rendered = HelmChart.render();
    PodDisruptionBudget pdb = rendered.single(PodDisruptionBudget.class);
    assertEquals(rendered.single(Deployment.class).getSpec().getSelector().getMatchLabels(),
        pdb.getSpec().getSelector().getMatchLabels());
    assertTrue(HelmChart.render("podDisruptionBudget: {enabled: false}").all(PodDisruptionBudget.class).isEmpty());
  }

  /** The rendered properties file is what the operator's own loader accepts (unknown keys would be fatal). */
  @ParameterizedTest(name = "values: {0}")
  @ValueSource(strings = {"", NON_DEFAULT})
  void renderedConfigLoadsWithTheOperatorsOwnLoader(String values, @TempDir Path dir) throws Exception {
    HelmChart.Rendered rendered = HelmChart.render(values);
    ConfigMap configMap = rendered.get(ConfigMap.class, HelmChart.NAMESPACE, HelmChart.RELEASE);
    for (Map.Entry<String, String> file : configMap.getData().entrySet()) {
      Files.writeString(dir.resolve(file.getKey()), file.getValue());
    }
    String props = Files.readString(dir.resolve("operator.properties"))
        .replace("/etc/featurejob/", dir.toString().replace('\\', '/') + "/");
    Files.writeString(dir.resolve("operator.properties"), props);
    Container container = rendered.single(Deployment.class).getSpec().getTemplate().getSpec().getContainers().get(0);
    assertEquals("/etc/featurejob/operator.properties", container.getEnv().stream()
        .filter(e -> e.getName().equals(OperatorConfig.CONFIG_FILE_ENV)).findFirst().orElseThrow().getValue());
    assertEquals("/etc/featurejob", container.getVolumeMounts().stream()
        .filter(m -> m.getName().equals("config")).findFirst().orElseThrow().getMountPath());

    OperatorConfig config = OperatorConfig.load(Map.of(), dir.resolve("operator.properties"));
    if (values.isEmpty()) {
      // The operator's defaults, except that the chart manages the release namespace only.
      assertEquals(OperatorConfig.defaults().describe().replace("watchNamespaces=\n",
          "watchNamespaces=" + HelmChart.NAMESPACE + "\n"), config.describe());
    } else {
      assertEquals(List.of("ml", "ads"), config.watchNamespaces());
      assertEquals(9095, config.metricsPort());
      assertTrue(config.leaderElection());
      assertEquals("featurejob-system", config.leaderElectionNamespace().orElseThrow());
      assertEquals("fj-lease", config.leaderElectionLeaseName());
      assertEquals("eks", config.capacityProfile());
      assertEquals(12, config.defaultMaxConsecutiveFailures());
      assertEquals(2.5, config.defaultBackoffMultiplier());
      assertTrue(config.classifierRulesFile().isPresent());
      assertEquals("vendor-timeout", io.featurejob.operator.classify.RuleLoader.load(config.classifierRulesFile().get())
          .get(0).name());
    }
  }

  @Test
  void configChecksumRollsThePodsWhenSettingsChange() {
    String before = checksum(HelmChart.render());
    assertEquals(before, checksum(HelmChart.render()), "stable across renders");
    assertNotEquals(before, checksum(HelmChart.render("config: {reconcileThreads: 8}")));
    assertNotEquals(before, checksum(HelmChart.render("classifierRules: 'rules: []'")));
    assertEquals(before, checksum(HelmChart.render("resources: {requests: {cpu: 200m}}")),
        "only the settings count");
  }

  @Test
  void imageTagDefaultsToTheAppVersion() {
    Container c = HelmChart.render().single(Deployment.class).getSpec().getTemplate().getSpec().getContainers().get(0);
    assertEquals("featurejob/featurejob-operator:0.1.0", c.getImage());
    Container tagged = HelmChart.render("image: {repository: registry.example.com/fj, tag: abc123, pullPolicy: Always}")
        .single(Deployment.class).getSpec().getTemplate().getSpec().getContainers().get(0);
    assertEquals("registry.example.com/fj:abc123", tagged.getImage());
  }

  private static String checksum(HelmChart.Rendered rendered) {
    return rendered.single(Deployment.class).getSpec().getTemplate().getMetadata().getAnnotations().get("checksum/config");
  }

  private static String properties(HelmChart.Rendered rendered) {
    return rendered.single(ConfigMap.class).getData().get("operator.properties");
  }
}
