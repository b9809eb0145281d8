package io.featurejob.operator.testing;

import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.featurejob.operator.api.FeatureJob;
import io.featurejob.operator.api.FeatureJobStatus;
import io.featurejob.operator.api.Labels;
import io.featurejob.operator.config.OperatorConfig;
import io.featurejob.operator.controller.FeatureJobOperator;
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
 * What the end-to-end harnesses share (the mock-server one in e2e/, the real control plane one in
 * cluster/): reading the FeatureJobs, pods and events of the test's namespace, and the running
 * operator's /metrics. A subclass brings the API server, the kubelet and the operator.
 */
public abstract class FeatureJobHarness implements AutoCloseable {
  /** The namespace the test's FeatureJobs live in. */
  public final String namespace;
  private final KubernetesClient reader;
  private final Duration timeout;
  private final Duration poll;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private FeatureJobOperator operator;
  private KubernetesClient operatorClient;

  protected FeatureJobHarness(KubernetesClient reader, String namespace, Duration timeout, Duration poll) {
    this.reader = reader;
    this.namespace = namespace;
    this.timeout = timeout;
    this.poll = poll;
  }

  // ------------------------------------------------------------------ the operator, in this JVM

  /** A client for a new operator instance, with the identity the operator should have. */
  protected abstract KubernetesClient newOperatorClient();

  /** The operator's settings, as FEATUREJOB_* variables ({@link OperatorConfig#load}). */
  protected abstract Map<String, String> operatorEnvironment();

  /** The operator's clock; the system clock unless a harness shares another with its kubelet. */
  protected Clock operatorClock() {
    return Clock.systemUTC();
  }

  /** Starts the operator with {@link #newOperatorClient()}; returns once /readyz answers 200. */
  public void startOperator() {
    if (operator != null) {
      throw new IllegalStateException("the operator is already running");
    }
    operatorClient = newOperatorClient();
    try {
      operator = FeatureJobOperator.start(operatorClient, OperatorConfig.load(operatorEnvironment()), operatorClock(),
          false);
    } catch (IOException | RuntimeException e) {
      operatorClient.close();
      operatorClient = null;
      throw e instanceof IOException io ? new UncheckedIOException(io) : (RuntimeException) e;
    }
    // /readyz is 200 once every informer synced: an informer whose list or watch is forbidden never gets there
    await("operator /readyz").atMost(timeout).pollInterval(poll).ignoreExceptions()
        .until(() -> httpGet("/readyz").statusCode() == 200);
  }

  /** Stops the operator (as a pod being killed would); the API server and the kubelet keep going. */
  public void stopOperator() {
    if (operator != null) {
      operator.close();
      operator = null;
    }
    if (operatorClient != null) {
      operatorClient.close();
      operatorClient = null;
    }
  }

  public void restartOperator() {
    stopOperator();
    startOperator();
  }

  public boolean operatorRunning() {
    return operator != null;
  }

  /** Port of the metrics server of the operator this harness runs; throws when none runs. */
  public int metricsPort() {
    if (operator == null) {
      throw new IllegalStateException("the operator is not running");
    }
    return operator.metricsPort();
  }

  // ------------------------------------------------------------------ FeatureJobs

  public FeatureJob create(FeatureJob job) {
    job.getMetadata().setNamespace(namespace);
    return reader.resources(FeatureJob.class).inNamespace(namespace).resource(job).create();
  }

  /** What {@code kubectl annotate fj NAME KEY=VALUE --overwrite} does: the job's other annotations stay. */
  public FeatureJob annotate(String name, String key, String value) {
    return reader.resources(FeatureJob.class).inNamespace(namespace).withName(name).edit(j -> {
      Map<String, String> annotations = j.getMetadata().getAnnotations() == null
          ? new LinkedHashMap<>() : new LinkedHashMap<>(j.getMetadata().getAnnotations());
      annotations.put(key, value);
      j.getMetadata().setAnnotations(annotations);
      return j;
    });
  }

  public FeatureJob job(String name) {
    return reader.resources(FeatureJob.class).inNamespace(namespace).withName(name).get();
  }

  public FeatureJobStatus status(String name) {
    FeatureJob job = job(name);
    return job == null ? null : job.getStatus();
  }

  /** Polls the job's status until {@code condition} holds; returns that status. */
  public FeatureJobStatus awaitStatus(String name, String what, Predicate<FeatureJobStatus> condition) {
    return awaitStatus(name, what, timeout, condition);
  }

  /** As {@link #awaitStatus(String, String, Predicate)}, waiting at most {@code within}. */
  public FeatureJobStatus awaitStatus(String name, String what, Duration within, Predicate<FeatureJobStatus> condition) {
    return await(name + ": " + what).atMost(within).pollInterval(poll).ignoreExceptions()
        .until(() -> status(name), s -> s != null && condition.test(s));
  }

  // ------------------------------------------------------------------ pods and events

  /** Driver pods of {@code job}, by the featurejob.io/job label, oldest attempt first. */
  public List<Pod> driverPods(String job) {
    return reader.pods().inNamespace(namespace)
        .withLabel(Labels.JOB, PodNames.jobLabelValue(job))
        .withLabel(Labels.SPARK_ROLE, Labels.ROLE_DRIVER)
        .list().getItems().stream()
        .sorted(Comparator.comparing(FeatureJobHarness::attemptOf))
        .toList();
  }

  /** All pods (drivers and executors) labelled with {@code job}. */
  public List<Pod> podsOf(String job) {
    return reader.pods().inNamespace(namespace).withLabel(Labels.JOB, PodNames.jobLabelValue(job))
        .list().getItems();
  }

  public static int attemptOf(Pod pod) {
    return Integer.parseInt(pod.getMetadata().getLabels().get(Labels.ATTEMPT));
  }

  public static String phaseOf(Pod pod) {
    return pod.getStatus() == null ? null : pod.getStatus().getPhase();
  }

  /** core/v1 Events about the FeatureJob {@code job} (filtered here: the mock server ignores field selectors). */
  public List<Event> events(String job) {
    return reader.v1().events().inNamespace(namespace).list().getItems().stream()
        .filter(e -> e.getInvolvedObject() != null && job.equals(e.getInvolvedObject().getName())
            && "FeatureJob".equals(e.getInvolvedObject().getKind()))
        .toList();
  }

  public List<Event> events(String job, EventReason reason) {
    return events(job).stream().filter(e -> reason.name().equals(e.getReason())).toList();
  }

  public Event awaitEvent(String job, EventReason reason) {
    return await(job + ": event " + reason).atMost(timeout).pollInterval(poll).ignoreExceptions()
        .until(() -> events(job, reason).stream().findFirst(), Optional::isPresent).get();
  }

  /** Sum of {@code count} over the job's events with this reason (aggregated repeats included). */
  public int eventCount(String job, EventReason reason) {
    return events(job, reason).stream().mapToInt(e -> Objects.requireNonNullElse(e.getCount(), 1)).sum();
  }

  // ------------------------------------------------------------------ HTTP: metrics and health

  public HttpResponse<String> httpGet(String path) {
    try {
      return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + metricsPort() + path))
          .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Scrapes /metrics and parses every sample line. */
  public List<ScrapedSample> scrape() {
    HttpResponse<String> response = httpGet("/metrics");
    if (response.statusCode() != 200) {
      throw new AssertionError("/metrics returned " + response.statusCode());
    }
    return ScrapedSample.parse(response.body());
  }

  /** Samples of metric {@code name} whose labels include {@code labels}. */
  public List<ScrapedSample> samples(String name, Map<String, String> labels) {
    return scrape().stream().filter(s -> s.name().equals(name) && s.has(labels)).toList();
  }

  /** The value of the single sample of {@code name} with these labels (within the job's labels), or null. */
  public Double value(String name, String job, Map<String, String> labels) {
    Map<String, String> all = new LinkedHashMap<>(labels);
    all.put("namespace", namespace);
    all.put("featurejob", job);
    List<ScrapedSample> found = samples(name, all);
    if (found.size() > 1) {
      throw new AssertionError("more than one series " + name + all + ": " + found);
    }
    return found.isEmpty() ? null : found.get(0).value();
  }

  public Double value(String name, String job) {
    return value(name, job, Map.of());
  }
}
