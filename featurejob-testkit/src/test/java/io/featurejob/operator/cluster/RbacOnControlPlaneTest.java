package io.featurejob.operator.cluster;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingAdmissionPolicy;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingAdmissionPolicyBinding;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReviewBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBuilder;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.featurejob.operator.api.FeatureJob;
import io.featurejob.operator.api.FeatureJobStatus;
import io.featurejob.operator.api.Importance;
import io.featurejob.operator.api.Phase;
import io.featurejob.operator.chart.HelmChart;
import io.featurejob.operator.config.OperatorConfig;
import io.featurejob.operator.controller.FeatureJobOperator;
import io.featurejob.operator.demo.Stories;
import io.featurejob.operator.events.EventReason;
import io.featurejob.operator.policy.Conditions;
import io.featurejob.operator.policy.SparkAllowList;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * The chart's identities on a real API server, whose RBAC and admission decide: what the operator, the
 * Spark driver and people bound to the built-in roles may do, and what they may not. Every denial is
 * a real request answered 403 (or refused by the admission policy), next to the same request allowed
 * where it should be, so a test cannot pass because something else is broken.
 */
@Tag("cluster")
class RbacOnControlPlaneTest {
  private static final String SPARK_SA = "featurejob-spark";
  private static final Duration SETTLE = Duration.ofSeconds(30);

  private final KubernetesClient admin = ClusterHarness.adminClient();
  /** Cleanup, newest first: namespaces and the cluster-scoped objects a test created. */
  private final List<HasMetadata> created = new ArrayList<>();

  @AfterEach
  void cleanUp() {
    for (int i = created.size() - 1; i >= 0; i--) {
      try {
        admin.resource(created.get(i)).delete();
      } catch (RuntimeException e) {
        System.err.println("cleanup of " + created.get(i).getKind() + " failed: " + e);
      }
    }
    admin.close();
  }

  @Test
  void withTheDefaultsTheOperatorActsInItsOwnNamespacesOnly() {
    ClusterHarness.applyChartRbac(admin);
    String ns = jobNamespace("rbac");
    try (KubernetesClient operator = tokenOf(ClusterHarness.OPERATOR_NAMESPACE, ClusterHarness.OPERATOR_SERVICE_ACCOUNT)) {
      // Allowed where it works (the same requests, so the denials below are about the namespace).
      operator.resources(FeatureJob.class).inNamespace(ns).list();
      operator.pods().inNamespace(ns).resource(pod(ns)).dryRun().create();
      operator.configMaps().inNamespace(ns).resource(configMap(ns)).dryRun().create();

      assertForbidden(() -> operator.pods().inNamespace("kube-system").resource(pod("kube-system")).dryRun().create(),
          "create pods in kube-system");
      assertForbidden(() -> operator.pods().inNamespace("default").resource(pod("default")).dryRun().create(),
          "create pods in an unmanaged namespace");
      assertForbidden(() -> operator.pods().inNamespace("kube-system").withName("any").delete(), "delete pods in kube-system");
      assertForbidden(() -> operator.configMaps().inNamespace("kube-system").resource(configMap("kube-system")).dryRun()
          .create(), "write ConfigMaps in kube-system");
      assertForbidden(() -> operator.resources(FeatureJob.class).inAnyNamespace().list(), "list FeatureJobs cluster-wide");
      assertForbidden(() -> operator.secrets().inNamespace(ns).list(), "read Secrets, even where it works");
    }
  }

  @Test
  void theSparkDriverIdentityHoldsExactlyTheRulesSparkUses() {
    String ns = jobNamespace("driver");
    String user = "system:serviceaccount:" + ns + ":" + SPARK_SA;
    // The API server's verdict for every verb on the resources a driver could reach equals the chart's Role.
    Set<String> allowed = new TreeSet<>();
    for (String resource : List.of("pods", "pods/exec", "pods/log", "configmaps", "services", "persistentvolumeclaims",
        "secrets", "serviceaccounts", "events")) {
      for (String verb : List.of("get", "list", "watch", "create", "update", "patch", "delete", "deletecollection")) {
        if (permitted(user, ns, verb, resource)) {
          allowed.add(resource + ":" + verb);
        }
      }
    }
    assertEquals(rulesOf(chartRole(ns, SPARK_SA)), allowed);

    try (KubernetesClient driver = tokenOf(ns, SPARK_SA)) {
      driver.pods().inNamespace(ns).withLabel("spark-app-selector", "none").delete(); // stop()'s cleanup: allowed
      assertForbidden(() -> driver.persistentVolumeClaims().inNamespace(ns).withLabel("spark-app-selector", "none").delete(),
          "deletecollection PVCs");
      assertForbidden(() -> driver.services().inNamespace(ns).withLabel("spark-app-selector", "none").delete(),
          "deletecollection services");
      assertForbidden(() -> driver.configMaps().inNamespace(ns).list(), "read the namespace's ConfigMaps");
      assertForbidden(() -> driver.secrets().inNamespace(ns).list(), "read Secrets");
      assertForbidden(() -> driver.pods().inNamespace("default").withLabel("spark-app-selector", "none").delete(),
          "delete pods of another namespace");
    }
  }

  @Test
  void namespaceViewersReadFeatureJobsAndEditorsWriteThemButNotTheirStatus() {
    ClusterHarness.applyChartRbac(admin); // the aggregated ClusterRoles
    String ns = namespace("people");
    bindToBuiltInRole(ns, "viewer", "view");
    bindToBuiltInRole(ns, "editor", "edit");
    // kube-controller-manager folds the labelled ClusterRoles into view and edit asynchronously.
    await("aggregation into edit").atMost(SETTLE).pollInterval(ClusterHarness.POLL)
        .until(() -> permitted("system:serviceaccount:" + ns + ":editor", ns, "create", "featurejobs"));
    FeatureJob existing = admin.resources(FeatureJob.class).inNamespace(ns).resource(job(ns, "existing")).create();

    try (KubernetesClient viewer = tokenOf(ns, "viewer"); KubernetesClient editor = tokenOf(ns, "editor")) {
      assertEquals(1, viewer.resources(FeatureJob.class).inNamespace(ns).list().getItems().size());
      assertForbidden(() -> viewer.resources(FeatureJob.class).inNamespace(ns).resource(job(ns, "by-viewer")).dryRun()
          .create(), "view creates a FeatureJob");
      assertForbidden(() -> viewer.resources(FeatureJob.class).inNamespace(ns).withName("existing").delete(),
          "view deletes a FeatureJob");

      editor.resources(FeatureJob.class).inNamespace(ns).resource(job(ns, "by-editor")).dryRun().create();
      editor.resources(FeatureJob.class).inNamespace(ns).withName("existing").edit(j -> {
        j.getSpec().suspend = true;
        return j;
      });
      existing.setStatus(new FeatureJobStatus());
      existing.getStatus().phase = Phase.Completed;
      assertForbidden(() -> editor.resources(FeatureJob.class).inNamespace(ns).resource(existing).updateStatus(),
          "edit writes status (the operator's record)");
      assertForbidden(() -> editor.resources(FeatureJob.class).inNamespace("default").list(),
          "edit in one namespace reads FeatureJobs of another");
    }
  }

  @Test
  void theAdmissionPolicyRefusesForeignServiceAccountsAndImagesAtApply() {
    String ns = namespace("vap");
    SparkAllowList lists = new SparkAllowList(Set.of(SPARK_SA, "ml-spark"),
        List.of("apache/spark", "registry.example.com/ml/", "registry.example.com:5000/team"));
    String values = """
        watchNamespaces: [%s]
        spark:
          allowedServiceAccounts: [featurejob-spark, ml-spark]
          allowedImages: [apache/spark, registry.example.com/ml/, 'registry.example.com:5000/team']
        """.formatted(ns);
    String policy = null;
    for (HasMetadata object : HelmChart.parse(HelmChart.template("fj-" + ns, ns, values))) {
      if (object instanceof ValidatingAdmissionPolicy || object instanceof ValidatingAdmissionPolicyBinding) {
        created.add(admin.resource(object).forceConflicts().serverSideApply());
        policy = object.getMetadata().getName();
      }
    }
    // The policy takes effect once the API server has compiled it.
    await("the policy in force").atMost(SETTLE).pollInterval(ClusterHarness.POLL)
        .until(() -> apply(ns, jobYaml(ns, "probe", "apache/spark:3.5.3", "admin-sa", "")).exitCode() != 0);

    ClusterHarness.Result foreignAccount = apply(ns, jobYaml(ns, "sa", "apache/spark:3.5.3", "admin-sa", ""));
    assertTrue(foreignAccount.output().contains("ValidatingAdmissionPolicy '" + policy + "'")
        && foreignAccount.output().contains(
            "spec.spark.serviceAccountName: ServiceAccount admin-sa is not allowed (allowed: featurejob-spark,ml-spark)"),
        foreignAccount.output());
    ClusterHarness.Result foreignImage = apply(ns, jobYaml(ns, "img", "evil.example.com/miner:1", "", ""));
    assertTrue(foreignImage.output().contains("spec.spark.image: image evil.example.com/miner:1 is not allowed"),
        foreignImage.output());
    ClusterHarness.Result executorImage = apply(ns, jobYaml(ns, "exec", "apache/spark:3.5.3", "",
        "spark.kubernetes.executor.container.image: evil.example.com/miner:1"));
    assertTrue(executorImage.output().contains(
        "spec.spark.sparkConf[spark.kubernetes.executor.container.image]: image evil.example.com/miner:1"),
        executorImage.output());
    ClusterHarness.Result executorAccount = apply(ns, jobYaml(ns, "exec-sa", "apache/spark:3.5.3", "",
        "spark.kubernetes.authenticate.executor.serviceAccountName: admin-sa"));
    assertTrue(executorAccount.output().contains("ServiceAccount admin-sa is not allowed"), executorAccount.output());
    ClusterHarness.Result allowed = apply(ns, jobYaml(ns, "ok", "registry.example.com/ml/embeddings:2.4.1", "ml-spark", ""));
    assertEquals(0, allowed.exitCode(), allowed.output());

    // The policy's CEL and the operator's check agree on every image shape of SparkAllowListTest.
    for (String image : List.of("apache/spark", "apache/spark:3.5.3", "apache/spark@sha256:0123abcd",
        "apache/spark-evil:3.5.3", "apache/spark/sub:1", "docker.io/apache/spark:3.5.3",
        "registry.example.com/ml/deep/er:1", "registry.example.com/mlx/embeddings:1",
        "registry.example.com.evil.io/ml/x:1", "registry.example.com:5000/team:7",
        "registry.example.com:5000/team:7/../x", "registry.example.com:5000/teamx:7")) {
      boolean operatorAllows = lists.check(image, SPARK_SA, Map.of()).isEmpty();
      ClusterHarness.Result result = apply(ns, jobYaml(ns, "table", image, "", ""));
      assertEquals(operatorAllows, result.exitCode() == 0, image + ": " + result.output());
    }
  }

  @Test
  void withoutTheAdmissionPolicyTheOperatorMarksAForeignJobInvalidAndLaunchesNothing() {
    try (ClusterHarness h = ClusterHarness.start("invalid")) {
      FeatureJob job = job(h.namespace, "foreign-sa");
      job.getSpec().spark.serviceAccountName = "default"; // exists in every namespace; not on the allow-list
      h.create(job);
      FeatureJobStatus status = h.awaitStatus("foreign-sa", "Invalid", s -> s.phase == Phase.Invalid);
      var specValid = Conditions.find(status, Conditions.SPEC_VALID);
      assertEquals("False", specValid.getStatus());
      assertTrue(specValid.getMessage().contains("spark.serviceAccountName: ServiceAccount 'default' is not allowed"
          + " (operator option sparkServiceAccounts: featurejob-spark)"), specValid.getMessage());
      assertTrue(h.awaitEvent("foreign-sa", EventReason.InvalidSpec).getMessage().contains("'default' is not allowed"));
      await("no driver pod").during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(30))
          .pollInterval(ClusterHarness.POLL).until(() -> h.driverPods("foreign-sa").isEmpty());
    }
  }

  @Test
  void anUnboundIdentityIsForbiddenAndTheOperatorNeverGetsReady() throws Exception {
    String ns = namespace("unbound");
    createServiceAccount(ns, "unbound");
    try (KubernetesClient client = tokenOf(ns, "unbound")) {
      KubernetesClientException e = assertThrows(KubernetesClientException.class,
          () -> client.resources(FeatureJob.class).inNamespace(ns).list());
      assertEquals(403, e.getCode());
      assertTrue(e.getMessage().contains("system:serviceaccount:" + ns + ":unbound"), e.getMessage());

      // JOSDK refuses to start when its informers are forbidden; if it ever starts anyway it must not be ready.
      FeatureJobOperator op;
      try {
        op = ClusterHarness.startOperator(client, ns);
      } catch (RuntimeException refused) {
        assertTrue(causedByForbidden(refused), () -> "expected a 403 behind " + refused);
        return;
      }
      try {
        await("never ready").during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(30))
            .pollInterval(ClusterHarness.POLL).until(() -> status(op.metricsPort(), "/readyz", null) != 200);
      } finally {
        op.close();
      }
    }
  }

  @Test
  void metricsWithAuthAnswer401WithoutAToken403WithoutThePermissionAnd200WithIt() throws Exception {
    ClusterHarness.applyChartRbac(admin);
    String ns = jobNamespace("metrics");
    // The chart with metrics.auth.enabled: its ClusterRoleBinding to system:auth-delegator.
    for (HasMetadata object : HelmChart.parse(HelmChart.template(ClusterHarness.OPERATOR_SERVICE_ACCOUNT, ClusterHarness.OPERATOR_NAMESPACE,
        "metrics: {auth: {enabled: true}}"))) {
      if (object instanceof ClusterRoleBinding binding && binding.getMetadata().getName().endsWith("-metrics-auth")) {
        created.add(admin.resource(binding).forceConflicts().serverSideApply());
      }
    }
    // A scraper as Prometheus is set up: a ClusterRole with get on /metrics.
    createServiceAccount(ns, "scraper");
    createServiceAccount(ns, "nobody");
    String role = "fj-scrape-" + ns;
    created.add(admin.resource(new ClusterRoleBuilder().withNewMetadata().withName(role).endMetadata()
        .addToRules(new io.fabric8.kubernetes.api.model.rbac.PolicyRuleBuilder().withNonResourceURLs("/metrics")
            .withVerbs("get").build()).build()).create());
    created.add(admin.resource(new ClusterRoleBindingBuilder().withNewMetadata().withName(role).endMetadata()
        .withNewRoleRef("rbac.authorization.k8s.io", "ClusterRole", role)
        .addNewSubject().withKind("ServiceAccount").withName("scraper").withNamespace(ns).endSubject().build()).create());

    Map<String, String> env = new LinkedHashMap<>();
    env.put("FEATUREJOB_METRICS_BIND_ADDRESS", "127.0.0.1");
    env.put("FEATUREJOB_METRICS_PORT", "0");
    env.put("FEATUREJOB_WATCH_NAMESPACES", ns);
    env.put("FEATUREJOB_METRICS_AUTH", "true");
    try (KubernetesClient operatorClient = tokenOf(ClusterHarness.OPERATOR_NAMESPACE, ClusterHarness.OPERATOR_SERVICE_ACCOUNT);
        FeatureJobOperator op = FeatureJobOperator.start(operatorClient, OperatorConfig.load(env), Clock.systemUTC(), false)) {
      int port = op.metricsPort();
      String scraper = ClusterHarness.token(admin, ns, "scraper");
      // The binding reaches the authorizer's cache within moments of its creation.
      await("scraper allowed").atMost(SETTLE).pollInterval(ClusterHarness.POLL)
          .until(() -> status(port, "/metrics", scraper) == 200);
      assertEquals(401, status(port, "/metrics", null));
      assertEquals(401, status(port, "/metrics", "not-a-token"));
      assertEquals(403, status(port, "/metrics", ClusterHarness.token(admin, ns, "nobody")));
      assertEquals(200, status(port, "/healthz", null), "the kubelet's probes carry no token");
      assertNotEquals(401, status(port, "/readyz", null));
    }
  }

  // ------------------------------------------------------------------ helpers

  private static void assertForbidden(Executable request, String what) {
    KubernetesClientException e = assertThrows(KubernetesClientException.class, request, what + " must be refused");
    assertEquals(403, e.getCode(), what + ": " + e.getMessage());
  }

  private String namespace(String prefix) {
    String name = prefix + "-" + UUID.randomUUID().toString().substring(0, 5);
    created.add(admin.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(name).endMetadata()
        .build()).create());
    return name;
  }

  /** A namespace set up as README "Install" says: deploy/job-namespace/ applied to it. */
  private String jobNamespace(String prefix) {
    String ns = namespace(prefix);
    ClusterHarness.applyJobNamespace(admin, ns);
    return ns;
  }

  private void createServiceAccount(String ns, String name) {
    admin.serviceAccounts().inNamespace(ns).resource(new ServiceAccountBuilder().withNewMetadata().withName(name)
        .endMetadata().build()).create();
  }

  private void bindToBuiltInRole(String ns, String serviceAccount, String clusterRole) {
    createServiceAccount(ns, serviceAccount);
    admin.rbac().roleBindings().inNamespace(ns).resource(new RoleBindingBuilder().withNewMetadata()
        .withName(serviceAccount).endMetadata()
        .withNewRoleRef("rbac.authorization.k8s.io", "ClusterRole", clusterRole)
        .addNewSubject().withKind("ServiceAccount").withName(serviceAccount).withNamespace(ns).endSubject()
        .build()).create();
  }

  private KubernetesClient tokenOf(String ns, String serviceAccount) {
    return ClusterHarness.tokenClient(admin, ClusterHarness.token(admin, ns, serviceAccount));
  }

  /** The API server's authorizer on {@code verb resource[/subresource]} for a ServiceAccount user. */
  private boolean permitted(String user, String ns, String verb, String resource) {
    String[] parts = resource.split("/", 2);
    String saNamespace = user.split(":")[2];
    SubjectAccessReview review = admin.resource(new SubjectAccessReviewBuilder().withNewSpec()
        .withUser(user)
        .withGroups("system:serviceaccounts", "system:serviceaccounts:" + saNamespace, "system:authenticated")
        .withNewResourceAttributes().withNamespace(ns).withVerb(verb).withResource(parts[0])
        .withSubresource(parts.length > 1 ? parts[1] : null)
        .withGroup(parts[0].equals("featurejobs") ? "featurejob.io" : "").endResourceAttributes()
        .endSpec().build()).create();
    return Boolean.TRUE.equals(review.getStatus().getAllowed());
  }

  /** The chart's Role {@code name} as deploy/job-namespace/ applies it. */
  private Role chartRole(String ns, String name) {
    return admin.rbac().roles().inNamespace(ns).withName(name).get();
  }

  /** "resource:verb" for every rule of the core group in {@code role}. */
  private static Set<String> rulesOf(Role role) {
    Set<String> out = new TreeSet<>();
    for (PolicyRule rule : role.getRules()) {
      assertEquals(List.of(""), rule.getApiGroups());
      for (String resource : rule.getResources()) {
        for (String verb : rule.getVerbs()) {
          out.add(resource + ":" + verb);
        }
      }
    }
    return out;
  }

  private static Pod pod(String ns) {
    return new PodBuilder().withNewMetadata().withName("rbac-probe").withNamespace(ns).endMetadata()
        .withNewSpec().withServiceAccountName(SPARK_SA).addNewContainer().withName("c").withImage("apache/spark:3.5.3")
        .endContainer().endSpec().build();
  }

  private static io.fabric8.kubernetes.api.model.ConfigMap configMap(String ns) {
    return new ConfigMapBuilder().withNewMetadata().withName("rbac-probe").withNamespace(ns).endMetadata().build();
  }

  private static FeatureJob job(String ns, String name) {
    FeatureJob job = Stories.job(name, "rbac", Importance.Normal, Map.of());
    job.getMetadata().setNamespace(ns);
    job.getSpec().schedule = ClusterJobs.SCHEDULE;
    return job;
  }

  private static String jobYaml(String ns, String name, String image, String serviceAccount, String sparkConf) {
    return """
        apiVersion: featurejob.io/v1alpha1
        kind: FeatureJob
        metadata: {name: %s, namespace: %s}
        spec:
          schedule: "@yearly"
          spark:
            image: "%s"
            mainApplicationFile: local:///opt/app/features.py
        %s%s""".formatted(name, ns, image,
        serviceAccount.isEmpty() ? "" : "    serviceAccountName: " + serviceAccount + "\n",
        sparkConf.isEmpty() ? "" : "    sparkConf: {" + sparkConf + "}\n");
  }

  private static ClusterHarness.Result apply(String ns, String yaml) {
    return ClusterHarness.kubectl(yaml, "apply", "--dry-run=server", "--namespace=" + ns, "-f", "-");
  }

  /** The HTTP status of GET {@code path} on the operator's metrics port, with {@code token} if not null. */
  private static int status(int port, String path, String token) throws IOException, InterruptedException {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(10));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  private static boolean causedByForbidden(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof KubernetesClientException k && k.getCode() == 403) {
        return true;
      }
      if (String.valueOf(c.getMessage()).contains("forbidden")) {
        return true;
      }
    }
    return false;
  }
}
