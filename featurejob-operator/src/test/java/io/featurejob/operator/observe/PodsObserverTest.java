package io.featurejob.operator.observe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.featurejob.operator.api.Attempt;
import io.featurejob.operator.api.FeatureJobStatus;
import io.featurejob.operator.api.HistoryEntry;
import io.featurejob.operator.api.Labels;
import io.featurejob.operator.classify.Classifier;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** One row per shape of a job's pods: what the attempt shows, which pods count, which are ignored. */
class PodsObserverTest {
  static final String JOB_UID = "uid-job";
  static final Instant NOW = Instant.parse("2026-11-23T12:00:00Z");

  record Expect(Class<? extends Observation> attempt, String attemptUid, List<String> others, List<String> ignored) {}

  static Stream<Arguments> shapes() {
    return Stream.of(
        row("no attempt, no pods", status(null), List.of(), new Expect(Observation.NoPod.class, null, List.of(), List.of())),
        row("recorded attempt, never seen, no pod: never created", status(attempt("p-1", null)), List.of(),
            new Expect(Observation.NeverCreated.class, null, List.of(), List.of())),
        row("recorded attempt with its UID, no pod: deleted", status(attempt("p-1", "uid-p1")), List.of(),
            new Expect(Observation.NoPod.class, null, List.of(), List.of())),
        row("the attempt's pod, ours: observed and its UID reported", status(attempt("p-1", null)),
            List.of(driver("p-1", "uid-p1", JOB_UID, "Running", "1")),
            new Expect(Observation.Running.class, "uid-p1", List.of(), List.of())),
        row("the attempt's name taken by a pod without owner", status(attempt("p-1", null)),
            List.of(driver("p-1", "uid-x", null, "Succeeded", "1")),
            new Expect(Observation.NotOurs.class, null, List.of(), List.of("p-1"))),
        row("the attempt's name taken by an earlier job of the same name", status(attempt("p-1", null)),
            List.of(driver("p-1", "uid-x", "uid-old-job", "Succeeded", "1")),
            new Expect(Observation.NotOurs.class, null, List.of(), List.of("p-1"))),
        row("no attempt recorded, our unrecorded driver: orphan adopted", status(null),
            List.of(driver("p-1", "uid-p1", JOB_UID, "Running", "1")),
            new Expect(Observation.Orphan.class, "uid-p1", List.of(), List.of())),
        row("no attempt recorded, an earlier job's driver: not adopted, not counted", status(null),
            List.of(driver("p-1", "uid-p1", "uid-old-job", "Succeeded", "1")),
            new Expect(Observation.NoPod.class, null, List.of(), List.of())),
        row("no attempt recorded, a driver already in history: not an orphan", statusWithHistory("p-1"),
            List.of(driver("p-1", "uid-p1", JOB_UID, "Succeeded", "1")),
            new Expect(Observation.NoPod.class, null, List.of("p-1"), List.of())),
        row("our driver with a malformed attempt label: ignored, never thrown", status(null),
            List.of(driver("p-x", "uid-px", JOB_UID, "Succeeded", "first")),
            new Expect(Observation.NoPod.class, null, List.of(), List.of("p-x"))),
        row("an earlier attempt still running next to the current one", status(attempt("p-2", "uid-p2")),
            List.of(driver("p-1", "uid-p1", JOB_UID, "Running", "1"), driver("p-2", "uid-p2", JOB_UID, "Running", "2")),
            new Expect(Observation.Running.class, "uid-p2", List.of("p-1"), List.of())));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("shapes")
  void reduces(String name, FeatureJobStatus status, List<Pod> pods, Expect expect) {
    JobPods seen = new PodsObserver().observe(JOB_UID, status, pods, Classifier.defaults(), NOW);
    assertInstanceOf(expect.attempt(), seen.attempt());
    assertEquals(expect.attemptUid(), seen.attemptPodUid());
    assertEquals(expect.others(), seen.others().stream().map(JobPods.DriverPod::name).collect(Collectors.toList()));
    assertEquals(expect.ignored(), seen.ignored().stream().map(JobPods.IgnoredPod::name).collect(Collectors.toList()));
  }

  @org.junit.jupiter.api.Test
  void executorsCountOnlyWhenOwnedByTheAttemptsDriver() {
    Pod driver = driver("p-1", "uid-p1", JOB_UID, "Running", "1");
    Pod ownExecutor = executor("p-1-exec-1", "uid-p1");
    Pod strangersExecutor = executor("p-0-exec-1", "uid-p0");
    JobPods seen = new PodsObserver().observe(JOB_UID, status(attempt("p-1", "uid-p1")),
        List.of(driver, ownExecutor, strangersExecutor), Classifier.defaults(), NOW);
    Observation.Running running = assertInstanceOf(Observation.Running.class, seen.attempt());
    assertEquals(Instant.parse("2026-11-23T11:50:00Z"), running.executorsUnschedulableSince(),
        "only the own executor's unschedulable time counts");
  }

  private static Arguments row(String name, FeatureJobStatus status, List<Pod> pods, Expect expect) {
    return Arguments.of(name, status, pods, expect);
  }

  static FeatureJobStatus status(Attempt attempt) {
    FeatureJobStatus s = new FeatureJobStatus();
    s.currentAttempt = attempt;
    return s;
  }

  static FeatureJobStatus statusWithHistory(String podName) {
    FeatureJobStatus s = new FeatureJobStatus();
    HistoryEntry h = new HistoryEntry();
    h.podName = podName;
    h.startTime = "2026-11-23T11:00:00Z";
    s.history = new ArrayList<>(List.of(h));
    return s;
  }

  static Attempt attempt(String podName, String podUid) {
    Attempt a = new Attempt();
    a.runId = "r";
    a.attempt = 1;
    a.podName = podName;
    a.podUid = podUid;
    a.startTime = "2026-11-23T11:00:00Z";
    return a;
  }

  static Pod driver(String name, String uid, String ownerUid, String phase, String attemptLabel) {
    PodBuilder b = new PodBuilder().withNewMetadata().withName(name).withUid(uid)
        .withCreationTimestamp("2026-11-23T11:00:00Z")
        .addToLabels(Labels.SPARK_ROLE, Labels.ROLE_DRIVER).addToLabels(Labels.RUN, "r")
        .addToLabels(Labels.ATTEMPT, attemptLabel).endMetadata()
        .withNewStatus().withPhase(phase).endStatus();
    if (ownerUid != null) {
      b.editMetadata().withOwnerReferences(new OwnerReferenceBuilder().withKind("FeatureJob").withName("trips")
          .withUid(ownerUid).withController(true).build()).endMetadata();
    }
    return b.build();
  }

  static Pod executor(String name, String driverUid) {
    return new PodBuilder().withNewMetadata().withName(name).withUid("uid-" + name)
        .withCreationTimestamp("2026-11-23T11:50:00Z")
        .addToLabels(Labels.SPARK_ROLE, Labels.ROLE_EXECUTOR)
        .withOwnerReferences(new OwnerReferenceBuilder().withKind("Pod").withUid(driverUid).withController(true).build())
        .endMetadata()
        .withNewStatus().withPhase("Pending").addToConditions(io.featurejob.operator.classify.TestPods.unschedulable(
            "2026-11-23T11:50:00Z", "0/3 nodes are available")).endStatus().build();
  }
}
