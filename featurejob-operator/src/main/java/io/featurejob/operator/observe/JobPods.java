package io.featurejob.operator.observe;

import java.time.Instant;
import java.util.List;

/**
 * One look at a job's pods, reduced for one decision by {@link PodsObserver}. Pure data.
 *
 * @param attempt what the attempt in flight shows ({@link Observation.Orphan} or {@link Observation.NoPod}
 *     when the status records none)
 * @param attemptPodUid the UID of the attempt's pod when it was seen (the fact "it was created"), else null
 * @param others the job's own driver pods besides the attempt's (candidates for clean-up)
 * @param ignored pods with the job's labels the operator leaves alone, each with the reason (for a Warning)
 */
public record JobPods(Observation attempt, String attemptPodUid, List<DriverPod> others, List<IgnoredPod> ignored) {

  /** A driver pod controlled by the job. {@code deleting}: its deletion has begun (deletionTimestamp set). */
  public record DriverPod(String name, Instant created, boolean finished, boolean deleting) {}

  public record IgnoredPod(String name, String why) {}

  /** Only the attempt's observation: no other pods. */
  public static JobPods of(Observation attempt) {
    return new JobPods(attempt, null, List.of(), List.of());
  }

  public JobPods withAttempt(Observation observation) {
    return new JobPods(observation, attemptPodUid, others, ignored);
  }
}
