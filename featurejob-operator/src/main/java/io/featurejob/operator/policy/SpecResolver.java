package io.featurejob.operator.policy;

import io.featurejob.operator.api.CapacitySpec;
import io.featurejob.operator.api.CapacityType;
import io.featurejob.operator.api.Defaults;
import io.featurejob.operator.api.DriverSpec;
import io.featurejob.operator.api.ExecutorSpec;
import io.featurejob.operator.api.FeatureJobSpec;
import io.featurejob.operator.api.GoDuration;
import io.featurejob.operator.api.Importance;
import io.featurejob.operator.api.MemoryEscalation;
import io.featurejob.operator.api.OnDemandFallback;
import io.featurejob.operator.api.RetryPolicy;
import io.featurejob.operator.api.SparkMemory;
import io.featurejob.operator.api.SparkSpec;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * Validates a spec and applies defaults. Checks everything the CRD schema checks (the mock server and
 * old API servers enforce nothing) plus what a schema cannot express: cron syntax, time zones, memory
 * against its escalation ceiling. Collects every problem, so a user fixes them in one go.
 */
public final class SpecResolver {

  /**
   * Either a resolved spec or the list of problems, each naming the field; plus the user's values the
   * operator overrides or ignores (reserved sparkConf keys, pod template fields it owns), each named.
   */
  public record Result(ResolvedSpec spec, List<String> errors, List<String> adjustments) {
    public Result(ResolvedSpec spec, List<String> errors) {
      this(spec, errors, List.of());
    }

    public boolean valid() {
      return errors.isEmpty();
    }
  }

  /** The built-in retry policy; operator config (defaultInitialBackoff, ...) may replace it. */
  public static final ResolvedSpec.Retry BUILT_IN_RETRY = new ResolvedSpec.Retry(
      GoDuration.parse(Defaults.INITIAL_BACKOFF),
      Defaults.BACKOFF_MULTIPLIER,
      GoDuration.parse(Defaults.MAX_BACKOFF),
      Defaults.JITTER,
      Defaults.ALERT_AFTER_FAILURES,
      Defaults.MAX_CONSECUTIVE_FAILURES);

  private final ResolvedSpec.Retry retryDefaults;
  private final SparkAllowList allowList;
  private final Overrides adjustments;

  /** Lists what of a valid spec the operator will override or ignore (see spark.OperatorOverrides). */
  @FunctionalInterface
  public interface Overrides {
    List<String> of(FeatureJobSpec spec, ResolvedSpec resolved);
  }

  /** @param retryDefaults used for each retryPolicy field a FeatureJob leaves out */
  public SpecResolver(ResolvedSpec.Retry retryDefaults) {
    this(retryDefaults, SparkAllowList.UNRESTRICTED);
  }

  /** @param allowList the ServiceAccounts and images the operator may launch Spark pods with */
  public SpecResolver(ResolvedSpec.Retry retryDefaults, SparkAllowList allowList) {
    this(retryDefaults, allowList, (spec, resolved) -> List.of());
  }

  /** @param adjustments reported in the SpecAdjusted condition, never silently dropped */
  public SpecResolver(ResolvedSpec.Retry retryDefaults, SparkAllowList allowList, Overrides adjustments) {
    this.retryDefaults = retryDefaults;
    this.allowList = Objects.requireNonNull(allowList, "allowList");
    this.adjustments = adjustments;
  }

  public Result resolve(FeatureJobSpec spec) {
    List<String> errors = new ArrayList<>();
    if (spec == null) {
      return new Result(null, List.of("spec is required"));
    }
    length(errors, "featureView", spec.featureView, Defaults.MAX_NAME_LENGTH);
    ZoneId zone = length(errors, "timeZone", spec.timeZone, Defaults.MAX_NAME_LENGTH)
        ? parse(errors, "timeZone", or(spec.timeZone, Defaults.TIME_ZONE), ZoneId::of)
        : null;
    Schedule schedule = null;
    if (length(errors, "schedule", spec.schedule, Defaults.MAX_SCHEDULE_LENGTH)
        && spec.schedule != null && !spec.schedule.isBlank() && zone != null) {
      schedule = parse(errors, "schedule", spec.schedule, s -> Schedule.parse(s, zone));
    }
    Duration runTimeout = duration(errors, "runTimeout", spec.runTimeout, Defaults.RUN_TIMEOUT, Defaults.MIN_TIMEOUT);
    Duration freshness = spec.freshnessSLO == null
        ? defaultFreshness(schedule, runTimeout)
        : duration(errors, "freshnessSLO", spec.freshnessSLO, null, Defaults.MIN_FRESHNESS_SLO);
    int catchUp = range(errors, "maxCatchUpWindows", spec.maxCatchUpWindows, Defaults.MAX_CATCH_UP_WINDOWS, 1, 10_000);
    int historyLimit = range(errors, "historyLimit", spec.historyLimit, Defaults.HISTORY_LIMIT, 1, 100);

    ResolvedSpec.Spark spark = spark(errors, spec.spark);
    if (spark != null) {
      errors.addAll(allowList.check(spark.image(), spark.serviceAccountName(), spark.sparkConf()));
      errors.addAll(PodOptionsCheck.problems(spec.spark, allowList));
    }
    ResolvedSpec.Capacity capacity = capacity(errors, spec.capacity);
    ResolvedSpec.Retry retry = retry(errors, spec.retryPolicy);
    ResolvedSpec.Escalation escalation = escalation(errors, spec.memoryEscalation);
    if (spark != null && escalation != null) {
      if (spark.driverMemoryMiB() > escalation.maxDriverMemoryMiB()) {
        errors.add("spark.driver.memory exceeds memoryEscalation.maxDriverMemory");
      }
      if (spark.executorMemoryMiB() > escalation.maxExecutorMemoryMiB()) {
        errors.add("spark.executor.memory exceeds memoryEscalation.maxExecutorMemory");
      }
    }
    if (!errors.isEmpty()) {
      return new Result(null, List.copyOf(errors));
    }
    ResolvedSpec resolved = new ResolvedSpec(
        spec.featureView == null || spec.featureView.isBlank() ? "" : spec.featureView,
        schedule,
        zone,
        Boolean.TRUE.equals(spec.suspend),
        spec.importance == null ? Importance.Normal : spec.importance,
        freshness,
        catchUp,
        runTimeout,
        spark,
        capacity,
        retry,
        escalation,
        historyLimit);
    return new Result(resolved, List.of(), List.copyOf(adjustments.of(spec, resolved)));
  }

  private static Duration defaultFreshness(Schedule schedule, Duration runTimeout) {
    if (runTimeout == null) {
      return null;
    }
    // Twice the period: one window may be in flight while the previous one is the freshest data.
    return schedule == null ? runTimeout.multipliedBy(2) : schedule.periodAround(Instant.EPOCH).multipliedBy(2);
  }

  private static ResolvedSpec.Spark spark(List<String> errors, SparkSpec s) {
    if (s == null) {
      errors.add("spark is required (spark.image and spark.mainApplicationFile)");
      return null;
    }
    int before = errors.size();
    if (s.image == null || s.image.isBlank()) {
      errors.add("spark.image is required");
    }
    if (s.mainApplicationFile == null || s.mainApplicationFile.isBlank()) {
      errors.add("spark.mainApplicationFile is required");
    }
    length(errors, "spark.image", s.image, Defaults.MAX_IMAGE_LENGTH);
    length(errors, "spark.mainApplicationFile", s.mainApplicationFile, Defaults.MAX_PATH_LENGTH);
    length(errors, "spark.mainClass", s.mainClass, Defaults.MAX_IMAGE_LENGTH);
    length(errors, "spark.serviceAccountName", s.serviceAccountName, Defaults.MAX_NAME_LENGTH);
    strings(errors, s.arguments, s.sparkConf);
    DriverSpec d = s.driver == null ? new DriverSpec() : s.driver;
    ExecutorSpec e = s.executor == null ? new ExecutorSpec() : s.executor;
    String driverCores = cores(errors, "spark.driver.cores", or(d.cores, Defaults.DRIVER_CORES));
    Long driverMemory = memory(errors, "spark.driver.memory", or(d.memory, Defaults.DRIVER_MEMORY), Defaults.MIN_MEMORY_MIB);
    Long driverOverhead = d.memoryOverhead == null ? null : memory(errors, "spark.driver.memoryOverhead", d.memoryOverhead, 0);
    int instances = range(errors, "spark.executor.instances", e.instances, Defaults.EXECUTOR_INSTANCES, 1, 1000);
    String executorCores = cores(errors, "spark.executor.cores", or(e.cores, Defaults.EXECUTOR_CORES));
    Long executorMemory = memory(errors, "spark.executor.memory", or(e.memory, Defaults.EXECUTOR_MEMORY), Defaults.MIN_MEMORY_MIB);
    Long executorOverhead = e.memoryOverhead == null ? null : memory(errors, "spark.executor.memoryOverhead", e.memoryOverhead, 0);
    if (errors.size() > before) {
      return null;
    }
    return new ResolvedSpec.Spark(
        s.image,
        s.mainApplicationFile,
        s.mainClass == null || s.mainClass.isBlank() ? null : s.mainClass,
        s.arguments == null ? List.of() : List.copyOf(s.arguments),
        s.sparkConf == null ? Map.of() : Map.copyOf(s.sparkConf),
        or(s.serviceAccountName, Defaults.SERVICE_ACCOUNT),
        driverCores,
        driverMemory,
        driverOverhead,
        instances,
        executorCores,
        executorMemory,
        executorOverhead);
  }

  private static ResolvedSpec.Capacity capacity(List<String> errors, CapacitySpec c) {
    CapacitySpec cap = c == null ? new CapacitySpec() : c;
    OnDemandFallback f = cap.onDemandFallback == null ? new OnDemandFallback() : cap.onDemandFallback;
    int after = range(errors, "capacity.onDemandFallback.afterInfrastructureFailures",
        f.afterInfrastructureFailures, Defaults.FALLBACK_AFTER_INFRASTRUCTURE_FAILURES, 0, 100);
    Duration timeout = duration(errors, "capacity.schedulingTimeout", cap.schedulingTimeout, Defaults.SCHEDULING_TIMEOUT,
        Defaults.MIN_TIMEOUT);
    Duration shortageTimeout = duration(errors, "capacity.shortageSchedulingTimeout", cap.shortageSchedulingTimeout,
        Defaults.SHORTAGE_SCHEDULING_TIMEOUT, "0s");
    if (shortageTimeout != null && !shortageTimeout.isZero()
        && shortageTimeout.compareTo(GoDuration.parse(Defaults.MIN_TIMEOUT)) < 0) {
      errors.add("capacity.shortageSchedulingTimeout: " + cap.shortageSchedulingTimeout + " must be 0s (off) or at least "
          + Defaults.MIN_TIMEOUT);
      shortageTimeout = null;
    }
    return new ResolvedSpec.Capacity(
        cap.driver == null ? CapacityType.valueOf(Defaults.DRIVER_CAPACITY) : cap.driver,
        cap.executors == null ? CapacityType.valueOf(Defaults.EXECUTOR_CAPACITY) : cap.executors,
        after,
        f.whenStale == null || f.whenStale,
        timeout,
        shortageTimeout,
        f.whenPoolShort == null ? Defaults.FALLBACK_WHEN_POOL_SHORT : f.whenPoolShort);
  }

  private ResolvedSpec.Retry retry(List<String> errors, RetryPolicy r) {
    RetryPolicy p = r == null ? new RetryPolicy() : r;
    ResolvedSpec.Retry d = retryDefaults;
    Duration initial = p.initialBackoff == null ? d.initialBackoff()
        : duration(errors, "retryPolicy.initialBackoff", p.initialBackoff, null, Defaults.MIN_BACKOFF);
    Duration max = p.maxBackoff == null ? d.maxBackoff()
        : duration(errors, "retryPolicy.maxBackoff", p.maxBackoff, null, Defaults.MIN_BACKOFF);
    double multiplier = decimal(errors, "retryPolicy.backoffMultiplier", p.backoffMultiplier, d.backoffMultiplier(), 1.0, 10.0);
    double jitter = decimal(errors, "retryPolicy.jitter", p.jitter, d.jitter(), 0.0, 1.0);
    int cap = range(errors, "retryPolicy.maxConsecutiveFailures", p.maxConsecutiveFailures, d.maxConsecutiveFailures(), 1, 1000);
    int alertAfter = range(errors, "retryPolicy.alertAfterFailures", p.alertAfterFailures, d.alertAfterFailures(), 1, 1000);
    if (alertAfter > cap) {
      errors.add("retryPolicy.alertAfterFailures (" + alertAfter + ") must be <= retryPolicy.maxConsecutiveFailures (" + cap + ")");
    }
    if (initial != null && max != null && initial.compareTo(max) > 0) {
      errors.add("retryPolicy.initialBackoff must be <= retryPolicy.maxBackoff");
    }
    boolean countInfrastructure = p.countInfrastructureFailures == null
        ? d.countInfrastructureFailures() : p.countInfrastructureFailures;
    boolean whileFresh = p.countInfrastructureFailuresWhileFresh == null
        ? d.countInfrastructureFailuresWhileFresh() : p.countInfrastructureFailuresWhileFresh;
    return new ResolvedSpec.Retry(initial, multiplier, max, jitter, alertAfter, cap, countInfrastructure, whileFresh);
  }

  private static ResolvedSpec.Escalation escalation(List<String> errors, MemoryEscalation m) {
    MemoryEscalation e = m == null ? new MemoryEscalation() : m;
    double factor = decimal(errors, "memoryEscalation.factor", e.factor, Defaults.MEMORY_ESCALATION_FACTOR, 1.0, 4.0);
    Long maxDriver = memory(errors, "memoryEscalation.maxDriverMemory", or(e.maxDriverMemory, Defaults.MAX_DRIVER_MEMORY),
        Defaults.MIN_MEMORY_MIB);
    Long maxExecutor = memory(errors, "memoryEscalation.maxExecutorMemory", or(e.maxExecutorMemory, Defaults.MAX_EXECUTOR_MEMORY),
        Defaults.MIN_MEMORY_MIB);
    Duration keepFor = duration(errors, "memoryEscalation.keepFor", e.keepFor, Defaults.KEEP_ESCALATED_MEMORY_FOR, "0s");
    if (maxDriver == null || maxExecutor == null || keepFor == null) {
      return null;
    }
    return new ResolvedSpec.Escalation(factor, maxDriver, maxExecutor, keepFor);
  }

  // --- field helpers: each adds "<field>: <problem>" and returns null on error ---

  private static String or(String value, String fallback) {
    return value == null || value.isBlank() ? fallback : value;
  }

  private static <T> T parse(List<String> errors, String field, String text, Function<String, T> parser) {
    try {
      return parser.apply(text);
    } catch (IllegalArgumentException | DateTimeException e) {
      errors.add(field + ": " + e.getMessage());
      return null;
    }
  }

  /** False (and an error that does not repeat the value) when {@code text} is longer than {@code max}. */
  private static boolean length(List<String> errors, String field, String text, int max) {
    if (text != null && text.length() > max) {
      errors.add(field + ": " + text.length() + " characters, at most " + max);
      return false;
    }
    return true;
  }

  private static void strings(List<String> errors, List<String> arguments, Map<String, String> sparkConf) {
    if (arguments != null) {
      if (arguments.size() > Defaults.MAX_ARGUMENTS) {
        errors.add("spark.arguments: " + arguments.size() + " items, at most " + Defaults.MAX_ARGUMENTS);
      }
      for (int i = 0; i < arguments.size(); i++) {
        length(errors, "spark.arguments[" + i + "]", arguments.get(i), Defaults.MAX_ARGUMENT_LENGTH);
      }
    }
    if (sparkConf != null) {
      if (sparkConf.size() > Defaults.MAX_SPARK_CONF) {
        errors.add("spark.sparkConf: " + sparkConf.size() + " entries, at most " + Defaults.MAX_SPARK_CONF);
      }
      sparkConf.forEach((key, value) -> {
        if (length(errors, "spark.sparkConf key", key, Defaults.MAX_SPARK_CONF_KEY_LENGTH)) {
          length(errors, "spark.sparkConf[" + key + "]", value, Defaults.MAX_ARGUMENT_LENGTH);
        }
      });
    }
  }

  private static Duration duration(List<String> errors, String field, String text, String fallback, String min) {
    String value = Objects.requireNonNullElse(text, fallback);
    if (!length(errors, field, value, Defaults.MAX_DURATION_LENGTH)) {
      return null;
    }
    Duration parsed = parse(errors, field, value, GoDuration::parse);
    if (parsed != null && parsed.compareTo(GoDuration.parse(min)) < 0) {
      errors.add(field + ": " + value + " is shorter than " + min);
      return null;
    }
    return parsed;
  }

  private static Long memory(List<String> errors, String field, String text, long minMebibytes) {
    if (!length(errors, field, text, Defaults.MAX_MEMORY_LENGTH)) {
      return null;
    }
    Long mebibytes = parse(errors, field, text, SparkMemory::toMebibytes);
    if (mebibytes != null && mebibytes < minMebibytes) {
      errors.add(field + ": " + text + " is less than " + SparkMemory.fromMebibytes(minMebibytes));
      return null;
    }
    return mebibytes;
  }

  private static String cores(List<String> errors, String field, String text) {
    if (!length(errors, field, text, Defaults.MAX_CORES_LENGTH)) {
      return null;
    }
    if (!text.matches(Defaults.CORES_PATTERN)) {
      errors.add(field + ": '" + text + "' is not a core count (use e.g. 1, 0.5 or 500m)");
      return null;
    }
    if (!text.matches(".*[1-9].*")) {
      errors.add(field + ": " + text + " must be more than 0");
      return null;
    }
    return text;
  }

  private static int range(List<String> errors, String field, Integer value, int fallback, int min, int max) {
    int v = value == null ? fallback : value;
    if (v < min || v > max) {
      errors.add(field + ": " + v + " is outside " + min + ".." + max);
    }
    return v;
  }

  private static double decimal(List<String> errors, String field, Double value, double fallback, double min, double max) {
    double v = value == null ? fallback : value;
    if (Double.isNaN(v) || v < min || v > max) {
      errors.add(field + ": " + v + " is outside " + min + ".." + max);
    }
    return v;
  }

}
