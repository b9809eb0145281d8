package io.featurejob.operator.e2e;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.ContainerStateBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.featurejob.operator.api.FeatureJob;
import io.featurejob.operator.api.FeatureJobStatus;
import io.featurejob.operator.api.HistoryEntry;
import io.featurejob.operator.api.Labels;
import io.featurejob.operator.api.Phase;
import io.featurejob.operator.demo.DriverBehaviour;
import io.featurejob.operator.demo.DriverScript;
import io.featurejob.operator.events.EventReason;
import io.featurejob.operator.observe.Observation;
import io.featurejob.operator.policy.Conditions;
import io.featurejob.operator.policy.Decider;
import io.featurejob.operator.policy.Decision;
import io.featurejob.operator.policy.JobRef;
import io.featurejob.operator.policy.SpecResolver;
import io.featurejob.operator.spark.CapacityProfiles;
import io.featurejob.operator.spark.DriverPodBuilder;
import io.featurejob.operator.spark.PodNames;
import io.featurejob.operator.testing.ApiFaults;
import io.featurejob.operator.testing.TestJobs;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 12: the reconcile loop under faults (lost deletes, restarts between recording and creating,
 * pods that are not the job's, API errors by kind, unexpected exceptions), on the embedded API server
 * with errors injected into the operator's own requests.
 */
class ReconcileFaultsTest {
  private static final String PODS = "/api/v1/namespaces/" + E2eHarness.NAMESPACE + "/pods";
  private final ApiFaults faults = new ApiFaults();
  private E2eHarness h;

  @AfterEach
  void stop() {
    if (h != null) {
      h.close();
    }
    faults.close();
  }

  @Test
  void aLostDeleteOfAFailedDriverIsRetriedUntilThePodIsGone() {
    h = E2eHarness.start(faults);
    String job = "lost-delete";
    // An image that cannot be pulled: the attempt fails at once (ConfigError) and its pod must be deleted.
    h.kubelet.script(job, DriverScript.always(new DriverBehaviour.ImagePullBackOff()));
    faults.fail("DELETE", PODS + "/.*", 1, 500, "InternalError", "etcdserver: request timed out");
    h.create(TestJobs.job(job, "30s", "1m", 3, 10));

    FeatureJobStatus failed = h.awaitStatus(job, "attempt 1 failed", s -> Integer.valueOf(1).equals(s.consecutiveFailures));
    String first = failed.history.get(0).podName;
    await("the failed attempt's pod deleted although its first delete was lost")
        .atMost(E2eHarness.TIMEOUT).pollInterval(E2eHarness.POLL)
        .until(() -> h.driverPods(job).stream().noneMatch(p -> first.equals(p.getMetadata().getName())
            && p.getMetadata().getDeletionTimestamp() == null));
    assertEquals(1, faults.injected(), "the injected delete failure was hit");
  }

  @Test
  void aRecordedAttemptWhosePodWasNeverCreatedIsCreatedLaterNotCountedAsDeleted() {
    String job = "never-created";
    FeatureJob created = createWhileTheOperatorIsDown(job);
    // The status of an operator that recorded the launch 2 minutes ago and stopped before creating the pod.
    Decision launch = decideNow(created, Instant.now().minus(Duration.ofMinutes(2)));
    writeStatus(created, launch.status());
    String podName = launch.launch().podName();

    h.startOperator();
    FeatureJobStatus done = h.awaitStatus(job, "the recorded attempt ran", s -> s.lastSuccessTime != null);
    assertEquals(0, done.consecutiveFailures, () -> describe(done.history));
    assertEquals(podName, done.history.get(0).podName, "the recorded attempt is the one that ran");
    assertEquals(0, h.eventCount(job, EventReason.RunFailed), "no failure for an attempt that never started");
  }

  @Test
  void aPodPreCreatedUnderTheNextNameIsNotTheJobsAndNeverCountsAsASuccess() {
    String job = "squatted";
    FeatureJob created = createWhileTheOperatorIsDown(job);
    Decision launch = decideNow(created, Instant.now());
    String squatted = launch.launch().podName();
    // Someone who may create pods in the namespace creates the predictable name, already exited 0.
    Pod fake = DriverPodBuilder.build(created, new SpecResolver(SpecResolver.BUILT_IN_RETRY).resolve(created.getSpec())
        .spec(), launch.launch(), CapacityProfiles.named("karpenter"), false);
    fake.getMetadata().setOwnerReferences(List.of());
    h.client.pods().inNamespace(E2eHarness.NAMESPACE).resource(new PodBuilder(fake).editOrNewStatus()
        .withPhase("Succeeded").withContainerStatuses(new ContainerStatusBuilder().withName("spark-kubernetes-driver")
            .withState(new ContainerStateBuilder().withNewTerminated().withExitCode(0).withReason("Completed")
                .endTerminated().build()).build())
        .endStatus().build()).create();

    h.startOperator();
    FeatureJobStatus dbg = h.status(job);
    FeatureJobStatus done = h.awaitStatus(job, "a run of the job's own succeeded", s -> s.lastSuccessTime != null);
    HistoryEntry success = done.history.get(0);
    assertTrue(!squatted.equals(success.podName), () -> "the squatted pod counted as the run: " + describe(done.history));
    assertEquals(created.getMetadata().getUid(), controllerUid(h.client.pods().inNamespace(E2eHarness.NAMESPACE)
        .withName(success.podName).get()));
    // events are written off the reconcile threads: wait for it rather than read once after the status
    assertTrue(h.awaitEvent(job, EventReason.PodIgnored).getMessage().contains(squatted),
        "a Warning names the pod that is not the job's");
  }

  @Test
  void aJobRecreatedUnderTheSameNameDoesNotAdoptTheOldIncarnationsPods() {
    h = E2eHarness.start();
    String job = "reincarnated";
    h.kubelet.script(job, DriverScript.always(DriverBehaviour.succeedAfter(Duration.ofMillis(500))));
    FeatureJob first = h.create(TestJobs.job(job, "1s", "5s", 3, 10));
    h.awaitStatus(job, "first incarnation succeeded", s -> s.lastSuccessTime != null);
    h.client.resource(first).delete();
    await("first incarnation gone").atMost(E2eHarness.TIMEOUT).pollInterval(E2eHarness.POLL)
        .until(() -> h.client.resources(FeatureJob.class).inNamespace(E2eHarness.NAMESPACE).withName(job).get() == null);
    // The embedded API server does no garbage collection: the old driver stays, as it may on a busy cluster.

    FeatureJob second = h.create(TestJobs.job(job, "1s", "5s", 3, 10));
    FeatureJobStatus done = h.awaitStatus(job, "second incarnation succeeded", s -> s.lastSuccessTime != null);
    Pod ran = h.client.pods().inNamespace(E2eHarness.NAMESPACE).withName(done.history.get(0).podName).get();
    assertEquals(second.getMetadata().getUid(), controllerUid(ran), () -> "the success is the old incarnation's pod: "
        + describe(done.history));
  }

  @Test
  void quotaRejectionsOfThePodAreRetriedNotCountedAsConfigErrors() {
    // More rejections in a row than JOSDK's default retry allows (5), so a limited retry would give up.
    runsOnceAfter("quota", () -> faults.fail("POST", PODS, 7, 403, "Forbidden", QUOTA_EXCEEDED), 7);
  }

  @Test
  void throttledPodCreatesAreRetriedNotCountedAsFailures() {
    runsOnceAfter("throttled", () -> faults.failPlain("POST", PODS, 3, 429, ApiFaults.TOO_MANY_REQUESTS), 3);
  }

  /** 500s outlast JOSDK's default retries (5): the old 10 h max-reconciliation interval would stall the job. */
  @Test
  void moreServerErrorsOnThePodCreateThanJosdksDefaultRetriesDoNotStallTheJob() {
    runsOnceAfter("etcd-errors", () -> faults.fail("POST", PODS, 7, 500, "InternalError", ApiFaults.LEADER_CHANGED), 7);
  }

  /**
   * Arms {@code injected} transient answers to the driver's create, creates {@code job}: its first attempt
   * runs once they are spent, and nothing is counted as failed.
   */
  private void runsOnceAfter(String job, Runnable arm, int injected) {
    h = E2eHarness.start(faults);
    h.kubelet.script(job, DriverScript.always(DriverBehaviour.succeedAfter(Duration.ofMillis(500))));
    arm.run();
    h.create(TestJobs.job(job, "1s", "5s", 3, 10));

    FeatureJobStatus done = h.awaitStatus(job, "the run succeeded once the create went through",
        s -> s.lastSuccessTime != null);
    assertEquals(injected, faults.injected());
    assertEquals(1, done.history.size(), () -> describe(done.history));
    assertEquals(1, done.history.get(0).attempt, "no attempt was counted as failed");
    assertEquals(0, h.eventCount(job, EventReason.RunFailed));
  }

  @Test
  void aMalformedLabelOnAPodOfTheJobDoesNotSilenceIt() {
    h = E2eHarness.start();
    h.stopOperator();
    String job = "malformed";
    h.kubelet.script(job, DriverScript.always(new DriverBehaviour.RunForever()));
    FeatureJob created = h.create(TestJobs.job(job, "1s", "5s", 3, 10));
    Pod odd = new PodBuilder().withNewMetadata().withName(job + "-by-hand").withNamespace(E2eHarness.NAMESPACE)
        .addToLabels(Labels.MANAGED_BY, Labels.MANAGED_BY_VALUE)
        .addToLabels(Labels.JOB, PodNames.jobLabelValue(job))
        .addToLabels(Labels.SPARK_ROLE, Labels.ROLE_DRIVER)
        .addToLabels(Labels.RUN, "someday")
        .addToLabels(Labels.ATTEMPT, "first")
        .withOwnerReferences(io.featurejob.operator.spark.OwnerReferences.controlledBy(created))
        .endMetadata()
        .withNewStatus().withPhase("Succeeded").withContainerStatuses(new ContainerStatusBuilder()
            .withName("spark-kubernetes-driver").withState(new ContainerStateBuilder().withNewTerminated()
                .withExitCode(0).endTerminated().build()).build()).endStatus()
        .build();
    h.client.pods().inNamespace(E2eHarness.NAMESPACE).resource(odd).create();

    h.startOperator();
    h.awaitStatus(job, "the job launched its run", s -> s.phase == Phase.Running && s.currentAttempt != null);
    h.awaitEvent(job, EventReason.PodIgnored);
  }

  @Test
  void anUnexpectedErrorBecomesAConditionAndAWarningAndTheJobIsRetried() {
    String job = "corrupt-status";
    FeatureJob created = createWhileTheOperatorIsDown(job);
    FeatureJobStatus status = decideNow(created, Instant.now()).status();
    status.currentAttempt.startTime = "yesterday"; // a hand-edited status: not a time
    status.currentAttempt.windowStart = "last week";
    writeStatus(created, status);

    h.startOperator();
    FeatureJobStatus reported = h.awaitStatus(job, "ReconcileError condition",
        s -> Conditions.isTrue(s, Conditions.RECONCILE_ERROR));
    String message = Conditions.find(reported, Conditions.RECONCILE_ERROR).getMessage();
    assertTrue(message.contains("yesterday") || message.contains("last week"), message);
    assertTrue(h.awaitEvent(job, EventReason.ReconcileError).getMessage().contains("DateTimeParseException"));
  }

  // ------------------------------------------------------------------ helpers

  /**
   * Quoted from Kubernetes' ResourceQuota admission plugin (plugin/pkg/admission/resourcequota/controller.go:
   * {@code "exceeded quota: %s, requested: %s, used: %s, limited: %s"}, wrapped by admission.NewForbidden as
   * {@code pods "<name>" is forbidden: ...}).
   */
  static final String QUOTA_EXCEEDED = "pods \"quota-driver\" is forbidden: exceeded quota: compute-resources, "
      + "requested: pods=1, used: pods=10, limited: pods=10";

  /** A job created while the operator is stopped (its drivers succeed after 0.5 s), to set its stage first. */
  private FeatureJob createWhileTheOperatorIsDown(String job) {
    h = E2eHarness.start();
    h.stopOperator();
    h.kubelet.script(job, DriverScript.always(DriverBehaviour.succeedAfter(Duration.ofMillis(500))));
    return h.create(TestJobs.job(job, "1s", "5s", 3, 10));
  }

  private Decision decideNow(FeatureJob job, Instant now) {
    JobRef ref = new JobRef(job.getMetadata().getNamespace(), job.getMetadata().getName(), job.getMetadata().getUid(),
        now.minus(Duration.ofHours(1)), Objects.requireNonNullElse(job.getMetadata().getGeneration(), 1L), null);
    return new Decider(PodNames::driverPod).decide(ref, new SpecResolver(SpecResolver.BUILT_IN_RETRY)
        .resolve(job.getSpec()), null, new Observation.NoPod(), now);
  }

  private void writeStatus(FeatureJob job, FeatureJobStatus status) {
    FeatureJob fresh = h.job(job.getMetadata().getName());
    fresh.setStatus(status);
    h.client.resource(fresh).updateStatus();
  }

  private static String controllerUid(Pod pod) {
    return pod.getMetadata().getOwnerReferences().stream().filter(o -> Boolean.TRUE.equals(o.getController()))
        .map(OwnerReference::getUid).findFirst().orElse(null);
  }

  private static String describe(List<HistoryEntry> history) {
    return history == null ? "[]" : AcceptanceStoryTest.describe(history);
  }
}

