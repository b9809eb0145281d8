package io.featurejob.operator.classify;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.featurejob.operator.api.FailureClass;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A driver that failed because its executors' spot node went away, judged from the driver's log
 * alone (Spark has deleted the executor pods by then), against look-alikes that are not spot losses.
 */
class ExecutorLossClassificationTest {

  @ParameterizedTest(name = "{1} <- {0}")
  @CsvSource(delimiter = '|', value = {
      "ExecutorLostFailure (executor 1 exited caused by one of the running tasks) Reason: The executor with id 1 exited"
          + " with exit code 143(SIGTERM). The API gave the following brief reason: Terminated"
          + "| SpotInterruption | builtin:executor-lost-to-node",
      "The API gave the following message: Pod was terminated in response to imminent node shutdown."
          + "| SpotInterruption | builtin:executor-lost-to-node",
      "ExecutorLostFailure (executor 1 exited unrelated to the running tasks) Reason: The executor with id 1 was deleted"
          + " by a user or the framework.| SpotInterruption | builtin:executor-lost-to-node",
      // The executor ran out of memory: its tasks' fault, not the node's.
      "ExecutorLostFailure (executor 2 exited caused by one of the running tasks) Reason: Container killed by YARN for"
          + " exceeding memory limits; possible container OOM| OutOfMemory | builtin:executor-oom-message",
      // The field's user-code message stays user code.
      "Lost task 0.0 in stage 3.0 (TID 6) ( executor 2): java.util.concurrent.ExecutionException:"
          + " java.lang.IllegalArgumentException: Unsupported json type for string: NUMBER"
          + "| UserCodeError | builtin:spark-task-failure",
  })
  void driverLogAloneTellsSpotLossesFromOthers(String message, FailureClass expected, String rule) {
    Classification c = Classifier.defaults().classify(Evidence.fromMessage(message));
    assertEquals(expected, c.failureClass(), c.evidence());
    assertEquals(rule, c.rule());
  }
}
