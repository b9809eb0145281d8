package io.featurejob.operator.sim;

import io.featurejob.operator.api.FailureClass;

/**
 * Something only a human (or time) fixes: a revoked permission, a code bug, a data spike that needs
 * more executor memory than the job has. Times are epoch millis; {@code naturalEnd} is when it goes
 * away without a page (the owner noticed on their own, or the spike subsided).
 *
 * @param memoryNeedFactor for a data spike: executor memory needed, as a multiple of the job's base
 */
public record PermanentCause(int id, int job, Kind kind, long start, long naturalEnd, double memoryNeedFactor) {

  public enum Kind {
    PermissionRevoked(FailureClass.PermissionDenied, "PSQLException: ERROR: permission denied for table trips"),
    CodeBug(FailureClass.UserCodeError, "Lost task 0.0 in stage 3.0 (TID 6) ( executor 2): "
        + "java.util.concurrent.ExecutionException: java.lang.IllegalArgumentException: Unsupported json type for string: NUMBER"),
    DataSpike(FailureClass.OutOfMemory, "executor container OOMKilled (exit 137)");

    final FailureClass failureClass;
    final String message;

    Kind(FailureClass failureClass, String message) {
      this.failureClass = failureClass;
      this.message = message;
    }
  }
}
