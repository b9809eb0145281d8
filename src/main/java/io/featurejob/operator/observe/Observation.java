package io.featurejob.operator.observe;

import io.featurejob.operator.classify.Classification;
import java.time.Instant;

/**
 * What Kubernetes shows about the current attempt, reduced to the facts the policy needs. Built from
 * the driver pod and its executor pods by {@link AttemptObserver}; pure data, no client.
 */
public sealed interface Observation {

  /** No driver pod with the attempt's name exists (never created, or deleted mid-run). */
  record NoPod() implements Observation {}

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
