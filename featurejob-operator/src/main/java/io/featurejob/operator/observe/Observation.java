package io.featurejob.operator.observe;

import io.featurejob.operator.api.Attempt;
import io.featurejob.operator.classify.Classification;
import java.time.Instant;

/**
 * What Kubernetes shows about the current attempt, reduced to the facts the policy needs. Built from
 * the driver pod and its executor pods by {@link AttemptObserver}; pure data, no client.
 */
public sealed interface Observation {

  /**
   * No driver pod with the attempt's name exists, and the attempt's pod was seen before (its UID is
   * recorded): it was deleted mid-run. Also what a job without an attempt in flight observes.
   */
  record NoPod() implements Observation {}

  /**
   * The attempt is recorded but its pod was never seen and does not exist: the operator stopped (or its
   * create failed) between recording the attempt and creating the pod. Decided by the recorded UID, not
   * by how long ago the attempt was recorded: a slow restart is not a deleted run.
   */
  record NeverCreated() implements Observation {}

  /**
   * The API server refused to create the attempt's pod for a reason retrying cannot fix (validation,
   * admission); {@code code} is the HTTP status. Transient refusals (429, 5xx, quota) never get here.
   */
  record Rejected(int code, String message) implements Observation {}

  /**
   * A pod with the attempt's name exists but is not controlled by this job (no owner, another owner, or
   * an earlier job of the same name): it is not the attempt, whatever it reports.
   */
  record NotOurs(String podName, String owner) implements Observation {}

  /**
   * The status records no attempt in flight, but a driver pod of this job that the history does not know
   * exists (the operator stopped between creating it and recording it): it becomes the attempt.
   */
  record Orphan(Attempt attempt, Observation observed) implements Observation {}

  /** The driver pod is not running yet. {@code unschedulable} = PodScheduled=False/Unschedulable. */
  record Pending(Instant since, boolean unschedulable, String message) implements Observation {}

  /**
   * The driver runs. {@code executorsUnschedulableSince} is the time since which at least one executor
   * has been unschedulable (null when none is), so a spot shortage shows even though the driver runs.
   */
  record Running(Instant startedAt, Instant executorsUnschedulableSince, String executorsMessage)
      implements Observation {}

  record Succeeded(Instant finishedAt) implements Observation {}

  /**
   * The attempt failed. {@code podActive} is true when the pod has not terminated by itself (e.g.
   * stuck in ImagePullBackOff) and must be deleted by the operator.
   */
  record Failed(Instant finishedAt, Classification classification, boolean podActive) implements Observation {}
}
