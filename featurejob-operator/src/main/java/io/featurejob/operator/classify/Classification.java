package io.featurejob.operator.classify;

import io.featurejob.operator.api.FailureClass;

/**
 * The verdict on one failed attempt.
 *
 * @param failureClass what kind of failure it was
 * @param rule the name of the rule that matched (e.g. "builtin:oom-killed" or a user rule's name)
 * @param evidence the fact the rule matched on, for humans ("driver container terminated: OOMKilled, exit 137")
 * @param message the most useful message (termination message or pod message), secrets redacted, at most 1 KiB
 * @param exitCode the driver container's exit code, if it terminated
 * @param memoryTarget for OutOfMemory: which side ran out of memory
 */
public record Classification(
    FailureClass failureClass,
    String rule,
    String evidence,
    String message,
    Integer exitCode,
    MemoryTarget memoryTarget) {

  public enum MemoryTarget { Driver, Executor }
}
