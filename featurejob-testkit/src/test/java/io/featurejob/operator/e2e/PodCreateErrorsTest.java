package io.featurejob.operator.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.featurejob.operator.api.FeatureJobStatus;
import io.featurejob.operator.demo.DriverBehaviour;
import io.featurejob.operator.demo.DriverScript;
import io.featurejob.operator.events.EventReason;
import io.featurejob.operator.testing.ApiFaults;
import io.featurejob.operator.testing.TestJobs;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 12: the API server's transient answers to the driver's create (API priority and fairness' 429, an
 * etcd 500) are retried, never counted as the job's failure, and more of them in a row than JOSDK's default
 * retry allows (5) do not leave the job to JOSDK's 10 h max-reconciliation interval.
 */
class PodCreateErrorsTest {
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
  void throttledPodCreatesAreRetriedNotCountedAsFailures() {
    runsOnceAfter("throttled", () -> faults.failPlain("POST", PODS, 3, 429, ApiFaults.TOO_MANY_REQUESTS), 3);
  }

  @Test
  void moreServerErrorsOnThePodCreateThanJosdksDefaultRetriesDoNotStallTheJob() {
    runsOnceAfter("etcd-errors", () -> faults.fail("POST", PODS, 7, 500, "InternalError", ApiFaults.LEADER_CHANGED), 7);
  }

  /** Arms the faults, creates {@code job}: its first attempt runs once they are spent, nothing counted. */
  private void runsOnceAfter(String job, Runnable arm, int injected) {
    h = E2eHarness.start(faults);
    h.kubelet.script(job, DriverScript.always(DriverBehaviour.succeedAfter(Duration.ofMillis(500))));
    arm.run();
    h.create(TestJobs.job(job, "1s", "5s", 3, 10));

    FeatureJobStatus done = h.awaitStatus(job, "the run succeeded once the create went through",
        s -> s.lastSuccessTime != null);
    assertEquals(injected, faults.injected());
    assertEquals(1, done.history.size(), () -> AcceptanceStoryTest.describe(done.history));
    assertEquals(1, done.history.get(0).attempt, "no attempt was counted as failed");
    assertEquals(0, h.eventCount(job, EventReason.RunFailed));
  }
}
