package io.featurejob.operator.demo;

import java.time.Duration;

/**
 * How long the simulated steps take, in real time. Short by default so tests and the demo move
 * quickly; the order of events is the same at any speed.
 *
 * @param scheduling from pod creation (or capacity returning) to the scheduler's decision
 * @param containerStart from binding to the container running (sandbox, image pull, JVM start)
 * @param imagePullBackOff from ErrImagePull to ImagePullBackOff
 * @param executorLossNoticed from an executor dying to the driver aborting the job
 * @param defaultRun how long a driver without a script runs before succeeding
 */
public record KubeletTimings(
    Duration scheduling,
    Duration containerStart,
    Duration imagePullBackOff,
    Duration executorLossNoticed,
    Duration defaultRun) {

  public static KubeletTimings defaults() {
    return new KubeletTimings(
        Duration.ofMillis(100), Duration.ofMillis(300), Duration.ofSeconds(1), Duration.ofSeconds(1),
        Duration.ofSeconds(1));
  }
}
