package io.featurejob.operator.events;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class EventReasonTest {

  @ParameterizedTest(name = "{0} is {1}")
  @CsvSource({
      "RunStarted, Normal",
      "RunSucceeded, Normal",
      "Recovered, Normal",
      "RunFailed, Warning",
      "RetryScheduled, Normal",
      "AlertThresholdReached, Warning",
      "PermanentlyFailed, Warning",
      "Unblocked, Normal",
      "RunNowRequested, Normal",
      "CapacityFallback, Normal",
      "MemoryEscalated, Normal",
      "MemoryGivenBack, Normal",
      "InvalidSpec, Warning",
      "PodIgnored, Warning",
      "ReconcileError, Warning",
      "SpecAdjusted, Warning",
  })
  void typesFollowTheContract(EventReason reason, String type) {
    assertEquals(type, reason.type());
    assertEquals(type.equals("Warning"), reason.isWarning());
  }

  @org.junit.jupiter.api.Test
  void everyReasonIsListedAbove() {
    assertEquals(16, EventReason.values().length);
  }
}
