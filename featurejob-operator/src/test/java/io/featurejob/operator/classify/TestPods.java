package io.featurejob.operator.classify;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.featurejob.operator.api.Labels;

/**
 * Pod status shapes as Kubernetes writes them, built with the fabric8 builders, for the classifier
 * and observer tables. Test code only.
 */
public final class TestPods {
  private TestPods() {}

  public static final String DRIVER_NAME = "trips-r1-a1-driver";
  public static final String DRIVER_CONTAINER = "spark-kubernetes-driver";
  public static final String CREATED = "2025-03-01T10:00:00Z";

  /** A driver pod in {@code phase} with no container status yet. */
  public static PodBuilder driver(String phase) {
    return pod(DRIVER_NAME, Labels.ROLE_DRIVER, phase);
  }

  /** An executor pod in {@code phase}. */
  public static PodBuilder executor(String name, String phase) {
    return pod(name, Labels.ROLE_EXECUTOR, phase);
  }

  private static PodBuilder pod(String name, String role, String phase) {
    return new PodBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace("ml")
        .withCreationTimestamp(CREATED)
        .addToLabels(Labels.SPARK_ROLE, role)
        .endMetadata()
        .withNewStatus()
        .withPhase(phase)
        .endStatus();
  }

  /** A failed driver whose container terminated with this reason, exit code and message. */
  public static Pod failedDriver(String reason, int exitCode, String message) {
    return driver("Failed").editStatus().addToContainerStatuses(terminated(DRIVER_CONTAINER, reason, exitCode, message))
        .endStatus().build();
  }

  /** A failed driver with a DisruptionTarget condition of {@code reason}. */
  public static Pod disruptedDriver(String reason) {
    return driver("Failed")
        .editStatus()
        .addToConditions(condition("DisruptionTarget", "True", reason, "Pod was terminated in response to imminent node shutdown."))
        .addToContainerStatuses(terminated(DRIVER_CONTAINER, "Error", 143, null))
        .endStatus()
        .build();
  }

  public static ContainerStatus terminated(String name, String reason, int exitCode, String message) {
    return new ContainerStatusBuilder()
        .withName(name)
        .withNewState()
        .withNewTerminated()
        .withReason(reason)
        .withExitCode(exitCode)
        .withMessage(message)
        .withStartedAt("2025-03-01T10:01:00Z")
        .withFinishedAt("2025-03-01T10:30:00Z")
        .endTerminated()
        .endState()
        .build();
  }

  public static ContainerStatus waiting(String name, String reason, String message) {
    return new ContainerStatusBuilder()
        .withName(name)
        .withNewState()
        .withNewWaiting()
        .withReason(reason)
        .withMessage(message)
        .endWaiting()
        .endState()
        .build();
  }

  public static ContainerStatus running(String name, String startedAt) {
    return new ContainerStatusBuilder()
        .withName(name)
        .withNewState()
        .withNewRunning()
        .withStartedAt(startedAt)
        .endRunning()
        .endState()
        .build();
  }

  public static PodCondition condition(String type, String status, String reason, String message) {
    return new PodConditionBuilder()
        .withType(type)
        .withStatus(status)
        .withReason(reason)
        .withMessage(message)
        .withLastTransitionTime("2025-03-01T10:20:00Z")
        .build();
  }

  public static PodCondition unschedulable(String since, String message) {
    return new PodConditionBuilder()
        .withType("PodScheduled")
        .withStatus("False")
        .withReason("Unschedulable")
        .withMessage(message)
        .withLastTransitionTime(since)
        .build();
  }
}
