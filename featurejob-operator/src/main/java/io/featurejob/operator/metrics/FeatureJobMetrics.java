package io.featurejob.operator.metrics;

import io.featurejob.operator.api.CapacityType;
import io.featurejob.operator.api.FailureClass;
import io.featurejob.operator.api.Outcome;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.ToDoubleFunction;

/**
 * The operator's Prometheus metrics (docs/design.md §8), kept on a Micrometer registry that JOSDK's
 * reconciler metrics can share.
 *
 * <p>Micrometer names are dotted and carry a base unit; the Prometheus registry turns them into the
 * contract's names ({@code featurejob.runs} -> {@code featurejob_runs_total}, a timer ->
 * {@code _seconds} histogram). The Prometheus 1.x client requires every series of one metric to have
 * the same label names, so every label is always set: {@code failure_class} is {@value #NO_FAILURE_CLASS}
 * when a run did not fail, owner labels missing on a job are empty strings.
 *
 * <p>Labels carry only names and enums, never messages. Thread-safe: reconcile threads call in
 * concurrently; gauges read the latest snapshot at scrape time.
 */
public final class FeatureJobMetrics {

  /** {@code failure_class} value of runs that did not fail (Succeeded, or Cancelled without a class). */
  public static final String NO_FAILURE_CLASS = "none";

  static final String RUNS = "featurejob.runs";
  static final String CONSECUTIVE_FAILURES = "featurejob.consecutive.failures";
  static final String ALERTING = "featurejob.alerting";
  static final String PERMANENTLY_FAILED = "featurejob.permanently.failed";
  static final String LAST_SUCCESS = "featurejob.last.success.timestamp";
  static final String FRESHNESS_SLO = "featurejob.freshness.slo";
  static final String NEXT_RUN = "featurejob.next.run.timestamp";
  static final String RUN_DURATION = "featurejob.run.duration";
  static final String COMPUTE = "featurejob.compute";
  static final String INFO = "featurejob.info";
  static final String LAST_FAILURE_INFO = "featurejob.last.failure.info";
  static final String RETRY_DELAY = "featurejob.retry.delay";

  static final String NAMESPACE = "namespace";
  static final String FEATUREJOB = "featurejob";
  static final String OUTCOME = "outcome";
  static final String FAILURE_CLASS = "failure_class";
  static final String CAPACITY = "capacity";
  static final String FEATURE_VIEW = "feature_view";
  static final String IMPORTANCE = "importance";
  /** The operator shard, on every series when there are several (FeatureJobOperator); reserved either way. */
  public static final String SHARD = "shard";
  static final String STEP = "step";
  /** {@code step} of {@link #RETRY_DELAY}: the reconcile that launched the retry began. */
  static final String DECIDED = "decided";
  /** {@code step} of {@link #RETRY_DELAY}: the retry's driver pod was created. */
  static final String POD_CREATED = "pod_created";

  /** Run durations range from a minute to hours; buckets spread over that range. */
  static final Duration[] RUN_DURATION_BUCKETS = {
      Duration.ofSeconds(30), Duration.ofMinutes(1), Duration.ofMinutes(2), Duration.ofMinutes(5),
      Duration.ofMinutes(10), Duration.ofMinutes(15), Duration.ofMinutes(30), Duration.ofMinutes(45),
      Duration.ofHours(1), Duration.ofMinutes(90), Duration.ofHours(2), Duration.ofHours(3),
      Duration.ofHours(4), Duration.ofHours(6), Duration.ofHours(12)};

  /** How late a retry starts: within a second when the operator keeps up, minutes behind a backlog. */
  static final Duration[] RETRY_DELAY_BUCKETS = {
      Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1),
      Duration.ofSeconds(2), Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(30),
      Duration.ofMinutes(1), Duration.ofMinutes(2), Duration.ofMinutes(5), Duration.ofMinutes(10),
      Duration.ofMinutes(30)};

  // Label values come from free text only via featureView; bound them anyway.
  private static final int MAX_LABEL_VALUE = 253;

  private final PrometheusMeterRegistry registry;
  private final List<MetricLabels.OwnerLabel> ownerLabels;
  private final Map<JobKey, JobMeters> jobs = new HashMap<>();

  /** Own registry; owner label keys as in {@code metricsOwnerLabels}. */
  public FeatureJobMetrics(List<String> ownerLabelKeys) {
    this(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), ownerLabelKeys);
  }

  /**
   * @param registry shared with JOSDK's micrometer-support so one /metrics shows both
   * @param ownerLabelKeys FeatureJob label keys to copy into {@code featurejob_info}
   * @throws IllegalArgumentException when two owner label keys sanitize to the same label name or
   *     to one of the fixed labels
   */
  public FeatureJobMetrics(PrometheusMeterRegistry registry, List<String> ownerLabelKeys) {
    this.registry = Objects.requireNonNull(registry, "registry");
    this.ownerLabels = MetricLabels.ownerLabels(ownerLabelKeys,
        Set.of(NAMESPACE, FEATUREJOB, FEATURE_VIEW, IMPORTANCE, SHARD));
  }

  public PrometheusMeterRegistry registry() {
    return registry;
  }

  /** Prometheus text exposition (format 0.0.4) of everything in the registry. */
  public String scrape() {
    return registry.scrape();
  }

  /** The same, written to {@code out} as it is produced (what {@code /metrics} serves). */
  public void scrape(OutputStream out) throws IOException {
    registry.scrape(out);
  }

  /**
   * Counts one finished run and the compute it used.
   *
   * @param failureClass null unless the run failed
   * @param runDuration null when unknown (e.g. the pod vanished before it started): not observed
   * @param computeSeconds pod-seconds per capacity type (driver and executors summed); may be empty
   */
  public synchronized void recordRunFinished(String namespace, String job, Outcome outcome,
      FailureClass failureClass, Duration runDuration, Map<CapacityType, Double> computeSeconds) {
    Objects.requireNonNull(outcome, "outcome");
    Counter.builder(RUNS)
        .description("Finished runs of a FeatureJob by outcome and failure class")
        .tags(NAMESPACE, namespace, FEATUREJOB, job, OUTCOME, outcome.name(),
            FAILURE_CLASS, failureClass == null ? NO_FAILURE_CLASS : failureClass.name())
        .register(registry)
        .increment();
    if (runDuration != null && !runDuration.isNegative()) {
      Timer.builder(RUN_DURATION)
          .description("Wall-clock duration of finished runs")
          .serviceLevelObjectives(RUN_DURATION_BUCKETS)
          .tags(OUTCOME, outcome.name())
          .register(registry)
          .record(runDuration);
    }
    if (computeSeconds != null) {
      computeSeconds.forEach((capacity, seconds) -> {
        if (capacity != null && seconds != null && seconds > 0 && Double.isFinite(seconds)) {
          Counter.builder(COMPUTE)
              .baseUnit("seconds")
              .description("Pod-seconds of Spark driver and executors by capacity type and run outcome")
              .tags(NAMESPACE, namespace, FEATUREJOB, job, CAPACITY, capacity.name(), OUTCOME, outcome.name())
              .register(registry)
              .increment(seconds);
        }
      });
    }
  }

  /**
   * How late one retry started, from the time its back-off ended (status.nextRunTime): to the start of the
   * reconcile that launched it (step {@value #DECIDED}: its timer, then a free reconcile thread) and to its
   * driver pod's creation (step {@value #POD_CREATED}: plus the launch's status write and pod create). No job
   * label: two series however many jobs there are.
   */
  public void recordRetryLaunched(Duration toDecision, Duration toPodCreated) {
    retryDelay(DECIDED).record(atLeastZero(toDecision));
    retryDelay(POD_CREATED).record(atLeastZero(toPodCreated));
  }

  private Timer retryDelay(String step) {
    return Timer.builder(RETRY_DELAY)
        .description("From a retry's due time (status.nextRunTime) to the reconcile that launched it (decided)"
            + " and to its driver pod's creation (pod_created)")
        .serviceLevelObjectives(RETRY_DELAY_BUCKETS)
        .tags(STEP, step)
        .register(registry);
  }

  private static Duration atLeastZero(Duration d) {
    return d.isNegative() ? Duration.ZERO : d;
  }

  /** Sets the per-job gauges and featurejob_info from the job's current state. */
  public synchronized void updateJob(JobSnapshot snapshot) {
    JobKey key = new JobKey(snapshot.namespace(), snapshot.name());
    JobMeters meters = jobs.computeIfAbsent(key, k -> new JobMeters());
    boolean first = meters.snapshot == null;
    meters.snapshot = snapshot;
    Tags tags = key.tags();
    if (first) {
      meters.fixed.add(gauge(CONSECUTIVE_FAILURES, null, "Failed attempts since the last success", tags,
          meters, s -> s.consecutiveFailures()));
      meters.fixed.add(gauge(ALERTING, null, "1 when consecutive failures reached alertAfterFailures", tags,
          meters, s -> s.alerting() ? 1 : 0));
      meters.fixed.add(gauge(PERMANENTLY_FAILED, null, "1 when the job is parked at maxConsecutiveFailures",
          tags, meters, s -> s.permanentlyFailed() ? 1 : 0));
      meters.fixed.add(gauge(FRESHNESS_SLO, "seconds", "How stale the job's features may get", tags,
          meters, s -> s.freshnessSLO() == null ? Double.NaN : s.freshnessSLO().toMillis() / 1000.0));
    }
    meters.lastSuccess = optionalGauge(meters.lastSuccess, snapshot.lastSuccess() != null, LAST_SUCCESS,
        "Unix time of the last successful run", tags, meters, s -> epochSeconds(s.lastSuccess()));
    meters.nextRun = optionalGauge(meters.nextRun, snapshot.nextRun() != null, NEXT_RUN,
        "Unix time of the next scheduled run or retry", tags, meters, s -> epochSeconds(s.nextRun()));

    Tags infoTags = infoTags(snapshot);
    if (!infoTags.equals(meters.infoTags)) {
      if (meters.info != null) {
        registry.remove(meters.info);
      }
      meters.info = Gauge.builder(INFO, () -> 1)
          .description("Static facts about a FeatureJob; join on namespace and featurejob")
          .tags(infoTags)
          .strongReference(true)
          .register(registry);
      meters.infoTags = infoTags;
    }

    // The class of status.lastFailure as a label, so alerts can name it; the message stays in the
    // status (free text, may hold secrets even after redaction, unbounded cardinality).
    String failureClass = snapshot.lastFailureClass() == null ? NO_FAILURE_CLASS : snapshot.lastFailureClass().name();
    if (!failureClass.equals(meters.lastFailureClass)) {
      if (meters.lastFailure != null) {
        registry.remove(meters.lastFailure);
      }
      meters.lastFailure = Gauge.builder(LAST_FAILURE_INFO, () -> 1)
          .description("Always 1; failure_class is the class of the job's last failure (\"none\" if it never failed)")
          .tags(tags.and(FAILURE_CLASS, failureClass))
          .strongReference(true)
          .register(registry);
      meters.lastFailureClass = failureClass;
    }
  }

  /** Drops every series of a deleted FeatureJob, including its run and compute counters. */
  public synchronized void removeJob(String namespace, String name) {
    jobs.remove(new JobKey(namespace, name));
    List<Meter> doomed = new ArrayList<>();
    for (Meter meter : registry.getMeters()) {
      Meter.Id id = meter.getId();
      if (id.getName().startsWith("featurejob.")
          && namespace.equals(id.getTag(NAMESPACE)) && name.equals(id.getTag(FEATUREJOB))) {
        doomed.add(meter);
      }
    }
    doomed.forEach(registry::remove);
  }

  private Tags infoTags(JobSnapshot s) {
    Tags tags = Tags.of(NAMESPACE, s.namespace(), FEATUREJOB, s.name(),
        FEATURE_VIEW, bounded(s.featureView()),
        IMPORTANCE, s.importance() == null ? "" : s.importance().name());
    for (MetricLabels.OwnerLabel owner : ownerLabels) {
      tags = tags.and(owner.promName(), bounded(s.labels().get(owner.key())));
    }
    return tags;
  }

  private Gauge gauge(String name, String baseUnit, String description, Tags tags, JobMeters meters,
      ToDoubleFunction<JobSnapshot> value) {
    return Gauge.builder(name, meters, m -> value.applyAsDouble(m.snapshot))
        .baseUnit(baseUnit)
        .description(description)
        .tags(tags)
        .strongReference(true)
        .register(registry);
  }

  // Absent beats a fake value: 0 would read as "last success in 1970" and page for staleness.
  private Gauge optionalGauge(Gauge current, boolean present, String name, String description, Tags tags,
      JobMeters meters, ToDoubleFunction<JobSnapshot> value) {
    if (present && current == null) {
      return gauge(name, "seconds", description, tags, meters, value);
    }
    if (!present && current != null) {
      registry.remove(current);
      return null;
    }
    return current;
  }

  private static double epochSeconds(Instant t) {
    return t == null ? Double.NaN : t.toEpochMilli() / 1000.0;
  }

  private static String bounded(String value) {
    if (value == null) {
      return "";
    }
    return value.length() <= MAX_LABEL_VALUE ? value : value.substring(0, MAX_LABEL_VALUE);
  }

  private record JobKey(String namespace, String name) {
    Tags tags() {
      return Tags.of(NAMESPACE, namespace, FEATUREJOB, name);
    }
  }

  /** The gauges of one job; they read {@link #snapshot}, which each update replaces. */
  private static final class JobMeters {
    volatile JobSnapshot snapshot;
    final List<Gauge> fixed = new ArrayList<>();
    Gauge lastSuccess;
    Gauge nextRun;
    Gauge info;
    Tags infoTags;
    Gauge lastFailure;
    String lastFailureClass;
  }
}
