package io.featurejob.operator.cluster;

import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.rbac.PolicyRuleBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import io.fabric8.kubernetes.api.model.authentication.TokenRequest;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectAccessReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectAccessReviewBuilder;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.featurejob.operator.api.FeatureJob;
import io.featurejob.operator.chart.HelmChart;
import io.featurejob.operator.config.OperatorConfig;
import io.featurejob.operator.controller.FeatureJobOperator;
import io.featurejob.operator.demo.SimulatedCluster;
import io.featurejob.operator.demo.SimulatedKubelet;
import io.featurejob.operator.testing.FeatureJobHarness;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * One test against a real control plane (the one `make cluster` starts, or any cluster named by
 * {@code KUBECONFIG}): a fresh namespace, the simulated kubelet playing the nodes (binding through
 * pods/binding), and the operator running in this JVM with the token of the chart's ServiceAccount,
 * so every API call it makes is authorized by the chart's Role in that namespace and nothing else.
 */
public final class ClusterHarness extends FeatureJobHarness {
  /** The chart's identity, as deploy/featurejob-operator.yaml creates it. */
  static final String OPERATOR_NAMESPACE = "featurejob-system";
  static final String OPERATOR_SERVICE_ACCOUNT = "featurejob-operator";
  static final Path JOB_NAMESPACE_MANIFEST = Path.of("deploy", "job-namespace", "job-namespace.yaml");
  static final Duration TIMEOUT = Duration.ofSeconds(90);
  static final Duration POLL = Duration.ofMillis(250);
  private static final Set<String> RBAC_KINDS = Set.of("Namespace", "ServiceAccount", "ClusterRole", "ClusterRoleBinding");

  public final KubernetesClient admin;
  /** The simulated nodes and kubelet; null on a real node ({@link #onRealNode}). */
  final SimulatedCluster cluster;
  final SimulatedKubelet kubelet;
  private final Map<String, String> extraEnvironment;
  final Clock clock = Clock.systemUTC();
  /** The metrics port of an operator this harness did not start (a container), if any. */
  private Integer externalMetricsPort;
  /** The API server URL the operator uses, when not the admin's (a fault proxy); null = the admin's. */
  private volatile String operatorServer;

  private ClusterHarness(String namespace, KubernetesClient admin, SimulatedCluster cluster, SimulatedKubelet kubelet,
      Map<String, String> extraEnvironment) {
    super(admin, namespace, TIMEOUT, POLL);
    this.admin = admin;
    this.cluster = cluster;
    this.kubelet = kubelet;
    this.extraEnvironment = Map.copyOf(extraEnvironment);
  }

  /** A namespace {@code prefix-xxxxx} with the Spark ServiceAccount, the kubelet and a running operator. */
  static ClusterHarness start(String prefix) {
    return started(prepare(prefix, true, true, Map.of()));
  }

  /**
   * As {@link #start} on a control plane with a real node (FEATUREJOB_CLUSTER_NODE=1): no simulated
   * kubelet; the operator's settings are the defaults plus {@code operatorSettings}.
   */
  public static ClusterHarness onRealNode(String prefix, Map<String, String> operatorSettings) {
    return started(prepare(prefix, true, false, operatorSettings));
  }

  /**
   * As {@link #onRealNode(String, Map)}, with the operator's Role in the namespace as the chart renders it
   * with {@code chartValues} (e.g. {@code watchReferences: true}), in force before the operator starts.
   */
  public static ClusterHarness onRealNode(String prefix, Map<String, String> operatorSettings, String chartValues) {
    ClusterHarness harness = prepare(prefix, true, false, operatorSettings);
    try {
      harness.applyOperatorRole(chartValues);
    } catch (RuntimeException e) {
      harness.close();
      throw e;
    }
    return started(harness);
  }

  private static ClusterHarness started(ClusterHarness harness) {
    try {
      harness.startOperator();
    } catch (RuntimeException e) {
      harness.close();
      throw e;
    }
    return harness;
  }

  /** As {@link #start} without starting the operator: the test runs it ({@link OperatorProcess}). */
  static ClusterHarness prepared(String prefix) {
    return prepare(prefix, true, true, Map.of());
  }

  /**
   * A namespace {@code prefix-xxxxx} and the kubelet, but neither the Spark ServiceAccount nor an
   * operator: the test installs both the way the README does ({@link #useExternalOperator}).
   */
  static ClusterHarness withoutOperator(String prefix) {
    return prepare(prefix, false, true, Map.of());
  }

  private static ClusterHarness prepare(String prefix, boolean sparkServiceAccount, boolean simulatedKubelet,
      Map<String, String> operatorSettings) {
    KubernetesClient admin = adminClient();
    String namespace = prefix + "-" + UUID.randomUUID().toString().substring(0, 5);
    try {
      applyChartRbac(admin);
      admin.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(namespace)
          .addToLabels("featurejob.io/e2e", "true").endMetadata().build()).create();
      if (sparkServiceAccount) {
        // The operator's Role in the namespace and the Spark driver ServiceAccount (the ServiceAccount
        // admission plugin rejects pods naming one that does not exist), as README "Install" applies them.
        applyJobNamespace(admin, namespace);
      }
      // Spark executors run as "default", which kube-controller-manager creates in every namespace;
      // create it here too for control planes without that controller.
      try {
        admin.serviceAccounts().inNamespace(namespace).resource(new ServiceAccountBuilder().withNewMetadata()
            .withName("default").endMetadata().build()).create();
      } catch (KubernetesClientException e) {
        if (e.getCode() != 409) {
          throw e;
        }
      }
      if (!simulatedKubelet) {
        return new ClusterHarness(namespace, admin, null, null, operatorSettings);
      }
      SimulatedCluster cluster = SimulatedCluster.karpenter();
      SimulatedKubelet kubelet = new SimulatedKubelet(admin, cluster, Clock.systemUTC()).onRealApiServer().start();
      return new ClusterHarness(namespace, admin, cluster, kubelet, operatorSettings);
    } catch (RuntimeException e) {
      admin.close();
      throw e;
    }
  }

  /** Cluster-admin client from {@code KUBECONFIG} (`make e2e` points it at the local control plane). */
  public static KubernetesClient adminClient() {
    String kubeconfig = System.getenv("KUBECONFIG");
    if (kubeconfig == null || kubeconfig.isBlank()) {
      throw new IllegalStateException("KUBECONFIG is not set: run these tests with `make e2e`"
          + " (starts a local control plane) or point KUBECONFIG at a cluster");
    }
    return new KubernetesClientBuilder().withConfig(Config.autoConfigure(null)).build();
  }

  /** Namespace, ServiceAccount and the cluster-scoped RBAC (aggregated ClusterRoles) of deploy/featurejob-operator.yaml. */
  static void applyChartRbac(KubernetesClient admin) {
    Path manifests = Path.of("deploy", "featurejob-operator.yaml");
    try (InputStream in = Files.newInputStream(manifests)) {
      for (HasMetadata item : admin.load(in).items()) {
        if (RBAC_KINDS.contains(item.getKind())) {
          admin.resource(item).forceConflicts().serverSideApply();
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * deploy/job-namespace/ with {@code namespace} for its placeholder, as README "Install" applies it: the
   * operator's Role and RoleBinding there, the Spark driver ServiceAccount, Role and RoleBinding.
   */
  static void applyJobNamespace(KubernetesClient admin, String namespace) {
    try {
      String yaml = Files.readString(JOB_NAMESPACE_MANIFEST).replaceAll("(?m)namespace: featurejob-jobs$",
          "namespace: " + namespace);
      for (HasMetadata item : admin.load(new java.io.ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)))
          .items()) {
        admin.resource(item).forceConflicts().serverSideApply();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The chart's operator Role and RoleBinding for this namespace, rendered with {@code chartValues} and
   * {@code watchNamespaces: [namespace]}, replacing deploy/job-namespace/'s (the chart's defaults). Returns
   * once the operator's token may do all the Role grants (the authorizer's cache lags behind a changed Role).
   */
  void applyOperatorRole(String chartValues) {
    String values = "watchNamespaces: [" + namespace + "]\n" + chartValues;
    List<PolicyRule> rules = new ArrayList<>();
    for (HasMetadata object : HelmChart.parse(HelmChart.template(OPERATOR_SERVICE_ACCOUNT, OPERATOR_NAMESPACE, values))) {
      // the release is named as the ServiceAccount, so are its Role and RoleBinding (not the Spark drivers' ones)
      if ((object instanceof Role || object instanceof RoleBinding) && namespace.equals(object.getMetadata().getNamespace())
          && OPERATOR_SERVICE_ACCOUNT.equals(object.getMetadata().getName())) {
        admin.resource(object).forceConflicts().serverSideApply();
        if (object instanceof Role role) {
          rules.addAll(role.getRules());
        }
      }
    }
    if (rules.isEmpty()) {
      throw new IllegalStateException("the chart rendered no operator Role for " + namespace + " with " + chartValues);
    }
    try (KubernetesClient operator = tokenClient(admin, token(admin, OPERATOR_NAMESPACE, OPERATOR_SERVICE_ACCOUNT))) {
      for (PolicyRule rule : rules) {
        for (String resource : rule.getResources()) {
          for (String verb : rule.getVerbs()) {
            await("the operator may " + verb + " " + resource + " in " + namespace).atMost(TIMEOUT).pollInterval(POLL)
                .until(() -> allowed(operator, rule.getApiGroups().get(0), resource, verb));
          }
        }
      }
    }
  }

  /** A SelfSubjectAccessReview (= kubectl auth can-i) of {@code client}'s identity in this namespace. */
  private boolean allowed(KubernetesClient client, String group, String resource, String verb) {
    String[] parts = resource.split("/", 2);
    SelfSubjectAccessReview review = client.authorization().v1().selfSubjectAccessReview()
        .create(new SelfSubjectAccessReviewBuilder().withNewSpec().withNewResourceAttributes()
            .withNamespace(namespace).withGroup(group).withResource(parts[0])
            .withSubresource(parts.length > 1 ? parts[1] : null).withVerb(verb)
            .endResourceAttributes().endSpec().build());
    return Boolean.TRUE.equals(review.getStatus().getAllowed());
  }

  /** A bearer token of {@code namespace/serviceAccount} through the TokenRequest API (= kubectl create token). */
  static String token(KubernetesClient admin, String namespace, String serviceAccount) {
    TokenRequest request = admin.serviceAccounts().inNamespace(namespace).withName(serviceAccount)
        .tokenRequest(new TokenRequestBuilder().withNewSpec().withExpirationSeconds(3600L).endSpec().build());
    return request.getStatus().getToken();
  }

  /** A client that authenticates with {@code token} only (no client certificate of the kubeconfig). */
  static KubernetesClient tokenClient(KubernetesClient admin, String token) {
    Config from = admin.getConfiguration();
    Config config = new ConfigBuilder(Config.empty())
        .withMasterUrl(from.getMasterUrl())
        .withCaCertData(from.getCaCertData())
        .withCaCertFile(from.getCaCertFile())
        .withTrustCerts(from.isTrustCerts())
        .withOauthToken(token)
        .build();
    return new KubernetesClientBuilder().withConfig(config).build();
  }

  // ------------------------------------------------------------------ operator lifecycle

  /** The operator authenticates as the chart's ServiceAccount only. */
  @Override
  protected KubernetesClient newOperatorClient() {
    KubernetesClient client = tokenClient(admin, token(admin, OPERATOR_NAMESPACE, OPERATOR_SERVICE_ACCOUNT));
    if (operatorServer == null) {
      return client;
    }
    Config config = new ConfigBuilder(client.getConfiguration()).withMasterUrl(operatorServer).build();
    client.close();
    return new KubernetesClientBuilder().withConfig(config).build();
  }

  /** Watching this namespace only, so tests never see each other's FeatureJobs. */
  @Override
  protected Map<String, String> operatorEnvironment() {
    Map<String, String> env = environment(namespace);
    env.putAll(extraEnvironment);
    return env;
  }

  static FeatureJobOperator startOperator(KubernetesClient client, String namespace) {
    try {
      return FeatureJobOperator.start(client, OperatorConfig.load(environment(namespace)), Clock.systemUTC(), false);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Map<String, String> environment(String namespace) {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("FEATUREJOB_METRICS_BIND_ADDRESS", "127.0.0.1");
    env.put("FEATUREJOB_METRICS_PORT", "0");
    env.put("FEATUREJOB_WATCH_NAMESPACES", namespace);
    env.put("FEATUREJOB_LEADER_ELECTION", "false");
    return env;
  }

  /** The chart's leader-election Role (templates/rbac.yaml), here in the test's namespace. */
  void grantLeases() {
    String name = "featurejob-operator-leader-election";
    admin.rbac().roles().inNamespace(namespace).resource(new RoleBuilder().withNewMetadata().withName(name)
        .endMetadata().withRules(new PolicyRuleBuilder().withApiGroups("coordination.k8s.io").withResources("leases")
            .withVerbs("get", "create", "patch", "update").build()).build()).create();
    admin.rbac().roleBindings().inNamespace(namespace).resource(new RoleBindingBuilder().withNewMetadata()
        .withName(name).endMetadata().withNewRoleRef("rbac.authorization.k8s.io", "Role", name)
        .addNewSubject().withKind("ServiceAccount").withName(OPERATOR_SERVICE_ACCOUNT)
        .withNamespace(OPERATOR_NAMESPACE).endSubject().build()).create();
  }

  /** Operators started from now on reach the API server at {@code url} (a proxy in front of it). */
  void routeOperatorThrough(String url) {
    operatorServer = url;
  }

  /** Metrics are read from an operator running elsewhere (the image under test) on this port. */
  void useExternalOperator(int metricsPort) {
    if (operatorRunning()) {
      throw new IllegalStateException("the harness already runs an operator");
    }
    externalMetricsPort = metricsPort;
  }

  @Override
  public int metricsPort() {
    return externalMetricsPort != null ? externalMetricsPort : super.metricsPort();
  }

  /**
   * Deletes the FeatureJobs while the operator runs (it removes its finalizer), then the pods with
   * no grace period (no kubelet will confirm them later) and the namespace.
   */
  @Override
  public void close() {
    try {
      try {
        jobs().delete();
        await("FeatureJobs deleted").atMost(Duration.ofSeconds(20)).pollInterval(POLL).ignoreExceptions()
            .until(() -> jobs().list().getItems().isEmpty());
      } catch (RuntimeException e) {
        // best effort: the finalizers are removed below
      }
      stopOperator();
      for (FeatureJob job : jobs().list().getItems()) {
        jobs().withName(job.getMetadata().getName()).edit(j -> {
          j.getMetadata().setFinalizers(List.of());
          return j;
        });
      }
      if (kubelet != null) {
        kubelet.close();
      }
      admin.pods().inNamespace(namespace).withGracePeriod(0).delete();
      admin.namespaces().withName(namespace).delete();
    } catch (RuntimeException e) {
      System.err.println("cleanup of namespace " + namespace + " failed: " + e);
    } finally {
      admin.close();
    }
  }

  // ------------------------------------------------------------------ FeatureJobs

  private io.fabric8.kubernetes.client.dsl.MixedOperation<FeatureJob,
      io.fabric8.kubernetes.api.model.KubernetesResourceList<FeatureJob>,
      io.fabric8.kubernetes.client.dsl.Resource<FeatureJob>> allJobs() {
    return admin.resources(FeatureJob.class);
  }

  private io.fabric8.kubernetes.client.dsl.NonNamespaceOperation<FeatureJob,
      io.fabric8.kubernetes.api.model.KubernetesResourceList<FeatureJob>,
      io.fabric8.kubernetes.client.dsl.Resource<FeatureJob>> jobs() {
    return allJobs().inNamespace(namespace);
  }

  // ------------------------------------------------------------------ pods and events

  public Optional<Pod> pod(String name) {
    return Optional.ofNullable(admin.pods().inNamespace(namespace).withName(name).get());
  }

  /** core/v1 Events about the FeatureJob {@code job}, by a field selector the real API server applies. */
  @Override
  public List<Event> events(String job) {
    return admin.v1().events().inNamespace(namespace)
        .withField("involvedObject.name", job).withField("involvedObject.kind", "FeatureJob")
        .list().getItems();
  }

  // ------------------------------------------------------------------ kubectl

  /** The kubectl `make e2e` chose (FEATUREJOB_KUBECTL: the one built with the control plane), else kubectl. */
  static String kubectlBinary() {
    String chosen = System.getenv("FEATUREJOB_KUBECTL");
    return chosen == null || chosen.isBlank() ? "kubectl" : chosen;
  }

  public record Result(int exitCode, String stdout, String stderr) {
    public String output() {
      return stdout + stderr;
    }
  }

  /** Runs kubectl (KUBECONFIG from the environment) with {@code stdin}; waits at most a minute. */
  public static Result kubectl(String stdin, String... args) {
    List<String> command = new ArrayList<>();
    command.add(kubectlBinary());
    command.addAll(List.of(args));
    return run(command, stdin, Duration.ofSeconds(60));
  }

  /** Runs {@code command} with {@code stdin} (may be null) and collects its output; fails after {@code timeout}. */
  static Result run(List<String> command, String stdin, Duration timeout) {
    try {
      Process process = new ProcessBuilder(command).start();
      try (var in = process.getOutputStream()) {
        if (stdin != null) {
          in.write(stdin.getBytes(StandardCharsets.UTF_8));
        }
      }
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      ByteArrayOutputStream err = new ByteArrayOutputStream();
      Thread errReader = new Thread(() -> {
        try {
          process.getErrorStream().transferTo(err);
        } catch (IOException ignored) {
          // process ended
        }
      });
      errReader.start();
      process.getInputStream().transferTo(out);
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        throw new AssertionError(String.join(" ", command) + " did not finish in " + timeout);
      }
      errReader.join(5000);
      return new Result(process.exitValue(), out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  public Result kubectlHere(String stdin, String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.add("--namespace=" + namespace);
    return kubectl(stdin, all.toArray(String[]::new));
  }

  static String lower(String s) {
    return s.toLowerCase(Locale.ROOT);
  }

  static boolean isForbidden(KubernetesClientException e) {
    return e.getCode() == 403;
  }
}
