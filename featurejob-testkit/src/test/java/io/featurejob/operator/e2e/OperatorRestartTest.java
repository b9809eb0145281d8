package io.featurejob.operator.e2e;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Pod;
import io.featurejob.operator.api.FeatureJobStatus;
import io.featurejob.operator.api.HistoryEntry;
import io.featurejob.operator.api.Outcome;
import io.featurejob.operator.api.Phase;
import io.featurejob.operator.api.Times;
import io.featurejob.operator.demo.DriverBehaviour;
import io.featurejob.operator.demo.DriverScript;
import io.featurejob.operator.events.EventReason;
import io.featurejob.operator.testing.TestJobs;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * docs/design.md §3: restarting the operator never launches a duplicate. State lives in the FeatureJob's
 * status and in deterministic pod names, so a new operator instance picks up where the old one was.
 */
class OperatorRestartTest extends E2eTest {

  @Test
  void driverThatFinishesWhileTheOperatorIsDownIsRecordedOnce() {
    String job = "restart-running";
    h.kubelet.script(job, DriverScript.always(DriverBehaviour.succeedAfter(Duration.ofSeconds(8))));
    h.create(TestJobs.job(job, "1s", "5s", 3, 10));

    FeatureJobStatus running = h.awaitStatus(job, "Running with a current attempt",
        s -> s.phase == Phase.Running && s.currentAttempt != null && s.currentAttempt.podName != null);
    String podName = running.currentAttempt.podName;
    await("driver pod running").atMost(E2eHarness.TIMEOUT).pollInterval(E2eHarness.POLL)
        .until(() -> h.driverPods(job).stream()
            .anyMatch(p -> podName.equals(p.getMetadata().getName()) && "Running".equals(E2eHarness.phaseOf(p))));

    h.stopOperator();

    // While the operator is down the driver finishes; nobody records it.
    await("driver pod succeeded while the operator is down").atMost(E2eHarness.TIMEOUT).pollInterval(E2eHarness.POLL)
        .until(() -> h.driverPods(job).stream()
            .anyMatch(p -> podName.equals(p.getMetadata().getName()) && "Succeeded".equals(E2eHarness.phaseOf(p))));
    FeatureJobStatus whileDown = h.status(job);
    assertEquals(Phase.Running, whileDown.phase, "nothing recorded the end while the operator was down");
    assertEquals(podName, whileDown.currentAttempt.podName);

    h.startOperator();

    FeatureJobStatus done = h.awaitStatus(job, "the run recorded", s -> s.lastSuccessTime != null);
    List<HistoryEntry> history = done.history;
    assertEquals(1, history.size(), () -> AcceptanceStoryTest.describe(history));
    HistoryEntry entry = history.get(0);
    assertEquals(Outcome.Succeeded, entry.outcome);
    assertEquals(podName, entry.podName, "the run that was running is the one recorded");
    assertEquals(1, entry.attempt);
    assertEquals(0, done.consecutiveFailures);
    assertEquals(Phase.Idle, done.phase);

    // No duplicate pod, not even a little later.
    await("still one driver").during(Duration.ofSeconds(3)).atMost(E2eHarness.TIMEOUT)
        .pollInterval(E2eHarness.POLL)
        .until(() -> h.kubelet.driversCreated(job) == 1 && h.driverPods(job).size() == 1);
    assertEquals(podName, h.driverPods(job).get(0).getMetadata().getName());
    assertEquals(1, h.events(job, EventReason.RunStarted).size(), "the new instance did not start the run again");
    assertEquals(1, h.eventCount(job, EventReason.RunSucceeded), "success recorded once");
  }

  @Test
  void restartRightAfterAFailureWasRecordedLaunchesNoDuplicateAttempt() {
    String job = "restart-backoff";
    h.kubelet.script(job, DriverScript.always(DriverBehaviour.failAfter(Duration.ofMillis(300), 1, TestJobs.TRACEBACK)));
    h.create(TestJobs.job(job, "3s", "3s", 5, 10));

    // Stop right after the status of failure 1 was written, start a new instance during the back-off.
    FeatureJobStatus backingOff = h.awaitStatus(job, "BackingOff after failure 1",
        s -> s.phase == Phase.BackingOff && Integer.valueOf(1).equals(s.consecutiveFailures));
    h.stopOperator();
    Instant retryAt = Times.parse(backingOff.nextRunTime);
    assertNotNull(retryAt, "a back-off records its retry time");
    h.startOperator();

    // Failure 2: stop right after it was recorded, and this time come back only after the back-off expired.
    FeatureJobStatus secondBackOff = h.awaitStatus(job, "BackingOff after failure 2",
        s -> s.phase == Phase.BackingOff && Integer.valueOf(2).equals(s.consecutiveFailures));
    h.stopOperator();
    Instant secondRetryAt = Times.parse(secondBackOff.nextRunTime);
    int podsAtStop = h.driverPods(job).size();
    h.clock.advancePast(secondRetryAt.plusMillis(500)); // the back-off expires while the operator is down
    assertEquals(podsAtStop, h.driverPods(job).size(), "no launch while the operator is down");
    h.startOperator();

    h.awaitStatus(job, "failure 4 recorded",
        s -> s.consecutiveFailures != null && s.consecutiveFailures >= 4 && s.currentAttempt == null);
    h.stopOperator(); // a quiet API server for the final count

    List<Pod> drivers = h.driverPods(job);
    List<String> names = drivers.stream().map(p -> p.getMetadata().getName()).toList();
    assertEquals(names.size(), names.stream().distinct().count(), "unique pod names: " + names);
    List<Integer> attempts = drivers.stream().map(E2eHarness::attemptOf).toList();
    List<Integer> expected = IntStream.rangeClosed(1, attempts.size()).boxed().toList();
    assertEquals(expected, attempts, "one pod per attempt number, consecutive: " + names);
    assertTrue(attempts.size() >= 4, "attempts " + attempts);
    assertEquals(attempts.size(), h.kubelet.driversCreated(job), "every pod the kubelet saw is one of these");
    assertEquals(1, drivers.stream().map(p -> p.getMetadata().getLabels().get(io.featurejob.operator.api.Labels.RUN))
        .distinct().count(), "retries are attempts of the same run");

    FeatureJobStatus last = h.status(job);
    List<Integer> historyAttempts = last.history.stream().map(e -> e.attempt).collect(Collectors.toList());
    List<Integer> newestFirst = IntStream.iterate(last.consecutiveFailures, i -> i >= 1, i -> i - 1).boxed().toList();
    assertEquals(newestFirst, historyAttempts, "history newest first, each attempt once");
    assertTrue(last.history.stream().allMatch(e -> e.outcome == Outcome.Failed));

    // The instance started during the first back-off waited for it instead of launching at once.
    Pod second = drivers.get(1);
    Instant secondCreated = Times.parse(second.getMetadata().getCreationTimestamp());
    assertFalse(secondCreated.isBefore(retryAt.minusSeconds(1)),
        "attempt 2 created at " + secondCreated + ", retry was due at " + retryAt);
  }
}
