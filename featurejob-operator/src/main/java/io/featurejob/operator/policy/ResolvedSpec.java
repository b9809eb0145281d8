package io.featurejob.operator.policy;

import io.featurejob.operator.api.CapacityType;
import io.featurejob.operator.api.Importance;
import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;

/**
 * A validated FeatureJob spec with every default applied and every string parsed. Produced by
 * {@link SpecResolver}; everything downstream (policy, pod builder) reads only this.
 */
public record ResolvedSpec(
    String featureView,
    Schedule schedule, // null for a one-off job
    ZoneId timeZone,
    boolean suspend,
    Importance importance,
    Duration freshnessSLO,
    int maxCatchUpWindows,
    Duration runTimeout,
    Spark spark,
    Capacity capacity,
    Retry retry,
    Escalation escalation,
    int historyLimit) {

  public boolean isOneOff() {
    return schedule == null;
  }

  /** Spark application settings; memory in MiB; overhead null = Spark's default for the memory. */
  public record Spark(
      String image,
      String mainApplicationFile,
      String mainClass,
      List<String> arguments,
      Map<String, String> sparkConf,
      String serviceAccountName,
      String driverCores,
      long driverMemoryMiB,
      Long driverOverheadMiB,
      int executorInstances,
      String executorCores,
      long executorMemoryMiB,
      Long executorOverheadMiB) {}

  /**
   * @param shortageSchedulingTimeout the scheduling timeout of spot pods while their pool is short
   *     ({@link CapacityAwareness}); zero = not shortened
   * @param fallbackWhenPoolShort start on on-demand while the pool is short and the SLO is at risk
   */
  public record Capacity(
      CapacityType driver,
      CapacityType executors,
      int fallbackAfterInfrastructureFailures,
      boolean fallbackWhenStale,
      Duration schedulingTimeout,
      Duration shortageSchedulingTimeout,
      boolean fallbackWhenPoolShort) {

    /** With the built-in shortageSchedulingTimeout and whenPoolShort. */
    public Capacity(CapacityType driver, CapacityType executors, int fallbackAfterInfrastructureFailures,
        boolean fallbackWhenStale, Duration schedulingTimeout) {
      this(driver, executors, fallbackAfterInfrastructureFailures, fallbackWhenStale, schedulingTimeout,
          io.featurejob.operator.api.GoDuration.parse(io.featurejob.operator.api.Defaults.SHORTAGE_SCHEDULING_TIMEOUT),
          io.featurejob.operator.api.Defaults.FALLBACK_WHEN_POOL_SHORT);
    }
  }

  public record Retry(
      Duration initialBackoff,
      double backoffMultiplier,
      Duration maxBackoff,
      double jitter,
      int alertAfterFailures,
      int maxConsecutiveFailures,
      boolean countInfrastructureFailures,
      boolean countInfrastructureFailuresWhileFresh) {

    /** With the built-in countInfrastructureFailures and countInfrastructureFailuresWhileFresh. */
    public Retry(Duration initialBackoff, double backoffMultiplier, Duration maxBackoff, double jitter,
        int alertAfterFailures, int maxConsecutiveFailures) {
      this(initialBackoff, backoffMultiplier, maxBackoff, jitter, alertAfterFailures, maxConsecutiveFailures,
          io.featurejob.operator.api.Defaults.COUNT_INFRASTRUCTURE_FAILURES);
    }

    /** With the built-in countInfrastructureFailuresWhileFresh. */
    public Retry(Duration initialBackoff, double backoffMultiplier, Duration maxBackoff, double jitter,
        int alertAfterFailures, int maxConsecutiveFailures, boolean countInfrastructureFailures) {
      this(initialBackoff, backoffMultiplier, maxBackoff, jitter, alertAfterFailures, maxConsecutiveFailures,
          countInfrastructureFailures, io.featurejob.operator.api.Defaults.COUNT_INFRASTRUCTURE_FAILURES_WHILE_FRESH);
    }
  }

  /** @param keepFor escalated memory is given back this long after the last OutOfMemory (zero = kept) */
  public record Escalation(double factor, long maxDriverMemoryMiB, long maxExecutorMemoryMiB, Duration keepFor) {

    /** With the built-in keepFor. */
    public Escalation(double factor, long maxDriverMemoryMiB, long maxExecutorMemoryMiB) {
      this(factor, maxDriverMemoryMiB, maxExecutorMemoryMiB,
          io.featurejob.operator.api.GoDuration.parse(io.featurejob.operator.api.Defaults.KEEP_ESCALATED_MEMORY_FOR));
    }
  }
}
