package io.featurejob.operator.controller;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.featurejob.operator.api.CapacityType;
import io.featurejob.operator.api.FailureClass;
import io.featurejob.operator.api.FailureRecord;
import io.featurejob.operator.api.FeatureJobStatus;
import io.featurejob.operator.events.EventReason;
import io.featurejob.operator.policy.Decision;
import io.featurejob.operator.policy.LaunchPlan;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class EventSelectionTest {
  private static final String FAILED_AT = "2026-11-30T10:00:00Z";

  /**
   * before: the status the decision started from (last failure class, or none; failures before; a last
   * success before or after that failure, or none); after: the failure class and count the decision recorded;
   * launch trigger (or none); the decided events; the written ones.
   */
  @ParameterizedTest(name = "{0}/{1} success {2} -> {3}/{4} launch {5}: {6} => {7}")
  @CsvSource(delimiter = '|', textBlock = """
      # a first failure: one event, the retry in it
      none                | 0 | none   | CapacityUnavailable | 0 | none     | RunFailed RetryScheduled | RunFailed+RetryScheduled
      # the same uncounted failure again in the streak: nothing
      CapacityUnavailable | 0 | none   | CapacityUnavailable | 0 | none     | RunFailed RetryScheduled | -
      # ... but a success in between starts a new streak
      CapacityUnavailable | 0 | after  | CapacityUnavailable | 0 | none     | RunFailed RetryScheduled | RunFailed+RetryScheduled
      CapacityUnavailable | 0 | before | CapacityUnavailable | 0 | none     | RunFailed RetryScheduled | -
      # another class is a new transition
      CapacityUnavailable | 0 | none   | SpotInterruption    | 0 | none     | RunFailed RetryScheduled | RunFailed+RetryScheduled
      # counted failures are always written (bounded by maxConsecutiveFailures)
      OutOfMemory         | 1 | none   | OutOfMemory         | 2 | none     | RunFailed RetryScheduled | RunFailed+RetryScheduled
      # the transitions that matter pass, also inside a quiet streak
      CapacityUnavailable | 0 | none   | CapacityUnavailable | 0 | none     | RunFailed RetryScheduled CapacityFallback | CapacityFallback
      OutOfMemory         | 2 | none   | OutOfMemory         | 3 | none     | RunFailed AlertThresholdReached PermanentlyFailed | RunFailed AlertThresholdReached PermanentlyFailed
      # a retry's start was announced by the failure; a scheduled run's start is written
      none                | 0 | none   | none                | 0 | Retry    | RunStarted               | -
      none                | 0 | none   | none                | 0 | Schedule | RunStarted               | RunStarted
      none                | 0 | none   | none                | 0 | RunNow   | RunNowRequested RunStarted | RunNowRequested RunStarted
      # a RetryScheduled without a failure in the decision stays as it is
      none                | 0 | none   | none                | 0 | none     | RetryScheduled           | RetryScheduled
      """)
  void oneEventPerTransitionThatMatters(String beforeClass, int beforeFailures, String success,
      String afterClass, int afterFailures, String trigger, String decided, String written) {
    FeatureJobStatus before = status(beforeClass, beforeFailures);
    if (!success.equals("none")) {
      before.lastSuccessTime = success.equals("after") ? "2026-11-30T10:05:00Z" : "2026-11-30T09:55:00Z";
    }
    FeatureJobStatus after = status(afterClass, afterFailures);
    LaunchPlan launch = trigger.equals("none") ? null : new LaunchPlan("r", 2, "p", null, null, CapacityType.OnDemand,
        CapacityType.Spot, 0, 0, LaunchPlan.Trigger.valueOf(trigger));
    List<Decision.Event> events = Arrays.stream(decided.split(" "))
        .map(r -> new Decision.Event(EventReason.valueOf(r), r.toLowerCase()))
        .collect(Collectors.toList());
    Decision decision = new Decision(after, launch, List.of(), events, List.of(), Duration.ofMinutes(1), null);

    String got = EventSelection.select(before, decision).stream()
        .map(e -> e.reason() + (e.message().contains("; ") ? "+RetryScheduled" : ""))
        .collect(Collectors.joining(" "));
    assertEquals(written.equals("-") ? "" : written, got);
  }

  @ParameterizedTest
  @CsvSource({"runfailed; retryscheduled"})
  void mergedMessageSaysWhatFailedThenWhen(String expected) {
    Decision decision = new Decision(status("CapacityUnavailable", 0), null, List.of(),
        List.of(new Decision.Event(EventReason.RunFailed, "runfailed"),
            new Decision.Event(EventReason.RetryScheduled, "retryscheduled")),
        List.of(), Duration.ofMinutes(1), null);
    assertEquals(List.of(new Decision.Event(EventReason.RunFailed, expected)),
        EventSelection.select(new FeatureJobStatus(), decision));
  }

  private static FeatureJobStatus status(String failureClass, int failures) {
    FeatureJobStatus s = new FeatureJobStatus();
    s.consecutiveFailures = failures;
    if (!failureClass.equals("none")) {
      s.lastFailure = new FailureRecord();
      s.lastFailure.failureClass = FailureClass.valueOf(failureClass);
      s.lastFailure.time = FAILED_AT;
    }
    return s;
  }
}
