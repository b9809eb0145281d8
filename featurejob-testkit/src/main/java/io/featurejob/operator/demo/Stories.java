package io.featurejob.operator.demo;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.featurejob.operator.api.CapacitySpec;
import io.featurejob.operator.api.FeatureJob;
import io.featurejob.operator.api.FeatureJobSpec;
import io.featurejob.operator.api.Importance;
import io.featurejob.operator.api.OnDemandFallback;
import io.featurejob.operator.api.RetryPolicy;
import io.featurejob.operator.api.SparkSpec;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The two stories from the field, as FeatureJobs with back-offs in seconds and driver scripts for the
 * simulated kubelet. Shared by `make demo` and the end-to-end tests, so what the demo shows is tested.
 */
public final class Stories {
  public static final String NAMESPACE = "ml";
  public static final String ACCEPTANCE_JOB = "trip-features";
  public static final String SPOT_JOB = "eta-features";
  /**
   * docs/design.md §1: why the first run after the permission was revoked fails, as PostgreSQL 15 says it
   * (demo/spark-corpus, case permission-revoked).
   */
  public static final String PERMISSION_DENIED = "org.postgresql.util.PSQLException: ERROR: permission denied for table trips";

  /** A driver log tail the classifier files under UserCodeError (a Python Traceback). */
  public static final String TRACEBACK = "Traceback (most recent call last):\n"
      + "  File \"/opt/app/features.py\", line 42, in <module>\n"
      + "    df = transform(raw)\n"
      + "ValueError: invalid literal for int() with base 10: 'n/a'";

  private Stories() {}

  /**
   * §1 acceptance story: the permission is revoked, runs fail with PermissionDenied, the alert
   * threshold is reached, the user fixes the permission (flip {@code permissionGranted}), the next
   * retry succeeds and the job recovers, with no unblock.
   */
  public static FeatureJob acceptanceJob() {
    FeatureJob job = job(ACCEPTANCE_JOB, "trips_hourly", Importance.High, Map.of("team", "mobility"));
    job.getSpec().retryPolicy = retry("2s", 1.5, "10s", 0.1, 3, 8);
    return job;
  }

  public static DriverScript acceptanceScript(AtomicBoolean permissionGranted) {
    return (driver, cluster) -> permissionGranted.get()
        ? DriverBehaviour.succeedAfter(Duration.ofSeconds(1))
        : DriverBehaviour.failAfter(Duration.ofMillis(500), 1, at -> SparkLogs.pysparkJdbcLoadFailed(at, PERMISSION_DENIED));
  }

  /**
   * Spot-shortage story: the spot pool has no capacity, executors stay unschedulable past the
   * scheduling timeout (CapacityUnavailable) twice, the operator falls back to on-demand, the run
   * succeeds, and the next run is back on spot.
   */
  public static FeatureJob spotJob() {
    FeatureJob job = job(SPOT_JOB, "eta_15m", Importance.Critical, Map.of("team", "routing"));
    job.getSpec().retryPolicy = retry("2s", 2.0, "30s", 0.1, 3, 10);
    job.getSpec().capacity = new CapacitySpec();
    job.getSpec().capacity.schedulingTimeout = "10s"; // the API's minimum
    job.getSpec().capacity.onDemandFallback = new OnDemandFallback();
    job.getSpec().capacity.onDemandFallback.afterInfrastructureFailures = 2;
    return job;
  }

  /** A FeatureJob as the stories and the tests build them: a PySpark app over the window, run @daily. */
  public static FeatureJob job(String name, String featureView, Importance importance, Map<String, String> labels) {
    FeatureJob job = new FeatureJob();
    job.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(NAMESPACE).withLabels(labels).build());
    FeatureJobSpec spec = new FeatureJobSpec();
    spec.featureView = featureView;
    spec.schedule = "@daily"; // not @hourly: a test crossing the full hour would see the next window start
    spec.importance = importance;
    spec.spark = new SparkSpec();
    spec.spark.image = "apache/spark:3.5.3";
    spec.spark.mainApplicationFile = "local:///opt/app/" + featureView + ".py";
    spec.spark.arguments = List.of("--start", "${WINDOW_START}", "--end", "${WINDOW_END}");
    job.setSpec(spec);
    return job;
  }

  public static RetryPolicy retry(String initial, double multiplier, String max, double jitter, int alertAfter,
      int cap) {
    RetryPolicy r = new RetryPolicy();
    r.initialBackoff = initial;
    r.backoffMultiplier = multiplier;
    r.maxBackoff = max;
    r.jitter = jitter;
    r.alertAfterFailures = alertAfter;
    r.maxConsecutiveFailures = cap;
    return r;
  }
}
