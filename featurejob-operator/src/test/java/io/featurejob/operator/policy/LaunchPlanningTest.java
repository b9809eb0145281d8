package io.featurejob.operator.policy;

import static io.featurejob.operator.policy.Drafts.draft;
import static io.featurejob.operator.policy.Drafts.status;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.featurejob.operator.api.FeatureJobSpec;
import io.featurejob.operator.api.HistoryEntry;
import io.featurejob.operator.api.Phase;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Whether an attempt starts, and which, for the hourly job created at 10:20 whose window [09:00, 10:00)
 * is due: one row per situation (state, failures, retry time, newest history entry, unblocked).
 */
class LaunchPlanningTest {

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "new job                   | 10:25 | -                | 0 | -     | -                 | false | Schedule trips-20261123-0900-1",
      "suspended                 | 10:25 | suspend          | 0 | -     | -                 | false | Suspended",
      "parked                    | 10:25 | PermanentlyFailed| 5 | -     | 20261123-0900/5   | false | PermanentlyFailed",
      "backing off               | 10:25 | BackingOff       | 1 | 10:26 | 20261123-0900/1   | false | BackingOff",
      "retry due                 | 10:26 | BackingOff       | 1 | 10:26 | 20261123-0900/1   | false | Retry trips-20261123-0900-2",
      "unblocked while backing off| 10:25 | Idle            | 0 | 10:26 | 20261123-0900/3   | true  | Unblock trips-20261123-0900-4",
      "window done, next tick    | 10:25 | Idle             | 0 | -     | done              | false | Idle",
  })
  void plans(String situation, String now, String phase, int failures, String retry, String last, boolean unblocked,
      String expected) {
    FeatureJobSpec spec = PolicyFixtures.hourly();
    spec.suspend = "suspend".equals(phase.trim());
    Draft d = draft(spec, status(failures), at(now));
    d.status.phase = "-".equals(phase.trim()) || "suspend".equals(phase.trim()) ? Phase.Idle : Phase.valueOf(phase.trim());
    d.status.nextRunTime = "-".equals(retry) ? null : at(retry).toString();
    if ("done".equals(last)) {
      d.status.lastSuccessfulWindowEnd = "2026-11-23T10:00:00Z";
    } else if (!"-".equals(last)) {
      HistoryEntry h = new HistoryEntry();
      h.runId = last.split("/")[0];
      h.attempt = Integer.parseInt(last.split("/")[1]);
      d.status.history = new ArrayList<>(List.of(h));
    }
    LaunchPlanning.decide(d, unblocked, false);
    String outcome = d.launch != null ? d.launch.trigger() + " " + d.launch.podName() : d.status.phase.name();
    assertEquals(expected, outcome);
    if (d.launch != null) {
      assertEquals(d.launch.podName(), d.status.currentAttempt.podName, "the attempt is recorded before its pod exists");
    }
  }

  static Instant at(String hhmm) {
    return Instant.parse("2026-11-23T" + hhmm + ":00Z");
  }
}
