package io.featurejob.operator.policy;

import static io.featurejob.operator.policy.Drafts.draft;
import static io.featurejob.operator.policy.Drafts.status;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.featurejob.operator.api.FailureClass;
import io.featurejob.operator.api.FeatureJobSpec;
import io.featurejob.operator.api.GoDuration;
import io.featurejob.operator.api.Times;
import io.featurejob.operator.classify.Classification;
import io.featurejob.operator.events.EventReason;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** What the operator changes by itself after failures (fallback after 2 infrastructure failures, x1.5 memory). */
class RemediationsTest {
  static final Instant NOW = Instant.parse("2026-11-23T10:30:00Z");

  @ParameterizedTest(name = "{0} after {1} infrastructure failures -> count {2}, fallback {3}")
  @CsvSource(delimiter = '|', value = {
      "SpotInterruption    | 0 | 1 | false",
      "SpotInterruption    | 1 | 2 | true",
      "CapacityUnavailable | 1 | 2 | true",
      "UserCodeError       | 1 | 0 | false",
      "PermissionDenied    | 5 | 0 | false",
  })
  void fallsBackAfterInfrastructureFailures(FailureClass failure, int before, int after, boolean fallback) {
    FeatureJobSpec spec = PolicyFixtures.hourly();
    spec.freshnessSLO = "48h"; // only the count rule
    Draft d = draft(spec, status(1), NOW);
    d.remediation().infrastructureFailures = before;
    Classification c = new Classification(failure, "r", "e", "m", 1, null);
    Remediations.afterFailure(d, c);
    Remediations.beforeRetry(d, failure, NOW.plusSeconds(60));
    assertEquals(after, d.status.remediation.infrastructureFailures);
    assertEquals(fallback, Boolean.TRUE.equals(d.status.remediation.onDemandFallback));
  }

  @ParameterizedTest(name = "OOM of the {0} at {1} -> {2}")
  @CsvSource(delimiter = '|', value = {
      "Executor | -   | 3g",
      "Executor | 12g | 16g",
      "Executor | 16g | 16g",
      "Driver   | -   | 3g",
  })
  void raisesTheMemoryOfTheSideThatRanOut(Classification.MemoryTarget side, String current, String expected) {
    Draft d = draft(PolicyFixtures.hourly(), status(1), NOW);
    boolean executor = side == Classification.MemoryTarget.Executor;
    if (!"-".equals(current)) {
      d.remediation().executorMemory = current;
    }
    Remediations.afterFailure(d, new Classification(FailureClass.OutOfMemory, "r", "e", "m", 137, side));
    assertEquals(expected, executor ? d.status.remediation.executorMemory : d.status.remediation.driverMemory);
  }

  @ParameterizedTest(name = "success with fallback {0}: reverted {0}")
  @CsvSource({"true", "false"})
  void aSuccessEndsTheFallback(boolean fallback) {
    Draft d = draft(PolicyFixtures.hourly(), status(0), NOW);
    d.remediation().onDemandFallback = fallback;
    d.remediation().infrastructureFailures = 2;
    assertEquals(fallback, Remediations.afterSuccess(d));
    assertEquals(0, d.status.remediation.infrastructureFailures);
    assertEquals(false, d.status.remediation.onDemandFallback);
  }

  @ParameterizedTest(name = "escalated at {0}, keepFor {1}, now {2}: give back {3}")
  @CsvSource(delimiter = '|', nullValues = "-", value = {
      "2026-11-16T10:30:00Z | 168h | 2026-11-23T10:30:00Z | true",
      "2026-11-16T10:31:00Z | 168h | 2026-11-23T10:30:00Z | false",
      "2026-11-23T09:30:00Z | 1h   | 2026-11-23T10:30:00Z | true",
      "2026-01-01T00:00:00Z | 0s   | 2026-11-23T10:30:00Z | false",
      "-                    | 168h | 2026-11-23T10:30:00Z | false",
  })
  void givesMemoryBackKeepForAfterTheLastOutOfMemory(Instant escalatedAt, String keepFor, Instant now, boolean back) {
    assertEquals(back, MemoryEscalationPolicy.giveBack(escalatedAt, io.featurejob.operator.api.GoDuration.parse(keepFor), now));
  }

  /** An OOM escalates and stamps the time; a success within keepFor keeps it, the first one after gives it back. */
  @org.junit.jupiter.api.Test
  void aSuccessAfterKeepForReturnsTheSpecsMemory() {
    FeatureJobSpec spec = PolicyFixtures.hourly();
    spec.memoryEscalation = new io.featurejob.operator.api.MemoryEscalation();
    spec.memoryEscalation.keepFor = "24h";
    Draft oom = draft(spec, status(1), NOW);
    Remediations.afterFailure(oom, new Classification(FailureClass.OutOfMemory, "r", "e", "m", 137,
        Classification.MemoryTarget.Executor));
    assertEquals("3g", oom.status.remediation.executorMemory);
    assertEquals("2026-11-23T10:30:00Z", oom.status.remediation.memoryEscalatedAt);

    Draft soon = draft(spec, StatusCopy.of(oom.status), NOW.plusSeconds(23 * 3600));
    Remediations.afterSuccess(soon);
    assertEquals("3g", soon.status.remediation.executorMemory, "kept within keepFor");
    assertEquals(List.of(), Drafts.reasons(soon));

    Draft later = draft(spec, StatusCopy.of(oom.status), NOW.plusSeconds(24 * 3600));
    Remediations.afterSuccess(later);
    assertNull(later.status.remediation.executorMemory, "the spec's memory from the next run");
    assertNull(later.status.remediation.memoryEscalatedAt);
    assertEquals(List.of(EventReason.MemoryGivenBack), Drafts.reasons(later));
    assertEquals("executor memory 3g -> 2g (the spec's): no OutOfMemory for 24h", later.events.get(0).message());
  }

  /**
   * The spike outlasted the keep: an OOM within keepFor of the give-back returns to the size given back at
   * once (one failed run, not one per step); an OOM after that window climbs from the spec's again.
   */
  @ParameterizedTest(name = "OOM {0} after giving back 4608m with keepFor 6h -> {1}")
  @CsvSource(delimiter = '|', value = {
      "1h  | 4608m | executor memory 2g -> 4608m: the size given back 1h ago (an OutOfMemory within keepFor 6h of giving it back)",
      "5h  | 4608m | executor memory 2g -> 4608m: the size given back 5h ago (an OutOfMemory within keepFor 6h of giving it back)",
      "6h  | 3g    | executor memory 2g -> 3g (ceiling 16g)",
      "30h | 3g    | executor memory 2g -> 3g (ceiling 16g)",
  })
  void anOutOfMemorySoonAfterAGiveBackReturnsToTheSizeGivenBack(String after, String expected, String message) {
    FeatureJobSpec spec = PolicyFixtures.hourly();
    spec.memoryEscalation = new io.featurejob.operator.api.MemoryEscalation();
    spec.memoryEscalation.keepFor = "6h";
    Draft escalated = draft(spec, status(0), NOW.minusSeconds(7 * 3600));
    escalated.remediation().executorMemory = "4608m";
    escalated.remediation().memoryEscalatedAt = Times.format(NOW.minusSeconds(7 * 3600));
    Draft back = draft(spec, StatusCopy.of(escalated.status), NOW);
    Remediations.afterSuccess(back);
    assertNull(back.status.remediation.executorMemory);
    assertEquals("4608m", back.status.remediation.givenBackExecutorMemory);
    assertEquals("2026-11-23T10:30:00Z", back.status.remediation.memoryGivenBackAt);

    Draft oom = draft(spec, StatusCopy.of(back.status), NOW.plus(GoDuration.parse(after)));
    Remediations.afterFailure(oom, new Classification(FailureClass.OutOfMemory, "r", "e", "m", 137,
        Classification.MemoryTarget.Executor));
    assertEquals(expected, oom.status.remediation.executorMemory);
    assertEquals(message, oom.events.get(0).message());
    assertNull(oom.status.remediation.givenBackExecutorMemory, "used or expired: an OOM after it climbs from here");
  }

  @ParameterizedTest(name = "{0} MiB, given back {1} MiB -> {2} MiB")
  @CsvSource({
      "2048,  0,     3072",   // nothing given back: one step
      "2048,  4608,  4608",   // straight back to the size given back
      "2048,  2560,  3072",   // a step is more than what was given back
      "2048,  32768, 16384",  // never past the ceiling
      "12288, 4608,  16384",
  })
  void afterAnOutOfMemory(long current, long givenBack, long next) {
    assertEquals(next, MemoryEscalationPolicy.afterOutOfMemory(current, 1.5, 16384, givenBack));
  }

  /** A success after the window forgets what was given back; within it the record stays. */
  @ParameterizedTest(name = "success {0} after the give-back: remembered {1}")
  @CsvSource(delimiter = '|', nullValues = "-", value = {
      "5h | 4608m",
      "6h | -",
  })
  void aSuccessAfterTheWindowForgetsTheGiveBack(String after, String remembered) {
    FeatureJobSpec spec = PolicyFixtures.hourly();
    spec.memoryEscalation = new io.featurejob.operator.api.MemoryEscalation();
    spec.memoryEscalation.keepFor = "6h";
    Draft d = draft(spec, status(0), NOW.plus(GoDuration.parse(after)));
    d.remediation().givenBackExecutorMemory = "4608m";
    d.remediation().memoryGivenBackAt = Times.format(NOW);
    Remediations.afterSuccess(d);
    assertEquals(remembered, d.status.remediation.givenBackExecutorMemory);
    assertEquals(remembered == null ? null : "2026-11-23T10:30:00Z", d.status.remediation.memoryGivenBackAt);
    assertEquals(List.of(), Drafts.reasons(d));
  }

  /** An owner who raised the spec's memory past the escalated size gets the spec's: their edit is the fix. */
  @ParameterizedTest(name = "spec {0}, escalated 3g -> launches with {1} MiB")
  @CsvSource({"2g, 3072", "8g, 8192"})
  void theSpecWinsWhenRaisedPastTheEscalatedMemory(String specMemory, long launched) {
    FeatureJobSpec spec = PolicyFixtures.hourly();
    spec.spark.executor = new io.featurejob.operator.api.ExecutorSpec();
    spec.spark.executor.memory = specMemory;
    Draft d = draft(spec, status(0), NOW);
    d.remediation().executorMemory = "3g";
    assertEquals(launched, Remediations.executorMemory(d));
  }
}
