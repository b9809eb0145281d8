package io.featurejob.operator.classify;

import io.featurejob.operator.api.FailureClass;
import io.featurejob.operator.classify.Evidence.Role;

/**
 * The verdict on one failed attempt.
 *
 * @param failureClass what kind of failure it was
 * @param rule the name of the rule that matched (e.g. "builtin:oom-killed" or a user rule's name)
 * @param evidence the fact the rule matched on, for humans ("driver container terminated: OOMKilled, exit 137")
 * @param message the most useful message (termination message or pod message), secrets redacted, at most 1 KiB
 * @param exitCode the driver container's exit code, if it terminated
 * @param memoryTarget for OutOfMemory: which side ran out of memory
 * @param pod which pods the failure happened to, when their own state shows it: the pod whose disruption,
 *     status reason, container state or exit code matched, an executor whose own message matched, the
 *     driver that found no node; null when only a message of the driver said it (its log speaks of
 *     executors too). A shortage of spot capacity is read from it ({@code PoolShortages}).
 */
public record Classification(
    FailureClass failureClass,
    String rule,
    String evidence,
    String message,
    Integer exitCode,
    MemoryTarget memoryTarget,
    Role pod) {

  /** A verdict that does not say which pods the failure happened to. */
  public Classification(FailureClass failureClass, String rule, String evidence, String message, Integer exitCode,
      MemoryTarget memoryTarget) {
    this(failureClass, rule, evidence, message, exitCode, memoryTarget, null);
  }

  public enum MemoryTarget { Driver, Executor }
}
