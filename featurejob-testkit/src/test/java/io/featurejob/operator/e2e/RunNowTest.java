package io.featurejob.operator.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Pod;
import io.featurejob.operator.api.FeatureJob;
import io.featurejob.operator.api.FeatureJobStatus;
import io.featurejob.operator.api.Labels;
import io.featurejob.operator.events.EventReason;
import io.featurejob.operator.testing.TestJobs;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * kubectl annotate fj NAME featurejob.io/run-now=TOKEN on a healthy job: one extra run of the newest
 * window, a second driver pod with trigger RunNow, recorded in history, the schedule unchanged.
 */
class RunNowTest extends E2eTest {
  private static final String JOB = "run-now-features";

  @Test
  void aHealthyJobRunsOnceMoreForEachNewToken() {
    FeatureJob job = TestJobs.job(JOB, "1s", "5s", 3, 10);
    job.getSpec().schedule = "@yearly";
    h.create(job);
    FeatureJobStatus healthy = h.awaitStatus(JOB, "first success", s -> s.lastSuccessTime != null && s.currentAttempt == null);
    String nextRun = healthy.nextRunTime;

    h.annotate(JOB, Labels.RUN_NOW, "manual-1");

    FeatureJobStatus after = h.awaitStatus(JOB, "the extra run succeeded",
        s -> s.history != null && s.history.size() == 2 && s.currentAttempt == null);
    assertEquals("RunNow", after.history.get(0).trigger);
    assertEquals(after.history.get(1).windowEnd, after.history.get(0).windowEnd, "the newest window, again");
    assertEquals(nextRun, after.nextRunTime, "the schedule is unchanged");
    assertEquals("manual-1", after.lastRunNowToken);
    assertEquals(0, after.consecutiveFailures);
    List<Pod> drivers = h.driverPods(JOB);
    assertEquals(2, drivers.size());
    assertEquals("RunNow", drivers.get(1).getMetadata().getAnnotations().get(Labels.TRIGGER));
    assertTrue(h.awaitEvent(JOB, EventReason.RunNowRequested).getMessage().contains("running now"));
    assertEquals(2, h.kubelet.driversCreated(JOB));
  }
}
