package io.featurejob.operator.policy;

import io.featurejob.operator.api.GoDuration;
import io.featurejob.operator.api.Times;
import java.time.Instant;

/** The Fresh condition: is the newest materialized data younger than freshnessSLO, and until when. */
final class Freshness {
  private Freshness() {}

  /** When the newest materialized data becomes older than the SLO. */
  static Instant staleAt(Draft d) {
    Instant basis = d.spec.isOneOff() ? Times.parse(d.status.lastSuccessTime)
        : Times.parse(d.status.lastSuccessfulWindowEnd);
    if (basis == null) {
      // Never succeeded: the first window's data is owed from the job's creation on.
      basis = d.job.createdAt();
    }
    return basis.plus(d.spec.freshnessSLO());
  }

  /** Sets the condition; while fresh, the decision wakes when it goes stale. */
  static void update(Draft d) {
    if (d.spec.isOneOff() && d.status.lastSuccessTime != null) {
      d.condition(Conditions.FRESH, true, "Completed", "one-off run completed");
      return;
    }
    Instant staleAt = staleAt(d);
    boolean neverSucceeded = d.status.lastSuccessTime == null;
    boolean fresh = d.now.isBefore(staleAt);
    String reason = fresh ? (neverSucceeded ? "NotYetDue" : "WithinSLO") : (neverSucceeded ? "NeverSucceeded" : "Stale");
    d.condition(Conditions.FRESH, fresh, reason, (fresh ? "fresh until " : "stale since ") + Times.format(staleAt)
        + " (freshnessSLO " + GoDuration.format(d.spec.freshnessSLO()) + ")");
    if (fresh) {
      d.wake(staleAt);
    }
  }
}
