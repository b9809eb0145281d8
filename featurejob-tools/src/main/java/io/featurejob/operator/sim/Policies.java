package io.featurejob.operator.sim;

import io.featurejob.operator.api.CapacitySpec;
import io.featurejob.operator.api.FeatureJobSpec;
import io.featurejob.operator.api.MemoryEscalation;
import io.featurejob.operator.api.OnDemandFallback;
import io.featurejob.operator.api.RetryPolicy;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The policies compared side by side. All share the operator's windowing (one run at a time, missed
 * windows coalesced), driver on on-demand and executors on spot; they differ in retries, alerting,
 * remediation and how long a pod may wait for capacity.
 */
public final class Policies {
  private Policies() {}

  /** Kubernetes Job, Spark operator and Flyte do not time out a pod waiting for nodes: it waits. */
  private static final String WAIT_FOR_CAPACITY = "720h";

  public static final Policy OPERATOR_DEFAULTS = new Policy("operator-defaults",
      "this operator's defaults: 1m x2 up to 1h +/-10%, alert at 3, park at 10, on-demand after 2 spot "
          + "failures or when a retry would breach the SLO, memory x1.5 up to 16g (given back after 24h), "
          + "schedulingTimeout 10m, on-demand at once while the pool is short and the SLO cannot wait, "
          + "spot/capacity failures count only when the SLO is at risk, a fix retries at once",
      spec -> { }, false, null, true);

  public static final Policy EAGER = new Policy("eager-cap3",
      "a hand-written retry loop: retry at once (1s, the API's minimum), page and stop after 3 failures, no remediation",
      spec -> {
        retry(spec, "1s", 1.0, "1s", 3, 3);
        noRemediation(spec);
      }, false, null, false);

  public static final Policy KUBERNETES_JOB = new Policy("k8s-job",
      "CronJob + Job defaults: 10s doubling to 6m, backoffLimit 6 (7 failures), page when the Job fails, "
          + "pending pods wait for nodes, the next tick starts a new Job",
      spec -> {
        retry(spec, "10s", 2.0, "6m", 7, 7);
        noRemediation(spec);
        waitForCapacity(spec);
      }, true, null, false);

  public static final Policy KUBEFLOW_SPARK = new Policy("kubeflow-spark",
      "ScheduledSparkApplication, restartPolicy OnFailure: 3 retries, 10s x attempt number, page when the "
          + "application fails, pending pods wait, the next tick starts a new application",
      spec -> {
        retry(spec, "10s", 1.0, "10s", 4, 4);
        noRemediation(spec);
        waitForCapacity(spec);
      }, true, Duration.ofSeconds(10), false);

  public static final Policy FLYTE = new Policy("flyte",
      "interruptible task, retries 3 at once (1s), the last attempt on on-demand, page when the execution "
          + "fails, pending pods wait, the next launch plan execution starts fresh",
      spec -> {
        retry(spec, "1s", 1.0, "1s", 4, 4);
        noRemediation(spec);
        spec.capacity.onDemandFallback.afterInfrastructureFailures = 3;
        waitForCapacity(spec);
      }, true, null, false);

  /**
   * The defaults before issue 17's policies: a fix waits for the back-off in progress, spot and capacity
   * failures count while the features are fresh, escalated memory is kept.
   */
  public static final Policy OPERATOR_PREVIOUS = new Policy("operator-previous",
      "the operator's defaults before retry-on-fix, freshness-aware alerting and memory give-back",
      spec -> {
        spec.retryPolicy = new RetryPolicy();
        spec.retryPolicy.countInfrastructureFailuresWhileFresh = true;
        spec.memoryEscalation = new MemoryEscalation();
        spec.memoryEscalation.keepFor = "0s";
        poolBlind(spec);
      }, false, null, false);

  /** The defaults without capacity awareness: a shortage on the pool changes nothing for the other jobs there. */
  public static final Policy OPERATOR_POOL_BLIND = new Policy("operator-pool-blind",
      "the operator's defaults without capacity awareness (shortageSchedulingTimeout 0s, whenPoolShort false)",
      spec -> poolBlind(spec), false, null, true);

  /** The defaults with a shorter scheduling timeout on a short pool (the fallback for jobs at risk comes sooner). */
  public static final Policy OPERATOR_POOL_TIMEOUT_3M = new Policy("operator-pool-timeout-3m",
      "the operator's defaults with shortageSchedulingTimeout 3m (pending spot pods on a short pool fail after 3m)",
      spec -> capacity(spec).shortageSchedulingTimeout = "3m", false, null, true);

  /** The defaults with the chart's watchReferences on: a rotated Secret retries without an unblock. */
  public static final Policy OPERATOR_WATCH_REFERENCES = new Policy("operator-watch-references",
      "the operator's defaults with watchReferences: true", spec -> { }, false, null, true, true);

  /** What-if variants of the defaults, to choose memoryEscalation.keepFor (spikes last 12h median). */
  public static final Policy OPERATOR_KEEP_24H = keepFor("24h");
  public static final Policy OPERATOR_KEEP_48H = keepFor("48h");
  public static final Policy OPERATOR_KEEP_12H = keepFor("12h");
  public static final Policy OPERATOR_KEEP_6H = keepFor("6h");
  public static final Policy OPERATOR_KEEP_2H = keepFor("2h");

  /** What-if variant of the defaults, to judge maxBackoff (not part of the default comparison). */
  public static final Policy OPERATOR_BACKOFF_15M = new Policy("operator-backoff-15m",
      "the operator's defaults with maxBackoff 15m instead of 1h",
      spec -> {
        spec.retryPolicy = new RetryPolicy();
        spec.retryPolicy.maxBackoff = "15m";
      }, false, null, true);

  /** What-if variant of the defaults, to choose retryPolicy.countInfrastructureFailures. */
  public static final Policy OPERATOR_INFRA_UNCOUNTED = new Policy("operator-infra-uncounted",
      "the operator's defaults with countInfrastructureFailures: false (spot interruptions and missing "
          + "capacity back off but never alert or park)",
      spec -> {
        spec.retryPolicy = new RetryPolicy();
        spec.retryPolicy.countInfrastructureFailures = false;
      }, false, null, true);

  /** The same question where on-demand is no way out (a GPU or dedicated spot-only pool): fallback off. */
  public static final Policy SPOT_ONLY = new Policy("spot-only",
      "the operator's defaults without on-demand fallback (afterInfrastructureFailures 0, whenStale false)",
      spec -> spotOnly(spec), false, null, true);

  public static final Policy SPOT_ONLY_INFRA_UNCOUNTED = new Policy("spot-only-infra-uncounted",
      "spot-only with countInfrastructureFailures: false",
      spec -> {
        spotOnly(spec);
        spec.retryPolicy = new RetryPolicy();
        spec.retryPolicy.countInfrastructureFailures = false;
      }, false, null, true);

  public static final List<Policy> ALL = List.of(OPERATOR_DEFAULTS, EAGER, KUBERNETES_JOB, KUBEFLOW_SPARK, FLYTE);
  public static final List<Policy> VARIANTS =
      List.of(OPERATOR_PREVIOUS, OPERATOR_WATCH_REFERENCES, OPERATOR_POOL_BLIND, OPERATOR_POOL_TIMEOUT_3M, OPERATOR_KEEP_2H, OPERATOR_KEEP_6H, OPERATOR_KEEP_12H, OPERATOR_KEEP_24H,
          OPERATOR_KEEP_48H,
          OPERATOR_BACKOFF_15M, OPERATOR_INFRA_UNCOUNTED, SPOT_ONLY, SPOT_ONLY_INFRA_UNCOUNTED);

  public static Optional<Policy> named(String name) {
    return java.util.stream.Stream.concat(ALL.stream(), VARIANTS.stream()).filter(p -> p.name().equals(name)).findFirst();
  }

  private static Policy keepFor(String keepFor) {
    return new Policy("operator-keep-" + keepFor, "the operator's defaults with memoryEscalation.keepFor " + keepFor,
        spec -> {
          spec.memoryEscalation = new MemoryEscalation();
          spec.memoryEscalation.keepFor = keepFor;
        }, false, null, true);
  }

  private static void retry(FeatureJobSpec spec, String initial, double multiplier, String max, int alertAfter, int cap) {
    spec.retryPolicy = new RetryPolicy();
    spec.retryPolicy.initialBackoff = initial;
    spec.retryPolicy.backoffMultiplier = multiplier;
    spec.retryPolicy.maxBackoff = max;
    spec.retryPolicy.jitter = 0.0;
    spec.retryPolicy.alertAfterFailures = alertAfter;
    spec.retryPolicy.maxConsecutiveFailures = cap;
    spec.retryPolicy.countInfrastructureFailuresWhileFresh = true; // they count every failure
  }

  private static void noRemediation(FeatureJobSpec spec) {
    poolBlind(spec);
    spec.capacity.onDemandFallback.afterInfrastructureFailures = 0;
    spec.capacity.onDemandFallback.whenStale = false;
    spec.memoryEscalation = new MemoryEscalation();
    spec.memoryEscalation.factor = 1.0;
  }

  private static void spotOnly(FeatureJobSpec spec) {
    spec.capacity = new CapacitySpec();
    poolBlind(spec);
    spec.capacity.onDemandFallback.afterInfrastructureFailures = 0;
    spec.capacity.onDemandFallback.whenStale = false;
  }

  private static CapacitySpec capacity(FeatureJobSpec spec) {
    spec.capacity = spec.capacity == null ? new CapacitySpec() : spec.capacity;
    return spec.capacity;
  }

  /** No capacity awareness: the peers do not have it, and neither did the operator before it. */
  private static void poolBlind(FeatureJobSpec spec) {
    capacity(spec).shortageSchedulingTimeout = "0s";
    if (spec.capacity.onDemandFallback == null) {
      spec.capacity.onDemandFallback = new OnDemandFallback();
    }
    spec.capacity.onDemandFallback.whenPoolShort = false;
  }

  private static void waitForCapacity(FeatureJobSpec spec) {
    spec.capacity.schedulingTimeout = WAIT_FOR_CAPACITY;
    spec.runTimeout = WAIT_FOR_CAPACITY;
  }
}
