package io.featurejob.operator.observe;

import static io.featurejob.operator.classify.TestPods.CREATED;
import static io.featurejob.operator.classify.TestPods.DRIVER_CONTAINER;
import static io.featurejob.operator.classify.TestPods.condition;
import static io.featurejob.operator.classify.TestPods.driver;
import static io.featurejob.operator.classify.TestPods.executor;
import static io.featurejob.operator.classify.TestPods.failedDriver;
import static io.featurejob.operator.classify.TestPods.running;
import static io.featurejob.operator.classify.TestPods.terminated;
import static io.featurejob.operator.classify.TestPods.unschedulable;
import static io.featurejob.operator.classify.TestPods.waiting;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.featurejob.operator.api.FailureClass;
import io.featurejob.operator.classify.Classifier;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import io.featurejob.operator.testing.RealNodeFixtures;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class AttemptObserverTest {

  static final Instant NOW = Instant.parse("2025-03-01T11:00:00Z");
  static final Instant CREATED_AT = Instant.parse(CREATED);
  static final String NO_NODES = "0/3 nodes are available: 3 Insufficient memory.";

  /** Expected Failed observation; the classification is checked by class and rule only. */
  record ExpectFailed(Instant finishedAt, FailureClass failureClass, String rule, boolean podActive) {}

  static Stream<Arguments> shapes() {
    return Stream.of(
        row("no driver pod", null, List.of(), new Observation.NoPod()),
        row("pending, not yet scheduled", driver("Pending").build(), List.of(),
            new Observation.Pending(CREATED_AT, false, null)),
        row("pending without a phase yet", driver(null).build(), List.of(),
            new Observation.Pending(CREATED_AT, false, null)),
        row("pending unschedulable",
            driver("Pending").editStatus().addToConditions(unschedulable("2025-03-01T10:00:01Z", NO_NODES))
                .endStatus().build(),
            List.of(), new Observation.Pending(CREATED_AT, true, NO_NODES)),
        row("pending while the image is pulled",
            driver("Pending").editStatus().addToContainerStatuses(waiting(DRIVER_CONTAINER, "ContainerCreating", null))
                .endStatus().build(),
            List.of(), new Observation.Pending(CREATED_AT, false, "ContainerCreating")),
        row("pending in ImagePullBackOff is a config error, pod still there",
            driver("Pending").editStatus()
                .addToContainerStatuses(waiting(DRIVER_CONTAINER, "ImagePullBackOff", "Back-off pulling image"))
                .endStatus().build(),
            List.of(), new ExpectFailed(NOW, FailureClass.ConfigError, "builtin:container-config", true)),
        row("pending in CreateContainerConfigError",
            driver("Pending").editStatus()
                .addToContainerStatuses(waiting(DRIVER_CONTAINER, "CreateContainerConfigError", "secret \"x\" not found"))
                .endStatus().build(),
            List.of(), new ExpectFailed(NOW, FailureClass.ConfigError, "builtin:container-config", true)),
        row("running since the container started",
            driver("Running").editStatus().withStartTime("2025-03-01T10:00:03Z")
                .addToContainerStatuses(running(DRIVER_CONTAINER, "2025-03-01T10:00:09Z")).endStatus().build(),
            List.of(), new Observation.Running(Instant.parse("2025-03-01T10:00:09Z"), null, null)),
        row("running, only the pod start time known",
            driver("Running").editStatus().withStartTime("2025-03-01T10:00:03Z").endStatus().build(),
            List.of(), new Observation.Running(Instant.parse("2025-03-01T10:00:03Z"), null, null)),
        row("running, no times at all", driver("Running").build(), List.of(),
            new Observation.Running(NOW, null, null)),
        row("running with executors waiting for spot capacity: the earliest counts", runningDriver(),
            List.of(
                executor("exec-1", "Running").build(),
                executor("exec-2", "Pending").editStatus()
                    .addToConditions(unschedulable("2025-03-01T10:05:00Z", "later")).endStatus().build(),
                executor("exec-3", "Pending").editStatus()
                    .addToConditions(unschedulable("2025-03-01T10:02:00Z", NO_NODES)).endStatus().build()),
            new Observation.Running(Instant.parse("2025-03-01T10:00:09Z"), Instant.parse("2025-03-01T10:02:00Z"),
                NO_NODES)),
        row("running with an executor scheduled but still starting", runningDriver(),
            List.of(executor("exec-1", "Pending").editStatus()
                .addToContainerStatuses(waiting("spark-kubernetes-executor", "ContainerCreating", null))
                .endStatus().build()),
            new Observation.Running(Instant.parse("2025-03-01T10:00:09Z"), null, null)),
        row("succeeded", driver("Succeeded").editStatus()
                .addToContainerStatuses(terminated(DRIVER_CONTAINER, "Completed", 0, null)).endStatus().build(),
            List.of(), new Observation.Succeeded(Instant.parse("2025-03-01T10:30:00Z"))),
        row("succeeded without a finish time", driver("Succeeded").build(), List.of(),
            new Observation.Succeeded(NOW)),
        row("failed OOMKilled", failedDriver("OOMKilled", 137, null), List.of(),
            new ExpectFailed(Instant.parse("2025-03-01T10:30:00Z"), FailureClass.OutOfMemory, "builtin:oom-killed",
                false)),
        row("failed with the field's permission message",
            failedDriver("Error", 1, "PSQLException: ERROR: permission denied for table trips"), List.of(),
            new ExpectFailed(Instant.parse("2025-03-01T10:30:00Z"), FailureClass.PermissionDenied,
                "builtin:permission-denied", false)),
        row("running driver being deleted by a spot reclaim", deleting(runningDriver(), "TerminationByKubelet"),
            List.of(), new ExpectFailed(Instant.parse("2025-03-01T10:20:00Z"), FailureClass.SpotInterruption,
                "builtin:disruption-target", false)),
        row("deleted for a disruption reason no rule knows yet", deleting(runningDriver(), "DeletionByFutureThing", "Pod is being deleted by a controller no rule knows."),
            List.of(), new ExpectFailed(Instant.parse("2025-03-01T10:20:00Z"), FailureClass.SpotInterruption,
                "builtin:disruption-target", false)),
        row("deleted by a user (no DisruptionTarget) still runs until it is gone",
            new PodBuilder(runningDriver()).editMetadata()
                .withDeletionTimestamp("2025-03-01T10:40:00Z").endMetadata().build(),
            List.of(), new Observation.Running(Instant.parse("2025-03-01T10:00:09Z"), null, null)),
        // As the real node showed them (hack/node/capture-pod-status.sh): kubectl delete pod leaves a
        // Failed pod, exit 143, being deleted, with no DisruptionTarget; the Eviction API adds one.
        row("deleted by kubectl delete, the real kubelet's last status: PodDeleted",
            RealNodeFixtures.pod("deleted"), List.of(), new ExpectFailed(finishedAt(RealNodeFixtures.pod("deleted")),
                FailureClass.PodDeleted, AttemptObserver.POD_DELETED_RULE, false)),
        row("evicted through the Eviction API, the real kubelet's last status: SpotInterruption",
            RealNodeFixtures.pod("evicted"), List.of(), new ExpectFailed(disruptedAt(RealNodeFixtures.pod("evicted")),
                FailureClass.SpotInterruption, "builtin:disruption-target", false)),
        row("failed with its own error, then deleted: the error stands",
            new PodBuilder(failedDriver("Error", 1, "PSQLException: ERROR: permission denied for table trips"))
                .editMetadata().withDeletionTimestamp("2025-03-01T10:40:00Z").endMetadata().build(),
            List.of(), new ExpectFailed(Instant.parse("2025-03-01T10:30:00Z"), FailureClass.PermissionDenied,
                "builtin:permission-denied", false)),
        row("phase Unknown (node not reporting) counts as still running",
            driver("Unknown").editStatus().withStartTime("2025-03-01T10:00:03Z").endStatus().build(), List.of(),
            new Observation.Running(Instant.parse("2025-03-01T10:00:03Z"), null, null)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("shapes")
  void observes(String name, Pod driver, List<Pod> executors, Object expected) {
    Observation actual = new AttemptObserver().observe(driver, executors, Classifier.defaults(), NOW);
    if (expected instanceof ExpectFailed e) {
      Observation.Failed failed = assertInstanceOf(Observation.Failed.class, actual);
      assertEquals(e.finishedAt(), failed.finishedAt());
      assertEquals(e.failureClass(), failed.classification().failureClass(), () -> failed.classification().evidence());
      assertEquals(e.rule(), failed.classification().rule());
      assertEquals(e.podActive(), failed.podActive());
    } else {
      assertEquals(expected, actual);
    }
  }

  private static Arguments row(String name, Pod driver, List<Pod> executors, Object expected) {
    return Arguments.of(name, driver, executors, expected);
  }

  private static Instant finishedAt(Pod pod) {
    return Instant.parse(pod.getStatus().getContainerStatuses().get(0).getState().getTerminated().getFinishedAt());
  }

  private static Instant disruptedAt(Pod pod) {
    return Instant.parse(pod.getStatus().getConditions().stream().filter(c -> "DisruptionTarget".equals(c.getType()))
        .findFirst().orElseThrow().getLastTransitionTime());
  }

  private static Pod runningDriver() {
    return driver("Running").editStatus().withStartTime("2025-03-01T10:00:03Z")
        .addToContainerStatuses(running(DRIVER_CONTAINER, "2025-03-01T10:00:09Z")).endStatus().build();
  }

  private static Pod deleting(Pod pod, String disruptionReason) {
    return deleting(pod, disruptionReason, "Pod was terminated in response to imminent node shutdown.");
  }

  private static Pod deleting(Pod pod, String disruptionReason, String message) {
    return new PodBuilder(pod)
        .editMetadata().withDeletionTimestamp("2025-03-01T10:20:30Z").endMetadata()
        .editStatus().addToConditions(condition("DisruptionTarget", "True", disruptionReason, message)).endStatus()
        .build();
  }
}
