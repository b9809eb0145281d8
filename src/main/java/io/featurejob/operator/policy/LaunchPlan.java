package io.featurejob.operator.policy;

import io.featurejob.operator.api.CapacityType;
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
}
