package io.featurejob.operator.policy;

import io.featurejob.operator.api.Attempt;
import io.featurejob.operator.api.CapacityType;
import io.featurejob.operator.api.SparkMemory;
import io.featurejob.operator.api.Times;
import java.time.Instant;

/**
 * Everything that differs between two attempts of the same job: the pod builder turns a plan plus
 * the resolved spec into a driver pod. Memory is the effective (possibly escalated) value in MiB.
 */
public record LaunchPlan(
    String runId,
    int attempt,
    String podName,
    Instant windowStart,
    Instant windowEnd,
    CapacityType driverCapacity,
    CapacityType executorCapacity,
    long driverMemoryMiB,
    long executorMemoryMiB,
    Trigger trigger) {

  public enum Trigger { Schedule, Retry, Unblock, OneOff, RunNow }

  /** The plan an attempt recorded in status stands for (to create its pod when it was never created). */
  public static LaunchPlan of(Attempt a) {
    return new LaunchPlan(
        a.runId,
        a.attempt,
        a.podName,
        Times.parse(a.windowStart),
        Times.parse(a.windowEnd),
        a.driverCapacity == null ? CapacityType.OnDemand : a.driverCapacity,
        a.executorCapacity == null ? CapacityType.Spot : a.executorCapacity,
        a.driverMemory == null ? 0 : SparkMemory.toMebibytes(a.driverMemory),
        a.executorMemory == null ? 0 : SparkMemory.toMebibytes(a.executorMemory),
        a.trigger == null ? null : Trigger.valueOf(a.trigger));
  }
}
