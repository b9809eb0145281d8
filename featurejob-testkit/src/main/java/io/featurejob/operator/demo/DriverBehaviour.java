package io.featurejob.operator.demo;

import java.time.Duration;
import java.time.Instant;
import java.util.function.Function;

/**
 * What one simulated Spark driver does once its executors run. Durations count from the moment
 * all executors are Running (a Spark job makes no progress without them), in real time.
 */
public sealed interface DriverBehaviour {

  /** Driver exits 0: container terminated Completed, pod Succeeded. */
  record Succeed(Duration after) implements DriverBehaviour {}

  /**
   * Driver exits non-zero: container terminated Error. {@code log} gives what spark-submit printed,
   * given the time it exits; its termination message is what the driver entrypoint makes of it.
   */
  record Fail(Duration after, int exitCode, Function<Instant, String> log) implements DriverBehaviour {}

  /** The driver container is killed by the kernel OOM killer: OOMKilled, exit 137. */
  record DriverOomKilled(Duration after) implements DriverBehaviour {}

  /** Executor 1 is OOMKilled; the driver then aborts the job naming the lost executor. */
  record ExecutorOomThenFail(Duration after) implements DriverBehaviour {}

  /** The image cannot be pulled: ErrImagePull, then ImagePullBackOff; the pod stays Pending. */
  record ImagePullBackOff() implements DriverBehaviour {}

  /**
   * A spot node is reclaimed: the driver's node if the driver runs on spot, else the node of the
   * first executor on spot. Its pods get a DisruptionTarget condition; a surviving driver then
   * fails with {@code ExecutorLostFailure}. How the node goes decides what the victims show.
   */
  record SpotInterruption(Duration after, Reclaim how) implements DriverBehaviour {}

  /** How a reclaimed node takes its pods with it. */
  enum Reclaim {
    /**
     * Graceful node shutdown: DisruptionTarget reason TerminationByKubelet, pod Failed with
     * reason Terminated, containers exit 143. The pods stay.
     */
    NODE_SHUTDOWN,
    /**
     * The node disappears and gets a NoExecute taint: DisruptionTarget reason
     * DeletionByTaintManager on the still-running pods, which are then deleted.
     */
    TAINT_MANAGER
  }

  /**
   * The driver's own node shuts down gracefully, whatever its pool (an on-demand node drained for an
   * upgrade): the driver and its executors on that node end as in {@link Reclaim#NODE_SHUTDOWN}.
   */
  record DriverNodeShutdown(Duration after) implements DriverBehaviour {}

  /** Never finishes; for run timeouts and operator restarts. */
  record RunForever() implements DriverBehaviour {}

  static DriverBehaviour succeedAfter(Duration after) {
    return new Succeed(after);
  }

  /** Fails printing {@code log} (a few lines, or a whole driver log). */
  static DriverBehaviour failAfter(Duration after, int exitCode, String log) {
    return new Fail(after, exitCode, at -> log);
  }

  /** Fails printing the log {@code log} makes for the moment the driver exits. */
  static DriverBehaviour failAfter(Duration after, int exitCode, Function<Instant, String> log) {
    return new Fail(after, exitCode, log);
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

  /** Spot reclaim by graceful node shutdown (see {@link Reclaim#NODE_SHUTDOWN}). */
  static DriverBehaviour spotInterruption(Duration after) {
    return new SpotInterruption(after, Reclaim.NODE_SHUTDOWN);
  }

  /** Spot reclaim where the taint manager evicts the pods (see {@link Reclaim#TAINT_MANAGER}). */
  static DriverBehaviour spotInterruptionByTaintManager(Duration after) {
    return new SpotInterruption(after, Reclaim.TAINT_MANAGER);
  }

  static DriverBehaviour runForever() {
    return new RunForever();
  }
}
