package io.featurejob.operator.policy;

import io.featurejob.operator.api.FeatureJobStatus;
import io.featurejob.operator.api.Phase;
import java.time.Instant;
import java.util.Optional;

/**
 * {@code kubectl annotate fj NAME featurejob.io/run-now=<token>}: one extra run, now, for any job.
 * Each new token is honoured once (status.lastRunNowToken). The run materializes what is due if
 * anything is (a backing-off job retries now), else the newest complete window again; its trigger is
 * {@code RunNow} in status and history. Unlike unblock it keeps the failure count and the schedule.
 */
public final class RunNow {
  private RunNow() {}

  /** What a new token does: launch now or not, and the event message saying so. */
  public record Verdict(boolean launch, String message) {}

  /** @return empty when there is no new token */
  public static Optional<Verdict> consider(String token, FeatureJobStatus status, ResolvedSpec spec) {
    if (token == null || token.equals(status.lastRunNowToken)) {
      return Optional.empty();
    }
    String request = "run-now " + token + ": ";
    if (status.currentAttempt != null) {
      return Optional.of(new Verdict(false, request + "an attempt is already running (" + status.currentAttempt.podName
          + "); no extra run"));
    }
    if (spec.suspend()) {
      return Optional.of(new Verdict(false, request + "the job is suspended; no run"));
    }
    if (status.phase == Phase.PermanentlyFailed) {
      return Optional.of(new Verdict(false, request + "the job is PermanentlyFailed; use featurejob.io/unblock"));
    }
    return Optional.of(new Verdict(true, request + "running now"));
  }

  /** The newest complete window {@code [tick before, newest tick)}, for a job with nothing due. */
  public static Optional<RunWindow> newestWindow(Schedule schedule, Instant now) {
    return schedule.tickAtOrBefore(now)
        .flatMap(end -> schedule.tickBefore(end).map(start -> new RunWindow(start, end, 1, 0)));
  }
}
