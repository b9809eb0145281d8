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
  /**
   * The scheduling timeout while a capacity shortage is seen on the job's spot pool; "0s" = not shortened.
   * Off by default: in `make simulate` it added failures without lowering SLO-breach minutes (docs/simulator.md).
   */
  public static final String SHORTAGE_SCHEDULING_TIMEOUT = "0s";
  /** Whether a job starts on on-demand while its pool is short and the ordinary fallback would breach the SLO. */
  public static final boolean FALLBACK_WHEN_POOL_SHORT = true;
  public static final String INITIAL_BACKOFF = "1m";
  public static final double BACKOFF_MULTIPLIER = 2.0;
  public static final String MAX_BACKOFF = "1h";
  public static final double JITTER = 0.1;
  public static final int ALERT_AFTER_FAILURES = 3;
  public static final int MAX_CONSECUTIVE_FAILURES = 10;
  /** Whether SpotInterruption/CapacityUnavailable count toward alert and cap; chosen by `make simulate`. */
  public static final boolean COUNT_INFRASTRUCTURE_FAILURES = true;
  /** Whether they count while the features stay within their SLO; chosen by `make simulate-full`. */
  public static final boolean COUNT_INFRASTRUCTURE_FAILURES_WHILE_FRESH = false;
  public static final double MEMORY_ESCALATION_FACTOR = 1.5;
  public static final String MAX_DRIVER_MEMORY = "8g";
  public static final String MAX_EXECUTOR_MEMORY = "16g";
  /**
   * Escalated memory is given back at the first success this long after the last OutOfMemory; "0s" = kept.
   * 6h, not 24h (which replaced 168h the same way): in `make simulate-full` it cost 463 [327, 600] spot
   * pod-hours a year less, with OutOfMemory failures tied (+3.3 [-0.5, +7.1]) and every page, breach and
   * fix -> fresh figure unchanged (docs/simulator.md).
   */
  public static final String KEEP_ESCALATED_MEMORY_FOR = "6h";
  public static final int HISTORY_LIMIT = 20;

  // Patterns use [.] rather than an escaped dot: they are also embedded in CEL string literals.

  /** Go-style durations as accepted by kubectl and Kubernetes APIs: 90s, 10m, 1h30m. */
  public static final String DURATION_PATTERN = "^([0-9]+([.][0-9]+)?(ms|s|m|h))+$";
  /**
   * Spark memory strings: 512m, 4g, or a bare number of MiB (4096), as spark.driver.memory takes them.
   * At most 15 digits, so the number always fits a long (and a CEL int).
   */
  public static final String SPARK_MEMORY_PATTERN = "^[0-9]{1,15}[kmgtKMGT]?$";
  /** Spark core counts: whole or fractional cores (0.5), or Kubernetes millicores (500m); bounded digits. */
  public static final String CORES_PATTERN = "^([0-9]{1,4}([.][0-9]{1,3})?|[0-9]{1,7}m)$";
  /** Five cron fields or one of the @ macros; the reconciler parses it fully. */
  public static final String SCHEDULE_PATTERN =
      "^(@(yearly|annually|monthly|weekly|daily|midnight|hourly)|\\S+\\s+\\S+\\s+\\S+\\s+\\S+\\s+\\S+)$";

  // --- limits: the CRD schema (maxLength, CEL) and SpecResolver enforce the same numbers ---

  public static final int MAX_DURATION_LENGTH = 32;
  public static final int MAX_MEMORY_LENGTH = 16;
  public static final int MAX_CORES_LENGTH = 12;
  public static final int MAX_SCHEDULE_LENGTH = 128;
  public static final int MAX_NAME_LENGTH = 253;
  public static final int MAX_IMAGE_LENGTH = 512;
  public static final int MAX_PATH_LENGTH = 2048;
  public static final int MAX_ARGUMENTS = 256;
  public static final int MAX_ARGUMENT_LENGTH = 4096;
  public static final int MAX_SPARK_CONF = 256;
  public static final int MAX_SPARK_CONF_KEY_LENGTH = 256;

  /** Longest duration anywhere in the spec (10 years): start + duration never overflows. */
  public static final int MAX_DURATION_HOURS = 87600;
  public static final String MAX_DURATION = MAX_DURATION_HOURS + "h";
  public static final String MIN_BACKOFF = "1s";
  public static final String MIN_TIMEOUT = "10s";
  public static final String MIN_FRESHNESS_SLO = "1m";
  /** Smallest driver or executor memory (MiB): Spark's minimum overhead, below which a JVM cannot start. */
  public static final int MIN_MEMORY_MIB = 384;

  // CEL rules on Spark memory strings. Each is guarded by the pattern (the pattern's own error is the
  // one to show) and compares the number per unit, so no multiplication can overflow a CEL int.
  private static final String MEMORY_MATCHES = "!self.matches('" + SPARK_MEMORY_PATTERN + "') || ";
  private static final String MEMORY_NUMBER = "int(self.substring(0, self.size() - 1))";
  public static final String MEMORY_MIN_RULE = MEMORY_MATCHES
      + "(self.matches('^[0-9]+$') ? int(self) >= 384"
      + " : self.matches('[mM]$') ? " + MEMORY_NUMBER + " >= 384"
      + " : self.matches('[kK]$') ? " + MEMORY_NUMBER + " >= 393216"
      + " : " + MEMORY_NUMBER + " >= 1)";
  public static final String MEMORY_MIN_MESSAGE = "must be at least 384m";
  /** At most 1 EiB (SparkMemory.MAX_MEBIBYTES): 1048576t, 1073741824g, 1099511627776m; any 15-digit k fits. */
  public static final String MEMORY_MAX_RULE = MEMORY_MATCHES
      + "(self.matches('^[0-9]+$') ? int(self) <= 1099511627776"
      + " : self.matches('[mM]$') ? " + MEMORY_NUMBER + " <= 1099511627776"
      + " : self.matches('[gG]$') ? " + MEMORY_NUMBER + " <= 1073741824"
      + " : self.matches('[tT]$') ? " + MEMORY_NUMBER + " <= 1048576"
      + " : true)";
  public static final String MEMORY_MAX_MESSAGE = "must be at most 1048576t";
  public static final String CORES_RULE = "!self.matches('" + CORES_PATTERN + "') || self.matches('[1-9]')";
  public static final String CORES_MESSAGE = "must be more than 0";

  private static final String DURATION_MATCHES = "!self.matches('" + DURATION_PATTERN + "') || ";
  public static final String DURATION_MAX_RULE = DURATION_MATCHES + "duration(self) <= duration('" + MAX_DURATION + "')";
  public static final String DURATION_MAX_MESSAGE = "must be at most " + MAX_DURATION;
  public static final String BACKOFF_MIN_RULE = DURATION_MATCHES + "duration(self) >= duration('" + MIN_BACKOFF + "')";
  public static final String BACKOFF_MIN_MESSAGE = "must be at least " + MIN_BACKOFF;
  public static final String TIMEOUT_MIN_RULE = DURATION_MATCHES + "duration(self) >= duration('" + MIN_TIMEOUT + "')";
  public static final String TIMEOUT_MIN_MESSAGE = "must be at least " + MIN_TIMEOUT;
  /** A timeout that may be switched off with 0s, else at least MIN_TIMEOUT. */
  public static final String TIMEOUT_OFF_OR_MIN_RULE = DURATION_MATCHES + "duration(self) == duration('0s') || duration(self) >= duration('" + MIN_TIMEOUT + "')";
  public static final String TIMEOUT_OFF_OR_MIN_MESSAGE = "must be 0s (off) or at least " + MIN_TIMEOUT;
  public static final String FRESHNESS_MIN_RULE = DURATION_MATCHES + "duration(self) >= duration('" + MIN_FRESHNESS_SLO + "')";
  public static final String FRESHNESS_MIN_MESSAGE = "must be at least " + MIN_FRESHNESS_SLO;
}
