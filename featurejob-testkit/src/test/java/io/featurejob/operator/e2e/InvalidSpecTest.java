package io.featurejob.operator.e2e;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Event;
import io.featurejob.operator.api.FeatureJob;
import io.featurejob.operator.api.FeatureJobStatus;
import io.featurejob.operator.api.Phase;
import io.featurejob.operator.events.EventReason;
import io.featurejob.operator.metrics.ScrapedSample;
import io.featurejob.operator.policy.Conditions;
import io.featurejob.operator.testing.TestJobs;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * docs/design.md §2: input the schema cannot reject (the mock API server validates nothing, like a cluster
 * whose CRD is older than the operator) is rejected by the reconciler: SpecValid=False naming every
 * problem, one Warning event, no pod, no crash loop, and the other jobs carry on.
 */
class InvalidSpecTest extends E2eTest {
  private static final String BAD = "bad-cron-features";
  private static final String GOOD = "good-features";

  @Test
  void invalidSpecIsReportedOnceLaunchesNothingAndRunsOnceFixed() {
    FeatureJob bad = TestJobs.job(BAD, "1s", "5s", 12, 10);
    bad.getSpec().schedule = "61 * * * *";
    h.create(bad);
    h.create(TestJobs.job(GOOD, "1s", "5s", 3, 10));

    FeatureJobStatus invalid = h.awaitStatus(BAD, "phase Invalid", s -> s.phase == Phase.Invalid);
    Condition specValid = Conditions.find(invalid, Conditions.SPEC_VALID);
    assertNotNull(specValid, "SpecValid condition");
    assertEquals("False", specValid.getStatus());
    assertTrue(specValid.getMessage().contains("schedule"), specValid.getMessage());
    assertTrue(specValid.getMessage().contains("61 * * * *"), specValid.getMessage());
    assertTrue(specValid.getMessage().contains("alertAfterFailures"), specValid.getMessage());
    assertTrue(specValid.getMessage().contains("maxConsecutiveFailures"), specValid.getMessage());
    assertNull(invalid.currentAttempt);
    assertNull(invalid.nextRunTime, "an invalid job has no next run");

    // The valid job in the same operator is unaffected: it launches and succeeds.
    h.awaitStatus(GOOD, "the valid job succeeded", s -> s.lastSuccessTime != null);
    assertEquals(1, h.kubelet.driversCreated(GOOD));

    Event reported = h.awaitEvent(BAD, EventReason.InvalidSpec);
    assertEquals("Warning", reported.getType());
    assertTrue(reported.getMessage().contains("61 * * * *"), reported.getMessage());

    // More reconciles of the same invalid spec: a label edit (metadata only), then spec edits that
    // keep it invalid (each bumps the generation, so the operator must look again).
    h.client.resources(FeatureJob.class).inNamespace(E2eHarness.NAMESPACE).withName(BAD)
        .edit(j -> {
          j.getMetadata().getLabels().put("touched", "1");
          return j;
        });
    for (String view : new String[] {"trips_v2", "trips_v3"}) {
      FeatureJob edited = h.client.resources(FeatureJob.class).inNamespace(E2eHarness.NAMESPACE).withName(BAD)
          .edit(j -> {
            j.getSpec().featureView = view;
            return j;
          });
      long generation = edited.getMetadata().getGeneration();
      h.awaitStatus(BAD, "observed generation " + generation,
          s -> s.observedGeneration != null && s.observedGeneration >= generation && s.phase == Phase.Invalid);
    }
    // Give a (wrong) repeat every chance to show up before counting.
    await("InvalidSpec reported exactly once").during(Duration.ofSeconds(3)).atMost(E2eHarness.TIMEOUT)
        .pollInterval(E2eHarness.POLL)
        .until(() -> h.events(BAD, EventReason.InvalidSpec).size() == 1 && h.eventCount(BAD, EventReason.InvalidSpec) == 1);
    assertEquals(0, h.podsOf(BAD).size(), "no pod for an invalid job");
    assertEquals(0, h.kubelet.driversCreated(BAD));

    // No crash loop: the operator is healthy.
    assertEquals(200, h.httpGet("/healthz").statusCode());
    assertEquals(200, h.httpGet("/readyz").statusCode());
    // ... and no reconcile of the invalid job failed (JOSDK would retry a throwing reconcile with back-off).
    double failedReconciles = h.samples("operator_sdk_controllers_execution_reconcile_failure_total",
        java.util.Map.of("controller", "featurejob")).stream().mapToDouble(ScrapedSample::value).sum();
    assertEquals(0.0, failedReconciles, "failed reconciles of the featurejob controller");
    assertTrue(h.samples("operator_sdk_controllers_execution_reconcile_success_total",
        java.util.Map.of("controller", "featurejob")).stream().mapToDouble(ScrapedSample::value).sum() > 0,
        "JOSDK's reconcile metrics are there to count on");

    // The owner fixes the spec: the job launches.
    h.client.resources(FeatureJob.class).inNamespace(E2eHarness.NAMESPACE).withName(BAD).edit(j -> {
      j.getSpec().schedule = "@daily";
      j.getSpec().retryPolicy.alertAfterFailures = 3;
      return j;
    });
    FeatureJobStatus fixed = h.awaitStatus(BAD, "a run after the fix", s -> s.currentAttempt != null || s.lastSuccessTime != null);
    assertEquals("True", Conditions.find(fixed, Conditions.SPEC_VALID).getStatus());
    await("a driver pod of the fixed job").atMost(E2eHarness.TIMEOUT).pollInterval(E2eHarness.POLL)
        .until(() -> h.driverPods(BAD).size() == 1);
    assertEquals(1, h.driverPods(BAD).size());
    h.awaitStatus(BAD, "the fixed job succeeded", s -> s.lastSuccessTime != null);
  }
}
