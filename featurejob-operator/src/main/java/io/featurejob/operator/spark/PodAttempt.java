package io.featurejob.operator.spark;

import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Pod;
import io.featurejob.operator.api.Attempt;
import io.featurejob.operator.api.CapacityType;
import io.featurejob.operator.api.Labels;
import io.featurejob.operator.api.SparkMemory;
import io.featurejob.operator.api.Times;
import io.featurejob.operator.policy.LaunchPlan;
import java.util.Map;
import java.util.Optional;

/**
 * Reads an attempt back from its driver pod's labels and annotations, the inverse of
 * {@link DriverPodBuilder}. After an operator restart (or a lost status write) this is how a running
 * driver pod is adopted instead of launching a duplicate.
 */
public final class PodAttempt {
  private PodAttempt() {}

  /** True for a driver pod this operator created. */
  public static boolean isDriverPod(Pod pod) {
    Map<String, String> labels = pod.getMetadata() == null ? null : pod.getMetadata().getLabels();
    return labels != null
        && Labels.MANAGED_BY_VALUE.equals(labels.get(Labels.MANAGED_BY))
        && Labels.ROLE_DRIVER.equals(labels.get(Labels.SPARK_ROLE));
  }

  /**
   * The attempt recorded on {@code pod}; startTime is the pod's start (or creation) time.
   *
   * @throws IllegalArgumentException when the pod lacks the run or attempt label
   */
  public static Attempt fromPod(Pod pod) {
    LaunchPlan plan = planFromPod(pod);
    Attempt attempt = new Attempt();
    attempt.runId = plan.runId();
    attempt.attempt = plan.attempt();
    attempt.podName = plan.podName();
    attempt.windowStart = Times.format(plan.windowStart());
    attempt.windowEnd = Times.format(plan.windowEnd());
    attempt.driverCapacity = plan.driverCapacity();
    attempt.executorCapacity = plan.executorCapacity();
    attempt.driverMemory = plan.driverMemoryMiB() > 0 ? SparkMemory.fromMebibytes(plan.driverMemoryMiB()) : null;
    attempt.executorMemory = plan.executorMemoryMiB() > 0 ? SparkMemory.fromMebibytes(plan.executorMemoryMiB()) : null;
    attempt.trigger = plan.trigger() == null ? null : plan.trigger().name();
    attempt.startTime = pod.getStatus() != null && pod.getStatus().getStartTime() != null
        ? pod.getStatus().getStartTime()
        : pod.getMetadata().getCreationTimestamp();
    return attempt;
  }

  /**
   * The launch plan recorded on {@code pod}. Missing optional annotations read as: no window,
   * capacity OnDemand (driver) / Spot (executors), memory 0, trigger null.
   *
   * @throws IllegalArgumentException when the pod lacks the run or attempt label
   */
  public static LaunchPlan planFromPod(Pod pod) {
    ObjectMeta meta = pod.getMetadata();
    Map<String, String> labels = meta.getLabels() == null ? Map.of() : meta.getLabels();
    Map<String, String> annotations = meta.getAnnotations() == null ? Map.of() : meta.getAnnotations();
    String runId = labels.get(Labels.RUN);
    String attempt = labels.get(Labels.ATTEMPT);
    if (runId == null || attempt == null) {
      throw new IllegalArgumentException("pod " + meta.getName() + " has no " + Labels.RUN + " or " + Labels.ATTEMPT + " label");
    }
    return new LaunchPlan(
        runId,
        Integer.parseInt(attempt),
        meta.getName(),
        Times.parse(annotations.get(Labels.WINDOW_START)),
        Times.parse(annotations.get(Labels.WINDOW_END)),
        capacity(annotations.get(Labels.DRIVER_CAPACITY), CapacityType.OnDemand),
        capacity(annotations.get(Labels.EXECUTOR_CAPACITY), CapacityType.Spot),
        memory(annotations.get(Labels.DRIVER_MEMORY)),
        memory(annotations.get(Labels.EXECUTOR_MEMORY)),
        trigger(annotations.get(Labels.TRIGGER)));
  }

  private static CapacityType capacity(String value, CapacityType fallback) {
    return Optional.ofNullable(value).map(CapacityType::valueOf).orElse(fallback);
  }

  private static long memory(String value) {
    return value == null ? 0 : SparkMemory.toMebibytes(value);
  }

  private static LaunchPlan.Trigger trigger(String value) {
    return value == null ? null : LaunchPlan.Trigger.valueOf(value);
  }
}
