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

  // The shape of a PySpark job whose JDBC load fails, from the captured real run (demo/spark-corpus,
  // case permission-revoked: Spark 3.5.9, PostgreSQL 15, pgjdbc 42.7), paths as in an image's /opt/app.
  /** The Python traceback down to the Py4J call. */
  private static final String[] JDBC_LOAD_TRACEBACK = {
    "Traceback (most recent call last):",
    "  File \"/opt/app/trips_hourly.py\", line 16, in <module>",
    "    trips = read_table(spark, table)",
    "            ^^^^^^^^^^^^^^^^^^^^^^^^",
    "  File \"/opt/app/trips_jdbc.py\", line 12, in read_table",
    "    .load())",
    "     ^^^^^^",
    "  File \"/opt/spark/python/lib/pyspark.zip/pyspark/sql/readwriter.py\", line 314, in load",
    "  File \"/opt/spark/python/lib/py4j-0.10.9.7-src.zip/py4j/java_gateway.py\", line 1322, in __call__",
    "  File \"/opt/spark/python/lib/pyspark.zip/pyspark/errors/exceptions/captured.py\", line 179, in deco",
    "  File \"/opt/spark/python/lib/py4j-0.10.9.7-src.zip/py4j/protocol.py\", line 326, in get_return_value",
  };
  /** The Java frames under the driver's exception. */
  private static final String[] JDBC_LOAD_FRAMES = {
    "\tat org.postgresql.core.v3.QueryExecutorImpl.receiveErrorResponse(QueryExecutorImpl.java:2993)",
    "\tat org.postgresql.core.v3.QueryExecutorImpl.processResults(QueryExecutorImpl.java:2656)",
    "\tat org.postgresql.core.v3.QueryExecutorImpl.execute(QueryExecutorImpl.java:446)",
    "\tat org.postgresql.jdbc.PgStatement.executeInternal(PgStatement.java:533)",
    "\tat org.postgresql.jdbc.PgStatement.execute(PgStatement.java:449)",
    "\tat org.postgresql.jdbc.PgPreparedStatement.executeWithFlags(PgPreparedStatement.java:197)",
    "\tat org.postgresql.jdbc.PgPreparedStatement.executeQuery(PgPreparedStatement.java:140)",
    "\tat org.apache.spark.sql.execution.datasources.jdbc.JDBCRDD$.getQueryOutputSchema(JDBCRDD.scala:68)",
    "\tat org.apache.spark.sql.execution.datasources.jdbc.JDBCRDD$.resolveTable(JDBCRDD.scala:58)",
    "\tat org.apache.spark.sql.execution.datasources.jdbc.JDBCRelation$.getSchema(JDBCRelation.scala:241)",
    "\tat org.apache.spark.sql.execution.datasources.jdbc.JdbcRelationProvider.createRelation(JdbcRelationProvider.scala:37)",
    "\tat org.apache.spark.sql.execution.datasources.DataSource.resolveRelation(DataSource.scala:346)",
    "\tat org.apache.spark.sql.DataFrameReader.loadV1Source(DataFrameReader.scala:229)",
    "\tat org.apache.spark.sql.DataFrameReader.$anonfun$load$2(DataFrameReader.scala:211)",
    "\tat scala.Option.getOrElse(Option.scala:189)",
    "\tat org.apache.spark.sql.DataFrameReader.load(DataFrameReader.scala:211)",
    "\tat org.apache.spark.sql.DataFrameReader.load(DataFrameReader.scala:172)",
    "\tat java.base/jdk.internal.reflect.NativeMethodAccessorImpl.invoke0(Native Method)",
    "\tat java.base/jdk.internal.reflect.NativeMethodAccessorImpl.invoke(NativeMethodAccessorImpl.java:77)",
    "\tat java.base/jdk.internal.reflect.DelegatingMethodAccessorImpl.invoke(DelegatingMethodAccessorImpl.java:43)",
    "\tat java.base/java.lang.reflect.Method.invoke(Method.java:569)",
    "\tat py4j.reflection.MethodInvoker.invoke(MethodInvoker.java:244)",
    "\tat py4j.reflection.ReflectionEngine.invoke(ReflectionEngine.java:374)",
    "\tat py4j.Gateway.invoke(Gateway.java:282)",
    "\tat py4j.commands.AbstractCommand.invokeMethod(AbstractCommand.java:132)",
    "\tat py4j.commands.CallCommand.execute(CallCommand.java:79)",
    "\tat py4j.ClientServerConnection.waitForCommands(ClientServerConnection.java:182)",
    "\tat py4j.ClientServerConnection.run(ClientServerConnection.java:106)",
    "\tat java.base/java.lang.Thread.run(Thread.java:840)",
  };
  /** Spark's shutdown hook after the Python driver exited (each line after the time stamp). */
  private static final String[] SHUTDOWN_HOOK = {
    "INFO SparkContext: Invoking stop() from shutdown hook",
    "INFO SparkContext: SparkContext is stopping with exitCode 0.",
    "INFO MapOutputTrackerMasterEndpoint: MapOutputTrackerMasterEndpoint stopped!",
    "INFO MemoryStore: MemoryStore cleared",
    "INFO BlockManager: BlockManager stopped",
    "INFO BlockManagerMaster: BlockManagerMaster stopped",
    "INFO OutputCommitCoordinator$OutputCommitCoordinatorEndpoint: OutputCommitCoordinator stopped!",
    "INFO SparkContext: Successfully stopped SparkContext",
    "INFO ShutdownHookManager: Shutdown hook called",
    "INFO ShutdownHookManager: Deleting directory /tmp/spark-eb3f1404-2a56-4c54-9506-9317161821e1",
    "INFO ShutdownHookManager: Deleting directory /tmp/spark-5aa88163-1f8c-4354-a246-0eff933d84df",
    "INFO ShutdownHookManager: Deleting directory /tmp/spark-eb3f1404-2a56-4c54-9506-9317161821e1/pyspark-fb3709d1-0b74-4959-8804-62732c7dfcfe",
  };

  /**
   * The end of the log of a PySpark job whose JDBC load threw {@code javaException} (e.g.
   * "org.postgresql.util.PSQLException: ERROR: permission denied for table trips"), as the real run
   * printed it: the traceback, Py4J's error, the exception and 30 Java frames, a blank line and 12
   * lines of Spark's shutdown hook. 43 lines (about 3.4 KiB) follow the exception, out of
   * reach of the kubelet's FallbackToLogsOnError tail.
   */
  static String pysparkJdbcLoadFailed(Instant now, String javaException) {
    String t = LOG_TIME.format(now);
    StringBuilder log = new StringBuilder();
    for (String line : JDBC_LOAD_TRACEBACK) {
      log.append(line).append('\n');
    }
    log.append("py4j.protocol.Py4JJavaError: An error occurred while calling o37.load.").append('\n');
    log.append(": ").append(javaException).append('\n');
    for (String line : JDBC_LOAD_FRAMES) {
      log.append(line).append('\n');
    }
    log.append('\n');
    for (String line : SHUTDOWN_HOOK) {
      log.append(t).append(' ').append(line).append('\n');
    }
    return log.toString();
  }
}
