package io.featurejob.operator.policy;

import io.featurejob.operator.api.FeatureJobStatus;
import io.featurejob.operator.classify.Redactor;
import io.featurejob.operator.events.EventReason;
import java.time.Duration;
import java.util.List;

/**
 * What a reconcile that failed with an unexpected error records instead of going silent: the status as
 * it was plus the condition {@code ReconcileError=True} (reason: the exception's class, message: its
 * text, scrubbed and truncated), one Warning event naming it, and a next look in {@link #RETRY}. The
 * next reconcile that passes sets the condition False (see Decider). Pure.
 */
public final class ReconcileFailure {
  /** A bug or a corrupt object does not heal in seconds; a minute keeps the job looked at without a hot loop. */
  public static final Duration RETRY = Duration.ofMinutes(1);

  private ReconcileFailure() {}

  public static Decision decide(JobRef job, FeatureJobStatus previous, Throwable error, java.time.Instant now) {
    FeatureJobStatus status = StatusCopy.of(previous);
    String kind = error.getClass().getSimpleName();
    String message = Redactor.redact(kind + ": " + error.getMessage());
    Conditions.set(status, Conditions.RECONCILE_ERROR, true, kind, message, now, job.generation());
    Decision.Event event = new Decision.Event(EventReason.ReconcileError,
        "reconcile failed, retrying in " + RETRY.toMinutes() + "m: " + message);
    return new Decision(status, null, List.of(), List.of(event), List.of(), RETRY, now.plus(RETRY));
  }
}
