package io.featurejob.operator.demo;

import java.time.Duration;

/**
 * What one simulated Spark driver does once its executors run. Durations count from the moment
 * all executors are Running (a Spark job makes no progress without them), in real time.
 */
public sealed interface DriverBehaviour {

  /** Driver exits 0: container terminated Completed, pod Succeeded. */
  record Succeed(Duration after) implements DriverBehaviour {}

  /** Driver exits non-zero: container terminated Error with the log tail as its message. */
  record Fail(Duration after, int exitCode, String terminationMessage) implements DriverBehaviour {}

  /** The driver container is killed by the kernel OOM killer: OOMKilled, exit 137. */
  record DriverOomKilled(Duration after) implements DriverBehaviour {}

  /** Executor 1 is OOMKilled; the driver then aborts the job naming the lost executor. */
  record ExecutorOomThenFail(Duration after) implements DriverBehaviour {}

  /** The image cannot be pulled: ErrImagePull, then ImagePullBackOff; the pod stays Pending. */
  record ImagePullBackOff() implements DriverBehaviour {}

  /**
   * A spot node is reclaimed (graceful node shutdown): the driver's node if the driver runs on
   * spot, else the node of executor 1. Its pods fail with DisruptionTarget; a surviving driver
   * then fails with {@code ExecutorLostFailure}.
   */
  record SpotInterruption(Duration after) implements DriverBehaviour {}

  /** Never finishes; for run timeouts and operator restarts. */
  record RunForever() implements DriverBehaviour {}

  static DriverBehaviour succeedAfter(Duration after) {
    return new Succeed(after);
  }

  static DriverBehaviour failAfter(Duration after, int exitCode, String terminationMessage) {
    return new Fail(after, exitCode, terminationMessage);
  }

  static DriverBehaviour oomKilled(Duration after) {
    return new DriverOomKilled(after);
  }

  static DriverBehaviour executorOomThenFail(Duration after) {
    return new ExecutorOomThenFail(after);
  }

  static DriverBehaviour imagePullBackOff() {
    return new ImagePullBackOff();
  }

  static DriverBehaviour spotInterruption(Duration after) {
    return new SpotInterruption(after);
  }

  static DriverBehaviour runForever() {
    return new RunForever();
  }
}
