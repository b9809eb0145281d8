package io.featurejob.operator.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.featurejob.operator.api.FailureClass;
import io.featurejob.operator.api.FeatureJob;
import io.featurejob.operator.api.FeatureJobStatus;
import io.featurejob.operator.api.HistoryEntry;
import io.featurejob.operator.api.Labels;
import io.featurejob.operator.api.Outcome;
import io.featurejob.operator.spark.PodNames;
import io.featurejob.operator.testing.TestJobs;
import org.junit.jupiter.api.Test;

/**
 * The executor-template ConfigMap deleted by hand between runs, on the simulated kubelet (the real node
 * plays the same story in TemplateDeletedOnRealNodeTest): the next driver waits in ContainerCreating
 * until its runTimeout, a Timeout puts the template in doubt, and the retry writes it and succeeds.
 */
class TemplateDeletedTest extends E2eTest {
  private static final String JOB = "untemplated-features";

  @Test
  void theRetryAfterTheTimeoutWritesTheTemplateAgain() {
    FeatureJob job = TestJobs.job(JOB, "1s", "5s", 3, 10);
    job.getSpec().schedule = "@yearly";
    job.getSpec().runTimeout = "10s";
    h.create(job);
    h.awaitStatus(JOB, "first success", s -> s.lastSuccessTime != null && s.currentAttempt == null);
    String configMap = PodNames.executorTemplateConfigMap(JOB);
    h.client.configMaps().inNamespace(E2eHarness.NAMESPACE).withName(configMap).delete();

    h.annotate(JOB, Labels.RUN_NOW, "after-the-delete");

    FeatureJobStatus healed = h.awaitStatus(JOB, "the retry succeeded",
        s -> s.history != null && s.history.size() == 3 && s.currentAttempt == null);
    HistoryEntry timedOut = healed.history.get(1);
    assertEquals(FailureClass.Timeout, timedOut.failureClass, timedOut.reason + ": " + timedOut.message);
    assertEquals(Outcome.Succeeded, healed.history.get(0).outcome, () -> String.valueOf(healed.history));
    assertEquals("Retry", healed.history.get(0).trigger);
    assertEquals(0, healed.consecutiveFailures);
    assertNotNull(h.client.configMaps().inNamespace(E2eHarness.NAMESPACE).withName(configMap).get());
  }
}
