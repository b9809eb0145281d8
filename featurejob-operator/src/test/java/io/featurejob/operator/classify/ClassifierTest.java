package io.featurejob.operator.classify;

import static io.featurejob.operator.classify.TestPods.DRIVER_CONTAINER;
import static io.featurejob.operator.classify.TestPods.condition;
import static io.featurejob.operator.classify.TestPods.disruptedDriver;
import static io.featurejob.operator.classify.TestPods.driver;
import static io.featurejob.operator.classify.TestPods.executor;
import static io.featurejob.operator.classify.TestPods.failedDriver;
import static io.featurejob.operator.classify.TestPods.terminated;
import static io.featurejob.operator.classify.TestPods.waiting;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Pod;
import io.featurejob.operator.api.FailureClass;
import io.featurejob.operator.classify.Classification.MemoryTarget;
import io.featurejob.operator.classify.ClassificationRule.Component;
import io.featurejob.operator.classify.Evidence.Role;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ClassifierTest {

  // The four messages from the field (docs/design.md §5), verbatim.
  static final String FIELD_PSQL = "PSQLException: ERROR: permission denied for relation trips";
  static final String FIELD_CAPACITY = "AWS_INSUFFICIENT_INSTANCE_CAPACITY_FAILURE(CLIENT_ERROR): "
      + "aws_api_error_code:InsufficientInstanceCapacity, aws_error_message:There is no Spot capacity "
      + "available that matches your request.";
  static final String FIELD_S3 = "An error occurred while trying to determine the S3 bucket's region Access "
      + "Denied (Service: Amazon S3; Status Code: 403; Error Code: AccessDenied;";
  static final String FIELD_LOST_TASK = "Lost task 0.0 in stage 3.0 (TID 6) ( executor 2): "
      + "java.util.concurrent.ExecutionException: java.lang.IllegalArgumentException: Unsupported json type "
      + "for string: NUMBER";

  private final Classifier classifier = Classifier.defaults();

  static Stream<Arguments> fieldMessages() {
    return Stream.of(
        Arguments.of(FIELD_PSQL, FailureClass.PermissionDenied, "builtin:permission-denied"),
        Arguments.of(FIELD_CAPACITY, FailureClass.CapacityUnavailable, "builtin:insufficient-capacity"),
        Arguments.of(FIELD_S3, FailureClass.PermissionDenied, "builtin:permission-denied"),
        Arguments.of(FIELD_LOST_TASK, FailureClass.UserCodeError, "builtin:spark-task-failure"));
  }

  @ParameterizedTest(name = "field message as bare message -> {1}: {0}")
  @MethodSource("fieldMessages")
  void fieldMessagesClassifyAsDesigned(String message, FailureClass expected, String rule) {
    Classification c = classifier.classify(Evidence.fromMessage(message));
    assertEquals(expected, c.failureClass());
    assertEquals(rule, c.rule());
    assertEquals(message, c.message());
  }

  @ParameterizedTest(name = "field message in a driver's termination message -> {1}: {0}")
  @MethodSource("fieldMessages")
  void fieldMessagesInAFailedDriverPod(String message, FailureClass expected, String rule) {
    // As it arrives in the field: the last log lines of a driver that exited 1.
    String logTail = "25/03/01 10:29:58 INFO SparkContext: Successfully stopped SparkContext\n"
        + message + "\n"
        + "25/03/01 10:29:59 INFO ShutdownHookManager: Shutdown hook called";
    Classification c = classifier.classify(Evidence.fromPods(failedDriver("Error", 1, logTail), List.of()));
    assertEquals(expected, c.failureClass());
    assertEquals(rule, c.rule());
    assertEquals(1, c.exitCode());
  }

  static Stream<Arguments> podShapes() {
    Pod lostTaskDriver = failedDriver("Error", 1, FIELD_LOST_TASK);
    return Stream.of(
        // --- OutOfMemory
        row("driver OOMKilled exit 137", failedDriver("OOMKilled", 137, null), List.of(),
            FailureClass.OutOfMemory, "builtin:oom-killed", MemoryTarget.Driver),
        row("driver Spark exit 52", failedDriver("Error", 52, "Exception in thread main"), List.of(),
            FailureClass.OutOfMemory, "builtin:spark-oom-exit", MemoryTarget.Driver),
        row("driver OutOfMemoryError in message",
            failedDriver("Error", 1, "Exception in thread \"main\" java.lang.OutOfMemoryError: Java heap space"),
            List.of(), FailureClass.OutOfMemory, "builtin:oom-message", MemoryTarget.Driver),
        row("lost task with OOM is executor OOM, not user code",
            failedDriver("Error", 1, "Lost task 1.0 in stage 2.0 (TID 5) (10.0.0.5 executor 3): "
                + "java.lang.OutOfMemoryError: Java heap space"),
            List.of(), FailureClass.OutOfMemory, "builtin:executor-oom-message", MemoryTarget.Executor),
        row("Spark reports executor SIGKILL as possible container OOM",
            failedDriver("Error", 1, "The executor with id 3 exited with exit code 137(SIGKILL, possible container OOM)."),
            List.of(), FailureClass.OutOfMemory, "builtin:executor-oom-message", MemoryTarget.Executor),
        row("executor pod OOMKilled while driver reports lost task", lostTaskDriver,
            List.of(executor("trips-exec-2", "Failed").editStatus()
                .addToContainerStatuses(terminated("spark-kubernetes-executor", "OOMKilled", 137, null))
                .endStatus().build()),
            FailureClass.OutOfMemory, "builtin:oom-killed", MemoryTarget.Executor),
        // --- SpotInterruption
        row("DisruptionTarget TerminationByKubelet", disruptedDriver("TerminationByKubelet"), List.of(),
            FailureClass.SpotInterruption, "builtin:disruption-target", null),
        row("DisruptionTarget DeletionByTaintManager", disruptedDriver("DeletionByTaintManager"), List.of(),
            FailureClass.SpotInterruption, "builtin:disruption-target", null),
        row("DisruptionTarget EvictionByEvictionAPI", disruptedDriver("EvictionByEvictionAPI"), List.of(),
            FailureClass.SpotInterruption, "builtin:disruption-target", null),
        row("DisruptionTarget PreemptionByScheduler", disruptedDriver("PreemptionByScheduler"), List.of(),
            FailureClass.SpotInterruption, "builtin:disruption-target", null),
        row("DisruptionTarget DeletionByPodGC", disruptedDriver("DeletionByPodGC"), List.of(),
            FailureClass.SpotInterruption, "builtin:disruption-target", null),
        row("pod reason NodeShutdown", podReason("NodeShutdown"), List.of(),
            FailureClass.SpotInterruption, "builtin:node-shutdown", null),
        row("pod reason Terminated", podReason("Terminated"), List.of(),
            FailureClass.SpotInterruption, "builtin:node-shutdown", null),
        row("pod reason Shutdown", podReason("Shutdown"), List.of(),
            FailureClass.SpotInterruption, "builtin:node-shutdown", null),
        row("pod reason NodeLost", podReason("NodeLost"), List.of(),
            FailureClass.SpotInterruption, "builtin:node-shutdown", null),
        row("executor evicted with DisruptionTarget", lostTaskDriver,
            List.of(executor("trips-exec-1", "Running").build(),
                executor("trips-exec-2", "Failed").editStatus()
                    .withReason("Evicted")
                    .addToConditions(condition("DisruptionTarget", "True", "EvictionByEvictionAPI",
                        "Eviction API: evicting"))
                    .endStatus().build()),
            FailureClass.SpotInterruption, "builtin:disruption-target", null),
        row("executor lost to node shutdown", lostTaskDriver,
            List.of(executor("trips-exec-2", "Failed").editStatus().withReason("NodeShutdown")
                .withMessage("Pod was terminated in response to imminent node shutdown.").endStatus().build()),
            FailureClass.SpotInterruption, "builtin:node-shutdown", null),
        // --- ConfigError
        row("ImagePullBackOff", waitingDriver("ImagePullBackOff", "Back-off pulling image \"apache/spark:9.9\""),
            List.of(), FailureClass.ConfigError, "builtin:container-config", null),
        row("ErrImagePull", waitingDriver("ErrImagePull", "rpc error: code = NotFound"), List.of(),
            FailureClass.ConfigError, "builtin:container-config", null),
        row("InvalidImageName", waitingDriver("InvalidImageName", "couldn't parse image name \"apache/Spark::\""),
            List.of(), FailureClass.ConfigError, "builtin:container-config", null),
        row("CreateContainerConfigError",
            waitingDriver("CreateContainerConfigError", "secret \"db-creds\" not found"), List.of(),
            FailureClass.ConfigError, "builtin:container-config", null),
        row("CreateContainerError", waitingDriver("CreateContainerError", "failed to create containerd task"),
            List.of(), FailureClass.ConfigError, "builtin:container-config", null),
        row("init container ImagePullBackOff",
            driver("Pending").editStatus().addToInitContainerStatuses(waiting("fetch-deps", "ImagePullBackOff", null))
                .endStatus().build(),
            List.of(), FailureClass.ConfigError, "builtin:container-config", null),
        // --- CapacityUnavailable
        row("no Spot capacity", failedDriver("Error", 1, "There is no Spot capacity available"), List.of(),
            FailureClass.CapacityUnavailable, "builtin:insufficient-capacity", null),
        // --- PermissionDenied
        row("permission denied", failedDriver("Error", 1, "java.nio.file.AccessDeniedException: /data: Permission denied"),
            List.of(), FailureClass.PermissionDenied, "builtin:permission-denied", null),
        row("AccessDenied", failedDriver("Error", 1, "com.amazonaws.services.s3.model.AmazonS3Exception: AccessDenied"),
            List.of(), FailureClass.PermissionDenied, "builtin:permission-denied", null),
        row("Access Denied", failedDriver("Error", 1, "Access Denied for bucket features"),
            List.of(), FailureClass.PermissionDenied, "builtin:permission-denied", null),
        row("Status Code: 403", failedDriver("Error", 1, "S3Exception: (Service: S3, Status Code: 403, Request ID: X)"),
            List.of(), FailureClass.PermissionDenied, "builtin:permission-denied", null),
        row("Kubernetes RBAC Forbidden", failedDriver("Error", 1, "KubernetesClientException: Failure executing: "
                + "POST at: https://kubernetes.default.svc/api/v1/namespaces/ml/pods. Message: Forbidden! "
                + "User system:serviceaccount:ml:spark doesn't have permission."),
            List.of(), FailureClass.PermissionDenied, "builtin:permission-denied", null),
        row("not authorized", failedDriver("Error", 1, "User: arn:aws:sts::1:assumed-role/spark is not authorized "
                + "to perform: glue:GetTable"),
            List.of(), FailureClass.PermissionDenied, "builtin:permission-denied", null),
        // --- UserCodeError
        row("AnalysisException", failedDriver("Error", 1, "pyspark.errors.exceptions.captured.AnalysisException: "
                + "[UNRESOLVED_COLUMN.WITH_SUGGESTION] A column with name `fare` cannot be resolved."),
            List.of(), FailureClass.UserCodeError, "builtin:analysis-exception", null),
        // The evidence summary keeps a traceback's exception line, not its header.
        row("Python traceback", failedDriver("Error", 1, "Traceback (most recent call last):\n"
                + "  File \"/opt/app/features.py\", line 12, in <module>\n    run()\nKeyError: 'fare'"),
            List.of(), FailureClass.UserCodeError, "builtin:exception", null),
        row("Java exception", failedDriver("Error", 1, "Exception in thread \"main\" java.lang.NullPointerException: "
                + "Cannot invoke \"String.length()\""),
            List.of(), FailureClass.UserCodeError, "builtin:exception", null),
        row("non-zero exit without a known message", failedDriver("Error", 3, "bye"), List.of(),
            FailureClass.UserCodeError, "builtin:non-zero-exit", null),
        row("non-zero exit without any message", failedDriver("Error", 1, null), List.of(),
            FailureClass.UserCodeError, "builtin:non-zero-exit", null),
        // --- Unknown
        row("failed pod without container status", driver("Failed").build(), List.of(),
            FailureClass.Unknown, "builtin:unmatched", null),
        row("Evicted without DisruptionTarget (node pressure, old cluster)",
            driver("Failed").editStatus().withReason("Evicted")
                .withMessage("The node was low on resource: ephemeral-storage.").endStatus().build(),
            List.of(), FailureClass.Unknown, "builtin:unmatched", null));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("podShapes")
  void classifiesPodStatusShapes(
      String name, Pod driver, List<Pod> executors, FailureClass expected, String rule, MemoryTarget target) {
    Classification c = classifier.classify(Evidence.fromPods(driver, executors));
    assertEquals(expected, c.failureClass(), () -> "evidence: " + c.evidence());
    assertEquals(rule, c.rule());
    assertEquals(target, c.memoryTarget());
    assertFalse(c.evidence() == null || c.evidence().isBlank(), "evidence says what matched");
  }

  /**
   * Which pods the failure happened to: the pod whose own state matched, an executor whose message matched;
   * unknown when only the driver's messages spoke (its log tells of executors lost to a node as well as its
   * own end). The pool shortages read it: an on-demand driver's node shutdown is not a spot shortage.
   */
  @Test
  void saysWhichPodsTheFailureHappenedToWhenTheirOwnStateShowsIt() {
    Pod lostTaskDriver = failedDriver("Error", 1, FIELD_LOST_TASK);
    assertEquals(Role.Driver, classifier.classify(Evidence.fromPods(podReason("NodeShutdown"), List.of())).pod());
    assertEquals(Role.Driver,
        classifier.classify(Evidence.fromPods(disruptedDriver("TerminationByKubelet"), List.of())).pod());
    assertEquals(Role.Driver, classifier.classify(Evidence.fromPods(failedDriver("Error", 3, "bye"), List.of())).pod(),
        "the driver's own non-zero exit");
    assertEquals(Role.Executor, classifier.classify(Evidence.fromPods(lostTaskDriver,
        List.of(executor("trips-exec-2", "Failed").editStatus().withReason("NodeShutdown")
            .withMessage("Pod was terminated in response to imminent node shutdown.").endStatus().build()))).pod());
    assertEquals(Role.Executor, classifier.classify(Evidence.fromPods(lostTaskDriver,
        List.of(executor("trips-exec-2", "Failed").editStatus()
            .addToContainerStatuses(terminated("spark-kubernetes-executor", "OOMKilled", 137, null))
            .endStatus().build()))).pod());
    Classification lostToNode = classifier.classify(Evidence.fromPods(failedDriver("Error", 1,
        "ExecutorLostFailure (executor 1 exited caused by one of the running tasks) Reason: The executor with id 1"
            + " exited with exit code 143(SIGTERM). The API gave the following brief reason: Terminated"), List.of()));
    assertEquals("builtin:executor-lost-to-node", lostToNode.rule());
    assertNull(lostToNode.pod(), "the driver's log told of an executor");
    assertNull(classifier.classify(Evidence.fromPods(
        failedDriver("Error", 1, "There is no Spot capacity available"), List.of())).pod());
  }

  @Test
  void evidenceSaysWhatMatchedInHumanWords() {
    Classification oom = classifier.classify(Evidence.fromPods(failedDriver("OOMKilled", 137, null), List.of()));
    assertEquals("driver container terminated: OOMKilled, exit 137; evidence: none", oom.evidence());
    assertEquals(137, oom.exitCode());

    Classification spot = classifier.classify(Evidence.fromPods(disruptedDriver("TerminationByKubelet"), List.of()));
    assertEquals("driver pod has condition DisruptionTarget: TerminationByKubelet; evidence: none", spot.evidence());
    assertEquals("Pod was terminated in response to imminent node shutdown.", spot.message());

    Classification psql = classifier.classify(Evidence.fromPods(failedDriver("Error", 1, FIELD_PSQL), List.of()));
    assertEquals("driver container termination message contains \"permission denied\"; evidence: log tail only",
        psql.evidence());

    Classification bare = classifier.classify(Evidence.fromMessage(FIELD_PSQL));
    assertEquals("message contains \"permission denied\"", bare.evidence());
    assertNull(bare.exitCode());

    Pod lostTask = failedDriver("Error", 1, FIELD_LOST_TASK);
    Pod evicted = executor("trips-exec-2", "Failed").editStatus()
        .addToConditions(condition("DisruptionTarget", "True", "DeletionByTaintManager", "Taint manager: deleting"))
        .endStatus().build();
    Classification viaExecutor = classifier.classify(Evidence.fromPods(lostTask, List.of(evicted)));
    assertEquals("executor trips-exec-2 pod has condition DisruptionTarget: DeletionByTaintManager;"
        + " evidence: log tail only", viaExecutor.evidence());
    assertEquals(1, viaExecutor.exitCode(), "the exit code is always the driver's");

    Classification unmatched = classifier.classify(Evidence.fromPods(driver("Failed").build(), List.of()));
    assertEquals("no rule matched (driver phase Failed)", unmatched.evidence());
  }

  @Test
  void configErrorMessageIsTheWaitingMessage() {
    Classification c = classifier.classify(Evidence.fromPods(
        waitingDriver("CreateContainerConfigError", "secret \"db-creds\" not found"), List.of()));
    assertEquals("driver container waiting: CreateContainerConfigError", c.evidence());
    assertEquals("secret \"db-creds\" not found", c.message());
  }

  @Test
  void messageIsRedacted() {
    String log = "java.sql.SQLException: connection to jdbc:postgresql://app:hunter2@db:5432/trips refused";
    Classification c = classifier.classify(Evidence.fromPods(failedDriver("Error", 1, log), List.of()));
    assertFalse(c.message().contains("hunter2"), c.message());
    assertTrue(c.message().contains("jdbc:postgresql://app:[REDACTED]@db:5432/trips"), c.message());
  }

  @Test
  void longLogTailIsCutToStartAtTheMatchedLine() {
    StringBuilder log = new StringBuilder();
    for (int i = 0; i < 40; i++) {
      log.append("25/03/01 10:29:").append(i).append(" INFO BlockManagerInfo: Removed broadcast_").append(i)
          .append(" on 10.0.0.7:34567 in memory\n");
    }
    log.append(FIELD_PSQL).append('\n');
    log.append("\tat org.postgresql.core.v3.QueryExecutorImpl.receiveErrorResponse(QueryExecutorImpl.java:2675)\n");
    Classification c = classifier.classify(Evidence.fromPods(failedDriver("Error", 1, log.toString()), List.of()));
    assertEquals(FailureClass.PermissionDenied, c.failureClass());
    assertTrue(c.message().startsWith(FIELD_PSQL), c.message());
  }

  @Test
  void ordinaryLogLevelsAreNotExceptions() {
    // Case-sensitive exception rule: ERROR and CLIENT_ERROR are log levels and codes, not types.
    Classification c = classifier.classify(Evidence.fromMessage("ERROR CLIENT_ERROR something went wrong"));
    assertEquals(FailureClass.Unknown, c.failureClass());
    assertEquals(Classifier.UNMATCHED_RULE, c.rule());
  }

  // --- rule extension

  @Test
  void userRuleIsTriedBeforeTheBuiltIns() {
    // PySpark raises MemoryError in a Python worker; the built-ins call it OutOfMemory too, but the
    // user's own rule is tried first and is the one named.
    ClassificationRule pythonMemory = new ClassificationRule("python-memory-error", FailureClass.OutOfMemory,
        Component.Driver, null, null, null, null, null, List.of("^MemoryError"), MemoryTarget.Driver);
    String log = "Traceback (most recent call last):\n  File \"features.py\", line 3\nMemoryError";
    Evidence evidence = Evidence.fromPods(failedDriver("Error", 1, log), List.of());

    assertEquals("builtin:oom-message", Classifier.defaults().classify(evidence).rule());

    Classification c = Classifier.withExtraRules(List.of(pythonMemory)).classify(evidence);
    assertEquals(FailureClass.OutOfMemory, c.failureClass());
    assertEquals("python-memory-error", c.rule());
    assertEquals(MemoryTarget.Driver, c.memoryTarget());
  }

  @Test
  void userRuleCanOverrideABuiltInVerdict() {
    // A team whose S3 gateway answers 403 while it is throttling wants it counted as capacity.
    ClassificationRule throttled = new ClassificationRule("s3-gateway-throttle", FailureClass.CapacityUnavailable,
        null, null, null, null, null, null, List.of("Status Code: 403.*SlowDown"), null);
    Classifier withRule = Classifier.withExtraRules(List.of(throttled));
    assertEquals(FailureClass.CapacityUnavailable,
        withRule.classify(Evidence.fromMessage("(Service: S3; Status Code: 403; Error Code: SlowDown)")).failureClass());
    assertEquals(FailureClass.PermissionDenied, withRule.classify(Evidence.fromMessage(FIELD_S3)).failureClass());
    assertEquals(throttled, withRule.rules().get(0));
    assertEquals(Classifier.defaults().rules().size() + 1, withRule.rules().size());
  }

  @Test
  void userRulesMayNotPoseAsBuiltIns() {
    ClassificationRule fake = new ClassificationRule("builtin:mine", FailureClass.Unknown,
        null, null, null, null, null, List.of(1), null, null);
    assertThrows(IllegalArgumentException.class, () -> Classifier.withExtraRules(List.of(fake)));
  }

  @Test
  void componentLimitsWhichPodsARuleLooksAt() {
    ClassificationRule executorExit = new ClassificationRule("executor-exit-1", FailureClass.Timeout,
        Component.Executor, null, null, null, null, List.of(1), null, null);
    Classifier c = new Classifier(List.of(executorExit));
    assertEquals(Classifier.NON_ZERO_EXIT_RULE,
        c.classify(Evidence.fromPods(failedDriver("Error", 1, null), List.of())).rule(),
        "an executor rule ignores the driver");
    Pod exec = executor("e-1", "Failed").editStatus()
        .addToContainerStatuses(terminated("spark-kubernetes-executor", "Error", 1, null)).endStatus().build();
    assertEquals("executor-exit-1",
        c.classify(Evidence.fromPods(failedDriver("Error", 1, null), List.of(exec))).rule());
  }

  @Test
  void allMatchersMustHoldAndContainerMatchersOnOneContainer() {
    ClassificationRule oomAnd137 = new ClassificationRule("oom-137", FailureClass.OutOfMemory, null,
        null, null, null, List.of("OOMKilled"), List.of(137), null, null);
    Classifier c = new Classifier(List.of(oomAnd137));
    // OOMKilled in one container, 137 in another: not the same container, no match.
    Pod split = driver("Failed").editStatus()
        .addToContainerStatuses(terminated(DRIVER_CONTAINER, "OOMKilled", 1, null))
        .addToContainerStatuses(terminated("sidecar", "Error", 137, null))
        .endStatus().build();
    assertEquals(Classifier.NON_ZERO_EXIT_RULE, c.classify(Evidence.fromPods(split, List.of())).rule());
    assertEquals("oom-137",
        c.classify(Evidence.fromPods(failedDriver("OOMKilled", 137, null), List.of())).rule());

    ClassificationRule exitAndMessage = new ClassificationRule("exit-2-and-text", FailureClass.ConfigError, null,
        null, null, null, null, List.of(2), List.of("bad option"), null);
    Classifier c2 = new Classifier(List.of(exitAndMessage));
    assertEquals("exit-2-and-text",
        c2.classify(Evidence.fromPods(failedDriver("Error", 2, "spark-submit: bad option --foo"), List.of())).rule());
    assertEquals(Classifier.NON_ZERO_EXIT_RULE,
        c2.classify(Evidence.fromPods(failedDriver("Error", 2, "other"), List.of())).rule());
    assertEquals(Classifier.NON_ZERO_EXIT_RULE,
        c2.classify(Evidence.fromPods(failedDriver("Error", 1, "bad option"), List.of())).rule());
  }

  @Test
  void ruleWithoutMatcherIsRejected() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new ClassificationRule(
        "catch-all", FailureClass.Unknown, null, null, null, null, null, null, List.of(), null));
    assertTrue(e.getMessage().contains("no matcher"), e.getMessage());
  }

  private static Arguments row(String name, Pod driver, List<Pod> executors, FailureClass expected, String rule,
      MemoryTarget target) {
    return Arguments.of(name, driver, executors, expected, rule, target);
  }

  private static Pod podReason(String reason) {
    return driver("Failed").editStatus().withReason(reason)
        .withMessage("Pod was terminated in response to imminent node shutdown.")
        .addToContainerStatuses(terminated(DRIVER_CONTAINER, "Error", 143, null))
        .endStatus().build();
  }

  private static Pod waitingDriver(String reason, String message) {
    return driver("Pending").editStatus().addToContainerStatuses(waiting(DRIVER_CONTAINER, reason, message))
        .endStatus().build();
  }
}
