package io.featurejob.operator.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.featurejob.operator.api.Labels;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ScheduledRunsTest {
  @Test
  void cronJobsJobNameSaysItsScheduledMinute() {
    // 29,412,345 minutes after the epoch; the CronJob's own name may hold dashes and digits.
    assertEquals(Instant.ofEpochSecond(29_412_345L * 60), ScheduledRuns.cronJobScheduledAt("storm-7-29412345"));
    assertNull(ScheduledRuns.cronJobScheduledAt("storm"));
    assertNull(ScheduledRuns.cronJobScheduledAt("storm-x"));
    assertNull(ScheduledRuns.cronJobScheduledAt(null));
  }

  @Test
  void featureJobsScheduledLaunchSaysItsWindowEnd() {
    assertEquals(Instant.parse("2026-12-01T06:05:00Z"),
        ScheduledRuns.featureJobScheduledAt(driver("Schedule", "2026-12-01T06:05:00Z")));
    assertNull(ScheduledRuns.featureJobScheduledAt(driver("Retry", "2026-12-01T06:05:00Z")), "a retry is not on schedule");
    assertNull(ScheduledRuns.featureJobScheduledAt(driver("RunNow", "2026-12-01T06:05:00Z")));
    assertNull(ScheduledRuns.featureJobScheduledAt(new PodBuilder().withNewMetadata().endMetadata().build()));
  }

  @Test
  void windowsStartOnATickAndLastWholeMinutes() {
    assertEquals(Instant.parse("2026-12-01T06:06:00Z"), ScheduledRuns.nextMinute(Instant.parse("2026-12-01T06:05:00.001Z")));
    assertEquals(Instant.parse("2026-12-01T06:05:00Z"), ScheduledRuns.nextMinute(Instant.parse("2026-12-01T06:05:00Z")));
    assertEquals(Duration.ofMinutes(2), ScheduledRuns.wholeMinutes(120));
    assertEquals(Duration.ofMinutes(3), ScheduledRuns.wholeMinutes(121));
    assertEquals(Duration.ofMinutes(1), ScheduledRuns.wholeMinutes(0));
  }

  private static Pod driver(String trigger, String windowEnd) {
    return new PodBuilder().withNewMetadata().withName("storm-1-20261201-0604-1")
        .withAnnotations(Map.of(Labels.TRIGGER, trigger, Labels.WINDOW_END, windowEnd)).endMetadata().build();
  }
}
