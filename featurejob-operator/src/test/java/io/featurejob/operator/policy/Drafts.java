package io.featurejob.operator.policy;

import io.featurejob.operator.api.Attempt;
import io.featurejob.operator.api.FeatureJobSpec;
import io.featurejob.operator.api.FeatureJobStatus;
import io.featurejob.operator.events.EventReason;
import java.time.Instant;
import java.util.List;

/** Drafts for the table tests of the decision parts: the hourly job of PolicyFixtures at a given instant. */
final class Drafts {
  private Drafts() {}

  static Draft draft(FeatureJobSpec spec, FeatureJobStatus status, Instant now) {
    Draft d = new Draft(PolicyFixtures.job(), status, now, (job, run, attempt) -> job + "-" + run + "-" + attempt);
    d.spec = PolicyFixtures.RESOLVER.resolve(spec).spec();
    if (d.status.consecutiveFailures == null) {
      d.status.consecutiveFailures = 0;
    }
    return d;
  }

  static FeatureJobStatus status(int failures) {
    FeatureJobStatus s = new FeatureJobStatus();
    s.consecutiveFailures = failures;
    return s;
  }

  static Attempt attempt(String started) {
    Attempt a = new Attempt();
    a.runId = "20261123-0900";
    a.attempt = 1;
    a.podName = "trips-20261123-0900-1";
    a.windowStart = "2026-11-23T09:00:00Z";
    a.windowEnd = "2026-11-23T10:00:00Z";
    a.startTime = started;
    return a;
  }

  static List<EventReason> reasons(Draft d) {
    return d.events.stream().map(Decision.Event::reason).toList();
  }
}
