package io.featurejob.operator.chart;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.Subject;
import io.fabric8.openshift.api.model.monitoring.v1.ServiceMonitor;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The RBAC rules exactly as documented in templates/rbac.yaml, spark-rbac.yaml and aggregate-roles.yaml
 * (each rule's reason is there): a verb added or dropped must show up in review here. Where they apply:
 * the release namespace by default, listed namespaces, or everywhere only with clusterWide=true.
 */
class ChartRbacTest {
  static final String OPERATOR = HelmChart.RELEASE;

  /** resource (group/resource) -> verbs the operator needs. */
  static final Map<String, List<String>> OPERATOR_RULES = Map.of(
      "featurejob.io/featurejobs", List.of("get", "list", "watch", "patch"),
      "featurejob.io/featurejobs/status", List.of("update"),
      "featurejob.io/featurejobs/finalizers", List.of("update"),
      "/pods", List.of("get", "list", "watch", "create", "delete"),
      "/configmaps", List.of("create", "patch"),
      "/events", List.of("get", "create", "update"));

  static final Map<String, List<String>> LEADER_ELECTION_RULES = Map.of(
      "coordination.k8s.io/leases", List.of("get", "create", "patch", "update"));

  /** What a Spark 3.5 driver called in hack/rbac/spark-driver-audit.sh (docs/spark-driver-rbac.md). */
  static final Map<String, List<String>> SPARK_DRIVER_RULES = Map.of(
      "/pods", List.of("get", "list", "watch", "create", "delete", "deletecollection"),
      "/configmaps", List.of("create", "deletecollection"));

  static Map<String, List<String>> byResource(List<PolicyRule> rules) {
    Map<String, List<String>> out = new TreeMap<>();
    for (PolicyRule rule : rules) {
      assertTrue(rule.getResourceNames() == null || rule.getResourceNames().isEmpty());
      for (String group : rule.getApiGroups()) {
        for (String resource : rule.getResources()) {
          List<String> previous = out.put(group + "/" + resource, rule.getVerbs());
          assertEquals(null, previous, "one rule per resource: " + group + "/" + resource);
        }
      }
    }
    return out;
  }

  @Test
  void byDefaultTheOperatorHoldsRightsInTheReleaseNamespaceOnly() {
    HelmChart.Rendered rendered = HelmChart.render();
    Role role = rendered.get(Role.class, HelmChart.NAMESPACE, OPERATOR);
    assertEquals(new TreeMap<>(OPERATOR_RULES), byResource(role.getRules()));
    RoleBinding binding = rendered.get(RoleBinding.class, HelmChart.NAMESPACE, OPERATOR);
    assertEquals("Role", binding.getRoleRef().getKind());
    assertEquals(List.of(operatorSubject()), binding.getSubjects());
    assertEquals(List.of(), rendered.all(ClusterRoleBinding.class), "nothing bound cluster-wide");
    assertEquals(List.of(OPERATOR + "-view", OPERATOR + "-edit"), rendered.all(ClusterRole.class).stream()
        .map(r -> r.getMetadata().getName()).toList(), "only the aggregated roles for people");
    assertEquals(List.of(HelmChart.NAMESPACE), rendered.all(Role.class).stream()
        .map(r -> r.getMetadata().getNamespace()).distinct().toList());
    assertTrue(properties(rendered).contains("watchNamespaces=" + HelmChart.NAMESPACE + "\n"), properties(rendered));
  }

  /** watchReferences: list+watch on Secrets and ConfigMaps, in the operator's Role only, and the option set. */
  @Test
  void watchReferencesAddsListAndWatchOnSecretsAndConfigMaps() {
    HelmChart.Rendered rendered = HelmChart.render("watchReferences: true");
    Role role = rendered.get(Role.class, HelmChart.NAMESPACE, OPERATOR);
    Map<String, List<String>> expected = new TreeMap<>(OPERATOR_RULES);
    expected.put("/configmaps", List.of("create", "patch", "list", "watch"));
    expected.put("/secrets", List.of("list", "watch"));
    assertEquals(expected, byResource(role.getRules()));
    assertTrue(properties(rendered).contains("watchReferences=true\n"), properties(rendered));
    assertTrue(properties(HelmChart.render()).contains("watchReferences=false\n"), "off by default");
  }

  @Test
  void clusterWideIsAnExplicitChoiceWithOneClusterRole() {
    HelmChart.Rendered rendered = HelmChart.render("clusterWide: true");
    ClusterRole role = rendered.get(ClusterRole.class, null, OPERATOR);
    assertEquals(new TreeMap<>(OPERATOR_RULES), byResource(role.getRules()));
    ClusterRoleBinding binding = rendered.single(ClusterRoleBinding.class);
    assertEquals(role.getMetadata().getName(), binding.getRoleRef().getName());
    assertEquals(List.of(operatorSubject()), binding.getSubjects());
    assertTrue(rendered.all(Role.class).isEmpty(), "no namespaced roles: " + rendered.describe());
    assertTrue(rendered.all(RoleBinding.class).isEmpty());
    assertTrue(properties(rendered).contains("watchNamespaces=\n"), properties(rendered));

    IllegalStateException both = assertThrows(IllegalStateException.class,
        () -> HelmChart.template("clusterWide: true\nwatchNamespaces: [ml]"));
    assertTrue(both.getMessage().contains("leave watchNamespaces empty"), both.getMessage());
  }

  @Test
  void notesWarnAboutClusterWideOnly() throws Exception {
    assertTrue(notes("{}").contains("Managing FeatureJobs in: " + HelmChart.NAMESPACE + " (a Role in each"), notes("{}"));
    assertTrue(!notes("{}").contains("WARNING"));
    String clusterWide = notes("clusterWide: true");
    assertTrue(clusterWide.contains("Managing FeatureJobs in: ALL namespaces"), clusterWide);
    assertTrue(clusterWide.contains("WARNING: clusterWide=true") && clusterWide.contains("kube-system included"), clusterWide);
  }

  /** NOTES.txt as `helm install --dry-run` prints it. */
  private static String notes(String valuesYaml) throws Exception {
    java.nio.file.Path values = java.nio.file.Files.createTempFile("values-", ".yaml");
    values.toFile().deleteOnExit();
    java.nio.file.Files.writeString(values, valuesYaml);
    String output = new com.marcnuri.helm.Helm(HelmChart.DIR).install().withName(OPERATOR)
        .withNamespace(HelmChart.NAMESPACE).clientOnly().dryRun().withValuesFile(values).call().getOutput();
    return output.substring(output.indexOf("NOTES:"));
  }

  @Test
  void namespaceListModeUsesARolePerNamespaceAndNothingClusterWide() {
    HelmChart.Rendered rendered = HelmChart.render("watchNamespaces: [ml, ads]");
    assertEquals(List.of(), rendered.all(ClusterRoleBinding.class));
    assertTrue(rendered.find(ClusterRole.class, null, OPERATOR).isEmpty(), rendered.describe().toString());
    assertTrue(rendered.find(Role.class, HelmChart.NAMESPACE, OPERATOR).isEmpty(), "the release namespace is not managed");
    for (String ns : List.of("ml", "ads")) {
      Role role = rendered.get(Role.class, ns, OPERATOR);
      assertEquals(new TreeMap<>(OPERATOR_RULES), byResource(role.getRules()));
      RoleBinding binding = rendered.get(RoleBinding.class, ns, OPERATOR);
      assertEquals("Role", binding.getRoleRef().getKind());
      assertEquals(List.of(operatorSubject()), binding.getSubjects());
    }
  }

  @Test
  void aggregatedRolesLetViewReadAndEditOrAdminWriteFeatureJobs() {
    HelmChart.Rendered rendered = HelmChart.render();
    ClusterRole view = rendered.get(ClusterRole.class, null, OPERATOR + "-view");
    assertEquals(Map.of("featurejob.io/featurejobs", List.of("get", "list", "watch")), byResource(view.getRules()));
    assertEquals(Set.of("view", "edit", "admin"), aggregatedTo(view));
    ClusterRole edit = rendered.get(ClusterRole.class, null, OPERATOR + "-edit");
    assertEquals(Map.of("featurejob.io/featurejobs", List.of("create", "update", "patch", "delete")),
        byResource(edit.getRules()));
    assertEquals(Set.of("edit", "admin"), aggregatedTo(edit));
    assertTrue(HelmChart.render("aggregateToDefaultRoles: false").all(ClusterRole.class).isEmpty());
  }

  @Test
  void metricsAuthBindsTheAuthDelegatorRoleOnlyWhenEnabled() {
    assertTrue(HelmChart.render().find(ClusterRoleBinding.class, null, OPERATOR + "-metrics-auth").isEmpty());
    HelmChart.Rendered on = HelmChart.render("metrics: {auth: {enabled: true}}");
    ClusterRoleBinding binding = on.get(ClusterRoleBinding.class, null, OPERATOR + "-metrics-auth");
    // The built-in role: create on tokenreviews and subjectaccessreviews, nothing else.
    assertEquals("system:auth-delegator", binding.getRoleRef().getName());
    assertEquals("ClusterRole", binding.getRoleRef().getKind());
    assertEquals(List.of(operatorSubject()), binding.getSubjects());
    assertTrue(properties(on).contains("metricsAuth=true"), properties(on));
    assertTrue(properties(HelmChart.render()).contains("metricsAuth=false"));
    ServiceMonitor monitor = HelmChart.render("metrics: {auth: {enabled: true}, serviceMonitor: {enabled: true}}")
        .single(ServiceMonitor.class);
    assertEquals("/var/run/secrets/kubernetes.io/serviceaccount/token",
        monitor.getSpec().getEndpoints().get(0).getBearerTokenFile(), "Prometheus sends its token");
  }

  @Test
  void leaderElectionAddsALeaseRoleInTheLeaseNamespaceOnly() {
    assertTrue(HelmChart.render().find(Role.class, HelmChart.NAMESPACE, OPERATOR + "-leader-election").isEmpty());

    HelmChart.Rendered rendered = HelmChart.render("leaderElection: {enabled: true, namespace: coordination}");
    Role lease = rendered.get(Role.class, "coordination", OPERATOR + "-leader-election");
    assertEquals(new TreeMap<>(LEADER_ELECTION_RULES), byResource(lease.getRules()));
    RoleBinding binding = rendered.get(RoleBinding.class, "coordination", OPERATOR + "-leader-election");
    assertEquals(List.of(operatorSubject()), binding.getSubjects());
  }

  @Test
  void sparkDriverServiceAccountAndRoleInEveryJobNamespace() {
    HelmChart.Rendered rendered = HelmChart.render("watchNamespaces: [ml, ads]");
    for (String ns : List.of("ml", "ads")) {
      rendered.get(io.fabric8.kubernetes.api.model.ServiceAccount.class, ns, "featurejob-spark");
      assertEquals(new TreeMap<>(SPARK_DRIVER_RULES),
          byResource(rendered.get(Role.class, ns, "featurejob-spark").getRules()));
      RoleBinding binding = rendered.get(RoleBinding.class, ns, "featurejob-spark");
      assertEquals(List.of(new Subject(null, "ServiceAccount", "featurejob-spark", ns)), binding.getSubjects());
    }
  }

  @Test
  void jobNamespacesOverrideTheManagedNamespacesAndCanBeUsedClusterWide() {
    assertEquals(List.of(HelmChart.NAMESPACE), sparkServiceAccountNamespaces(HelmChart.render()),
        "by default the Spark identity goes where the operator works");
    assertEquals(List.of("features"), sparkServiceAccountNamespaces(
        HelmChart.render("clusterWide: true\nspark: {jobNamespaces: [features]}")));
    assertEquals(List.of(), sparkServiceAccountNamespaces(HelmChart.render("clusterWide: true")));
    assertTrue(HelmChart.render().find(Role.class, "features", "featurejob-spark").isEmpty());
    assertTrue(HelmChart.render("watchNamespaces: [ml]\nspark: {serviceAccount: {create: false, name: x}}")
        .find(Role.class, "ml", "x").isEmpty());
  }

  private static List<String> sparkServiceAccountNamespaces(HelmChart.Rendered rendered) {
    return rendered.all(io.fabric8.kubernetes.api.model.ServiceAccount.class).stream()
        .filter(sa -> sa.getMetadata().getName().equals("featurejob-spark"))
        .map(sa -> sa.getMetadata().getNamespace()).toList();
  }

  private static Set<String> aggregatedTo(ClusterRole role) {
    Set<String> out = new TreeSet<>();
    role.getMetadata().getLabels().forEach((key, value) -> {
      if (key.startsWith("rbac.authorization.k8s.io/aggregate-to-") && value.equals("true")) {
        out.add(key.substring("rbac.authorization.k8s.io/aggregate-to-".length()));
      }
    });
    return out;
  }

  private static String properties(HelmChart.Rendered rendered) {
    return rendered.single(ConfigMap.class).getData().get("operator.properties");
  }

  private static Subject operatorSubject() {
    return new Subject(null, "ServiceAccount", OPERATOR, HelmChart.NAMESPACE);
  }
}
