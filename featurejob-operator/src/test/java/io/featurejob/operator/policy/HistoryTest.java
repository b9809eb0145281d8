package io.featurejob.operator.policy;

import static io.featurejob.operator.policy.Drafts.attempt;
import static io.featurejob.operator.policy.Drafts.draft;
import static io.featurejob.operator.policy.Drafts.status;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.featurejob.operator.api.CapacityType;
import io.featurejob.operator.api.FailureClass;
import io.featurejob.operator.api.FeatureJobSpec;
import io.featurejob.operator.api.Outcome;
import io.featurejob.operator.classify.Classification;
import io.featurejob.operator.classify.Evidence.Role;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** History is bounded newest-first; each finished attempt yields its compute (pod-seconds by capacity). */
class HistoryTest {
  static final Instant FINISHED = Instant.parse("2026-11-23T10:10:00Z");

  @ParameterizedTest(name = "{0} ({1}): driver {2}s on-demand, executors {3}s spot")
  @CsvSource(delimiter = '|', value = {
      "Succeeded | -                   | 600 | 2400",
      "Failed    | UserCodeError       | 600 | 2400",
      "Failed    | CapacityUnavailable | 600 | 0",
  })
  void recordsEntryAndCompute(Outcome outcome, String failure, double driverSeconds, double executorSeconds) {
    FeatureJobSpec spec = PolicyFixtures.hourly();
    spec.historyLimit = 2;
    spec.spark.executor = new io.featurejob.operator.api.ExecutorSpec();
    spec.spark.executor.instances = 4;
    Draft d = draft(spec, status(0), FINISHED);
    Classification c = "-".equals(failure) ? null
        : new Classification(FailureClass.valueOf(failure), "r", "e", "m", 1, null);
    var a = attempt("2026-11-23T10:00:00Z");
    a.driverCapacity = CapacityType.OnDemand;
    a.executorCapacity = CapacityType.Spot;
    for (int i = 0; i < 3; i++) {
      History.finished(d, a, FINISHED, outcome, c);
    }
    assertEquals(2, d.status.history.size(), "bounded by historyLimit");
    Decision.FinishedAttempt f = d.finished.get(0);
    assertEquals(Duration.ofMinutes(10), f.duration());
    Map<CapacityType, Double> compute = f.computeSeconds();
    assertEquals(driverSeconds, compute.getOrDefault(CapacityType.OnDemand, 0.0));
    assertEquals(executorSeconds, compute.getOrDefault(CapacityType.Spot, 0.0));
  }

  @Test
  void aFinishedAttemptSaysOnWhichCapacityItFailed() {
    Draft d = draft(PolicyFixtures.hourly(), status(0), FINISHED);
    var a = attempt("2026-11-23T10:00:00Z");
    a.driverCapacity = CapacityType.OnDemand;
    a.executorCapacity = CapacityType.Spot;
    History.finished(d, a, FINISHED, Outcome.Failed,
        new Classification(FailureClass.SpotInterruption, "builtin:node-shutdown", "e", "m", 143, null, Role.Driver));
    History.finished(d, a, FINISHED, Outcome.Failed,
        new Classification(FailureClass.SpotInterruption, "builtin:node-shutdown", "e", "m", 1, null, Role.Executor));
    History.finished(d, a, FINISHED, Outcome.Failed,
        new Classification(FailureClass.SpotInterruption, "builtin:executor-lost-to-node", "e", "m", 1, null));
    assertEquals(CapacityType.OnDemand, d.finished.get(0).failedOn(), "the driver's node shut down");
    assertEquals(CapacityType.Spot, d.finished.get(1).failedOn(), "an executor's node shut down");
    assertEquals(CapacityType.Spot, d.finished.get(2).failedOn(), "the driver's log told of executors");
  }
}
