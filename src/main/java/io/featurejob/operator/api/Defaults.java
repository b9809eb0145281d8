package io.featurejob.operator.api;

/**
 * Default values of spec fields, in one place. The CRD schema carries them (so a real API server
 * fills them in) and {@code policy.SpecResolver} applies the same constants (so the operator behaves
 * the same where no server defaulting happened, e.g. on the mock server or for omitted parents).
 */
public final class Defaults {
  private Defaults() {}

  public static final String TIME_ZONE = "UTC";
  public static final String IMPORTANCE = "Normal";
  public static final int MAX_CATCH_UP_WINDOWS = 24;
  public static final String RUN_TIMEOUT = "2h";
  public static final String SERVICE_ACCOUNT = "featurejob-spark";
  public static final String DRIVER_CORES = "1";
  public static final String DRIVER_MEMORY = "2g";
  public static final int EXECUTOR_INSTANCES = 2;
  public static final String EXECUTOR_CORES = "1";
  public static final String EXECUTOR_MEMORY = "2g";
  public static final String DRIVER_CAPACITY = "OnDemand";
  public static final String EXECUTOR_CAPACITY = "Spot";
  public static final int FALLBACK_AFTER_INFRASTRUCTURE_FAILURES = 2;
  public static final String SCHEDULING_TIMEOUT = "10m";
  public static final String INITIAL_BACKOFF = "1m";
  public static final double BACKOFF_MULTIPLIER = 2.0;
  public static final String MAX_BACKOFF = "1h";
  public static final double JITTER = 0.1;
  public static final int ALERT_AFTER_FAILURES = 3;
  public static final int MAX_CONSECUTIVE_FAILURES = 10;
  public static final double MEMORY_ESCALATION_FACTOR = 1.5;
  public static final String MAX_DRIVER_MEMORY = "8g";
  public static final String MAX_EXECUTOR_MEMORY = "16g";
  public static final int HISTORY_LIMIT = 20;

  /** Go-style durations as accepted by kubectl and Kubernetes APIs: 90s, 10m, 1h30m. */
  public static final String DURATION_PATTERN = "^([0-9]+(\\.[0-9]+)?(ms|s|m|h))+$";
  /** Spark memory strings: 512m, 4g (binary units, as spark.driver.memory takes them). */
  public static final String SPARK_MEMORY_PATTERN = "^[0-9]+[kmgtKMGT]?$";
  /** Spark core counts: whole or fractional cores (0.5), or Kubernetes millicores (500m). */
  public static final String CORES_PATTERN = "^([0-9]+(\\.[0-9]+)?|[0-9]+m)$";
  /** Five cron fields or one of the @ macros; the reconciler parses it fully. */
  public static final String SCHEDULE_PATTERN =
      "^(@(yearly|annually|monthly|weekly|daily|midnight|hourly)|\\S+\\s+\\S+\\s+\\S+\\s+\\S+\\s+\\S+)$";
}
