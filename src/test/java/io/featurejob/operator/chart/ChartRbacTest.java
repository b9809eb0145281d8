package io.featurejob.operator.chart;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.Subject;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The RBAC rules exactly as documented in templates/rbac.yaml and spark-rbac.yaml (each rule's reason
 * is there): a verb added or dropped must show up in review here.
 */
class ChartRbacTest {
  static final String OPERATOR = HelmChart.RELEASE;

  /** resource (group/resource) -> verbs the operator needs. */
  static final Map<String, List<String>> OPERATOR_RULES = Map.of(
      "featurejob.io/featurejobs", List.of("get", "list", "watch", "patch"),
      "featurejob.io/featurejobs/status", List.of("update"),
      "featurejob.io/featurejobs/finalizers", List.of("update"),
      "/pods", List.of("get", "list", "watch", "create", "delete"),
      "/configmaps", List.of("get", "create", "update"),
      "/events", List.of("get", "create", "update"));

  static final Map<String, List<String>> LEADER_ELECTION_RULES = Map.of(
      "coordination.k8s.io/leases", List.of("get", "create", "patch", "update"));

  static final Map<String, List<String>> SPARK_DRIVER_RULES = Map.of(
      "/pods", List.of("get", "list", "watch", "create", "delete", "deletecollection"),
      "/configmaps", List.of("create", "deletecollection"),
      "/services", List.of("deletecollection"),
      "/persistentvolumeclaims", List.of("list", "deletecollection"));

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
  void allNamespacesModeUsesOneClusterRoleWithExactlyTheVerbsTheCodeUses() {
    HelmChart.Rendered rendered = HelmChart.render();
    ClusterRole role = rendered.single(ClusterRole.class);
    assertEquals(new TreeMap<>(OPERATOR_RULES), byResource(role.getRules()));
    ClusterRoleBinding binding = rendered.single(ClusterRoleBinding.class);
    assertEquals(role.getMetadata().getName(), binding.getRoleRef().getName());
    assertEquals(List.of(operatorSubject()), binding.getSubjects());
    assertTrue(rendered.all(Role.class).isEmpty(), "no namespaced roles by default: " + rendered.describe());
    assertTrue(rendered.all(RoleBinding.class).isEmpty());
  }

  @Test
  void namespaceListModeUsesARolePerNamespaceAndNothingClusterWide() {
    HelmChart.Rendered rendered = HelmChart.render("watchNamespaces: [ml, ads]");
    assertTrue(rendered.all(ClusterRole.class).isEmpty(), rendered.describe().toString());
    assertTrue(rendered.all(ClusterRoleBinding.class).isEmpty());
    for (String ns : List.of("ml", "ads")) {
      Role role = rendered.get(Role.class, ns, OPERATOR);
      assertEquals(new TreeMap<>(OPERATOR_RULES), byResource(role.getRules()));
      RoleBinding binding = rendered.get(RoleBinding.class, ns, OPERATOR);
      assertEquals("Role", binding.getRoleRef().getKind());
      assertEquals(List.of(operatorSubject()), binding.getSubjects());
    }
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
  void jobNamespacesOverrideTheWatchListAndCanBeUsedWithAllNamespaces() {
    HelmChart.Rendered rendered = HelmChart.render("spark: {jobNamespaces: [features]}");
    assertEquals(List.of("features"), rendered.all(io.fabric8.kubernetes.api.model.ServiceAccount.class).stream()
        .filter(sa -> sa.getMetadata().getName().equals("featurejob-spark"))
        .map(sa -> sa.getMetadata().getNamespace()).toList());
    assertTrue(HelmChart.render().find(Role.class, "features", "featurejob-spark").isEmpty());
    assertTrue(HelmChart.render("watchNamespaces: [ml]\nspark: {serviceAccount: {create: false, name: x}}")
        .find(Role.class, "ml", "x").isEmpty());
  }

  private static Subject operatorSubject() {
    return new Subject(null, "ServiceAccount", OPERATOR, HelmChart.NAMESPACE);
  }
}
