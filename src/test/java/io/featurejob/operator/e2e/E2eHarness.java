package io.featurejob.operator.e2e;

import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.featurejob.operator.api.FeatureJob;
import io.featurejob.operator.api.FeatureJobStatus;
import io.featurejob.operator.api.Labels;
import io.featurejob.operator.config.OperatorConfig;
import io.featurejob.operator.controller.FeatureJobOperator;
import io.featurejob.operator.demo.EmbeddedApiServer;
import io.featurejob.operator.demo.SimulatedCluster;
import io.featurejob.operator.demo.SimulatedKubelet;
import io.featurejob.operator.events.EventReason;
import io.featurejob.operator.metrics.ScrapedSample;
import io.featurejob.operator.spark.PodNames;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * One simulated cluster per test: the embedded CRUD API server, the simulated kubelet (Karpenter
 * node pools) and the operator, wired exactly as {@code make demo} does. The operator can be stopped
 * and started again on the same API server (a restart); everything else lives until {@link #close()}.
 */
final class E2eHarness implements AutoCloseable {
  static final String NAMESPACE = io.featurejob.operator.demo.Stories.NAMESPACE;
  static final Duration TIMEOUT = Duration.ofSeconds(60);
  static final Duration POLL = Duration.ofMillis(200);

  final EmbeddedApiServer api;
  final KubernetesClient client;
  final SimulatedCluster cluster;
  final SimulatedKubelet kubelet;
  final Clock clock = Clock.systemUTC();
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private FeatureJobOperator operator;
  private KubernetesClient operatorClient;

  private E2eHarness(EmbeddedApiServer api, SimulatedCluster cluster, SimulatedKubelet kubelet) {
    this.api = api;
    this.client = api.client();
    this.cluster = cluster;
    this.kubelet = kubelet;
  }

  /** API server with namespace {@value #NAMESPACE}, kubelet and a running operator. */
  static E2eHarness start() {
    EmbeddedApiServer api = EmbeddedApiServer.start();
    try {
      api.client().namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(NAMESPACE)
          .endMetadata().build()).create();
      SimulatedCluster cluster = SimulatedCluster.karpenter();
      SimulatedKubelet kubelet = new SimulatedKubelet(api.client(), cluster, Clock.systemUTC()).start();
      E2eHarness harness = new E2eHarness(api, cluster, kubelet);
      harness.startOperator();
      return harness;
    } catch (RuntimeException e) {
      api.close();
      throw e;
    }
  }

  // ------------------------------------------------------------------ operator lifecycle

  void startOperator() {
    if (operator != null) {
      throw new IllegalStateException("the operator is already running");
    }
    Map<String, String> env = new LinkedHashMap<>();
    env.put("FEATUREJOB_METRICS_BIND_ADDRESS", "127.0.0.1");
    env.put("FEATUREJOB_METRICS_PORT", "0");
    operatorClient = api.newClient();
    try {
      operator = FeatureJobOperator.start(operatorClient, OperatorConfig.load(env), clock, false);
    } catch (IOException e) {
      operatorClient.close();
      throw new UncheckedIOException(e);
    }
  }

  /** Stops the operator (as a pod being killed would); the API server and the kubelet keep going. */
  void stopOperator() {
    if (operator != null) {
      operator.close();
      operator = null;
    }
    if (operatorClient != null) {
      operatorClient.close();
      operatorClient = null;
    }
  }

  void restartOperator() {
    stopOperator();
    startOperator();
  }

  boolean operatorRunning() {
    return operator != null;
  }

  @Override
  public void close() {
    try {
      stopOperator();
    } finally {
      try {
        kubelet.close();
      } finally {
        api.close();
      }
    }
  }

  // ------------------------------------------------------------------ FeatureJobs

  FeatureJob create(FeatureJob job) {
    return client.resources(FeatureJob.class).inNamespace(NAMESPACE).resource(job).create();
  }

  FeatureJob job(String name) {
    return client.resources(FeatureJob.class).inNamespace(NAMESPACE).withName(name).get();
  }

  FeatureJobStatus status(String name) {
    FeatureJob job = job(name);
    return job == null ? null : job.getStatus();
  }

  /** Polls the job's status until {@code condition} holds; returns that status. */
  FeatureJobStatus awaitStatus(String name, String what, Predicate<FeatureJobStatus> condition) {
    return await(name + ": " + what).atMost(TIMEOUT).pollInterval(POLL).ignoreExceptions()
        .until(() -> status(name), s -> s != null && condition.test(s));
  }

  // ------------------------------------------------------------------ pods and events

  /** Driver pods of {@code job}, by the featurejob.io/job label, oldest attempt first. */
  List<Pod> driverPods(String job) {
    return client.pods().inNamespace(NAMESPACE)
        .withLabel(Labels.JOB, PodNames.jobLabelValue(job))
        .withLabel(Labels.SPARK_ROLE, Labels.ROLE_DRIVER)
        .list().getItems().stream()
        .sorted(Comparator.comparing(E2eHarness::attemptOf))
        .toList();
  }

  /** All pods (drivers and executors) labelled with {@code job}. */
  List<Pod> podsOf(String job) {
    return client.pods().inNamespace(NAMESPACE).withLabel(Labels.JOB, PodNames.jobLabelValue(job))
        .list().getItems();
  }

  static int attemptOf(Pod pod) {
    return Integer.parseInt(pod.getMetadata().getLabels().get(Labels.ATTEMPT));
  }

  static String phaseOf(Pod pod) {
    return pod.getStatus() == null ? null : pod.getStatus().getPhase();
  }

  /** core/v1 Events about the FeatureJob {@code job} (filtered here: the mock ignores field selectors). */
  List<Event> events(String job) {
    return client.v1().events().inNamespace(NAMESPACE).list().getItems().stream()
        .filter(e -> e.getInvolvedObject() != null && job.equals(e.getInvolvedObject().getName())
            && "FeatureJob".equals(e.getInvolvedObject().getKind()))
        .toList();
  }

  List<Event> events(String job, EventReason reason) {
    return events(job).stream().filter(e -> reason.name().equals(e.getReason())).toList();
  }

  Event awaitEvent(String job, EventReason reason) {
    return await(job + ": event " + reason).atMost(TIMEOUT).pollInterval(POLL).ignoreExceptions()
        .until(() -> events(job, reason).stream().findFirst(), Optional::isPresent).get();
  }

  /** Sum of {@code count} over the job's events with this reason (aggregated repeats included). */
  int eventCount(String job, EventReason reason) {
    return events(job, reason).stream().mapToInt(e -> Objects.requireNonNullElse(e.getCount(), 1)).sum();
  }

  // ------------------------------------------------------------------ HTTP: metrics and health

  HttpResponse<String> httpGet(String path) {
    if (operator == null) {
      throw new IllegalStateException("the operator is not running");
    }
    try {
      return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + operator.metricsPort() + path))
          .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Scrapes /metrics and parses every sample line. */
  List<ScrapedSample> scrape() {
    HttpResponse<String> response = httpGet("/metrics");
    if (response.statusCode() != 200) {
      throw new AssertionError("/metrics returned " + response.statusCode());
    }
    return ScrapedSample.parse(response.body());
  }

  /** Samples of metric {@code name} whose labels include {@code labels}. */
  List<ScrapedSample> samples(String name, Map<String, String> labels) {
    return scrape().stream().filter(s -> s.name().equals(name) && s.has(labels)).toList();
  }

  /** The value of the single sample of {@code name} with these labels (within the job's labels), or null. */
  Double value(String name, String job, Map<String, String> labels) {
    Map<String, String> all = new LinkedHashMap<>(labels);
    all.put("namespace", NAMESPACE);
    all.put("featurejob", job);
    List<ScrapedSample> found = samples(name, all);
    if (found.size() > 1) {
      throw new AssertionError("more than one series " + name + all + ": " + found);
    }
    return found.isEmpty() ? null : found.get(0).value();
  }

  Double value(String name, String job) {
    return value(name, job, Map.of());
  }

}
