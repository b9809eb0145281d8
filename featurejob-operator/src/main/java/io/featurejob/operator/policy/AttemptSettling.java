package io.featurejob.operator.policy;

import io.featurejob.operator.api.Attempt;
import io.featurejob.operator.api.FailureClass;
import io.featurejob.operator.api.Times;
import io.featurejob.operator.classify.Classification;
import io.featurejob.operator.observe.Observation;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * What became of the attempt in flight, from what its pods show: success, a classified failure (its
 * own, or one of the operator's deadlines: scheduling timeout, run timeout), still running until a
 * deadline, or not created yet. Pure; one row per observation shape in AttemptSettlingTest.
 */
final class AttemptSettling {
  private AttemptSettling() {}

  sealed interface Settlement {}

  record Succeeded(Instant finishedAt) implements Settlement {}

  /** {@code stopPod}: the pod is still there and must be deleted (stuck, timed out). */
  record Failed(Classification classification, Instant finishedAt, boolean stopPod) implements Settlement {}

  /** Nothing to settle before {@code deadline}. */
  record StillRunning(Instant deadline) implements Settlement {}

  /** The attempt was recorded but its pod never created: create it now (it starts now). */
  record Create(Instant deadline) implements Settlement {}

  static Settlement settle(Attempt a, Observation observation, ResolvedSpec spec, Instant now) {
    return settle(a, observation, spec, now, spec.capacity().schedulingTimeout());
  }

  /** @param schedulingTimeout the spec's, or shorter while the pool is short ({@link CapacityAwareness}) */
  static Settlement settle(Attempt a, Observation observation, ResolvedSpec spec, Instant now,
      Duration schedulingTimeout) {
    Instant started = Objects.requireNonNullElse(Times.parse(a.startTime), now);
    Instant timeoutAt = started.plus(spec.runTimeout());
    if (observation instanceof Observation.Succeeded s) {
      return new Succeeded(Objects.requireNonNullElse(s.finishedAt(), now));
    }
    if (observation instanceof Observation.Failed f) {
      // podActive: e.g. stuck in ImagePullBackOff, it would never end by itself
      return new Failed(f.classification(), Objects.requireNonNullElse(f.finishedAt(), now), f.podActive());
    }
    if (observation instanceof Observation.Pending p) {
      Instant since = Objects.requireNonNullElse(p.since(), started);
      Instant unschedulableDeadline = since.plus(schedulingTimeout);
      if (!now.isBefore(unschedulableDeadline)) {
        return new Failed(Messages.schedulingTimeout(since, now, schedulingTimeout, p.message()), now, true);
      }
      return now.isBefore(timeoutAt) ? new StillRunning(Draft.earliest(unschedulableDeadline, timeoutAt))
          : new Failed(Messages.runTimeout(started, now, spec.runTimeout()), now, true);
    }
    if (observation instanceof Observation.Running r) {
      Instant blockedSince = r.executorsUnschedulableSince();
      Instant unschedulableDeadline = blockedSince == null ? null : blockedSince.plus(schedulingTimeout);
      if (unschedulableDeadline != null && !now.isBefore(unschedulableDeadline)) {
        return new Failed(Messages.executorsUnschedulable(blockedSince, now, schedulingTimeout, r.executorsMessage()),
            now, true);
      }
      return now.isBefore(timeoutAt) ? new StillRunning(Draft.earliest(unschedulableDeadline, timeoutAt))
          : new Failed(Messages.runTimeout(started, now, spec.runTimeout()), now, true);
    }
    if (observation instanceof Observation.NeverCreated) {
      return new Create(Draft.earliest(now.plus(schedulingTimeout), now.plus(spec.runTimeout())));
    }
    if (observation instanceof Observation.Rejected r) {
      return new Failed(new Classification(FailureClass.ConfigError, "builtin:pod-rejected",
          "pod create returned HTTP " + r.code(), Messages.rejected(a, r.message()), null, null), now, false);
    }
    if (observation instanceof Observation.NotOurs n) {
      return new Failed(new Classification(FailureClass.ConfigError, "builtin:pod-name-taken",
          "pod " + n.podName() + " exists with " + n.owner(), Messages.nameTaken(n.podName()), null, null), now, false);
    }
    // NoPod (an Orphan was adopted before settling): the driver vanished mid-run.
    return new Failed(new Classification(FailureClass.PodDeleted, "builtin:pod-vanished",
        "driver pod " + a.podName + " no longer exists", Messages.vanished(a), null, null), now, false);
  }
}
