package io.featurejob.operator.demo;

import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.PodStatus;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * The log lines Spark 3.5 prints in the situations the simulation plays, in Spark's own wording
 * (log4j pattern {@code yy/MM/dd HH:mm:ss LEVEL Class: message}); they end up in termination
 * messages through FallbackToLogsOnError.
 */
final class SparkLogs {
  private SparkLogs() {}

  private static final DateTimeFormatter LOG_TIME =
      DateTimeFormatter.ofPattern("yy/MM/dd HH:mm:ss").withZone(ZoneOffset.UTC);

  /** Spark's ExecutorPodsLifecycleManager.describeExitCode. */
  static String describeExitCode(int code) {
    String human = switch (code) {
      case 0 -> "(success)";
      case 1 -> "(generic, look at logs to clarify)";
      case 42 -> "(douglas adams)";
      case 10, 50 -> "(Uncaught exception)";
      case 52 -> "(JVM OOM)";
      case 53 -> "(DiskStore failed to create temp dir)";
      case 126 -> "(not executable - possibly perm or arch)";
      case 137 -> "(SIGKILL, possible container OOM)";
      case 139 -> "(SIGSEGV: that's unexpected)";
      case 255 -> "(exit-1, your guess is as good as mine)";
      default -> "(unexpected)";
    };
    return code + human;
  }

  /**
   * The driver's last words after an executor pod failed: the TaskSchedulerImpl error, then the
   * job abort with {@code ExecutorLostFailure}, as spark-submit prints them before exiting 1.
   */
  static String jobAbortedByLostExecutor(Instant now, int executorId, String executorIp, PodStatus executor) {
    return jobAborted(now, executorId, executorIp, exitReason(executorId, executor), true);
  }

  /** The same, for an executor pod that was deleted (e.g. by the taint manager). */
  static String jobAbortedByDeletedExecutor(Instant now, int executorId, String executorIp) {
    return jobAborted(now, executorId, executorIp,
        "The executor with id " + executorId + " was deleted by a user or the framework.\n", false);
  }

  private static String jobAborted(Instant now, int executorId, String executorIp, String reason, boolean byApp) {
    String t = LOG_TIME.format(now);
    String lost = "ExecutorLostFailure (executor " + executorId + " exited "
        + (byApp ? "caused by one of the running tasks" : "unrelated to the running tasks") + ") Reason: \n";
    return t + " ERROR TaskSchedulerImpl: Lost executor " + executorId + " on " + executorIp + ":\n" + reason
        + t + " WARN TaskSetManager: Lost task 3.0 in stage 2.0 (TID 11) (" + executorIp + " executor "
        + executorId + "): " + lost + reason
        + t + " ERROR TaskSetManager: Task 3 in stage 2.0 failed 4 times; aborting job\n"
        + "Exception in thread \"main\" org.apache.spark.SparkException: Job aborted due to stage failure:"
        + " Task 3 in stage 2.0 failed 4 times, most recent failure: Lost task 3.3 in stage 2.0 (TID 23) ("
        + executorIp + " executor " + executorId + "): " + lost + reason
        + "Driver stacktrace:\n"
        + "\tat org.apache.spark.scheduler.DAGScheduler.failJobAndIndependentStages(DAGScheduler.scala:2856)\n"
        + "\tat org.apache.spark.scheduler.DAGScheduler.$anonfun$abortStage$2(DAGScheduler.scala:2792)\n"
        + t + " INFO SparkContext: Successfully stopped SparkContext";
  }

  /** Spark's ExecutorPodsLifecycleManager.exitReasonMessage for a failed executor pod. */
  private static String exitReason(int executorId, PodStatus executor) {
    ContainerStatus container = executor.getContainerStatuses().get(0);
    ContainerStateTerminated terminated = container.getState().getTerminated();
    StringBuilder reason = new StringBuilder()
        .append("The executor with id ").append(executorId).append(" exited with exit code ")
        .append(describeExitCode(terminated.getExitCode())).append(".\n");
    if (executor.getReason() != null) {
      reason.append("The API gave the following brief reason: ").append(executor.getReason()).append('\n');
    }
    if (executor.getMessage() != null) {
      reason.append("The API gave the following message: ").append(executor.getMessage()).append('\n');
    }
    reason.append("\nThe API gave the following container statuses:\n\n")
        .append("\n\t container name: ").append(container.getName())
        .append("\n\t container image: ").append(container.getImage())
        .append("\n\t container state: terminated")
        .append("\n\t container started at: ").append(terminated.getStartedAt())
        .append("\n\t container finished at: ").append(terminated.getFinishedAt())
        .append("\n\t exit code: ").append(terminated.getExitCode())
        .append("\n\t termination reason: ").append(terminated.getReason()).append('\n');
    return reason.toString();
  }

  /** A JVM killed by the kernel OOM killer leaves no error behind: its log just stops. */
  static String killedMidTask(Instant now, String who) {
    String t = LOG_TIME.format(now);
    return t + " INFO " + who + ": Running task 5.0 in stage 2.0 (TID 13)\n"
        + t + " INFO ShuffleBlockFetcherIterator: Getting 64 (212.4 MiB) non-empty blocks including 16 (53.1 MiB)"
        + " local and 0 (0.0 B) host-local and 0 (0.0 B) push-merged-local and 48 (159.3 MiB) remote blocks";
  }

  /** An executor receiving SIGTERM when its node shuts down. */
  static String executorSigterm(Instant now) {
    String t = LOG_TIME.format(now);
    return t + " ERROR CoarseGrainedExecutorBackend: RECEIVED SIGNAL TERM\n"
        + t + " INFO MemoryStore: MemoryStore cleared\n"
        + t + " INFO BlockManager: BlockManager stopped\n"
        + t + " INFO ShutdownHookManager: Shutdown hook called";
  }

  /** A driver receiving SIGTERM when its node shuts down (only executors log the signal itself). */
  static String driverSigterm(Instant now) {
    String t = LOG_TIME.format(now);
    return t + " INFO SparkContext: Invoking stop() from shutdown hook\n"
        + t + " INFO KubernetesClusterSchedulerBackend: Shutting down all executors\n"
        + t + " INFO SparkContext: Successfully stopped SparkContext\n"
        + t + " INFO ShutdownHookManager: Shutdown hook called";
  }
}
