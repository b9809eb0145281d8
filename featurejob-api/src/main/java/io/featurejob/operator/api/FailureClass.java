package io.featurejob.operator.api;

/**
 * Why an attempt failed (docs/design.md §5). The class decides remediation and the alert's wording; it never
 * short-circuits the retry schedule: every class backs off the same way.
 */
public enum FailureClass {
  SpotInterruption(true, true),
  CapacityUnavailable(true, true),
  PodDeleted(true, false),
  OutOfMemory(false, false),
  PermissionDenied(false, false),
  UserCodeError(false, false),
  ConfigError(false, false),
  Timeout(false, false),
  Unknown(false, false);

  private final boolean transientFailure;
  private final boolean infrastructure;

  FailureClass(boolean transientFailure, boolean infrastructure) {
    this.transientFailure = transientFailure;
    this.infrastructure = infrastructure;
  }

  /** Likely to go away by itself (no human needed). */
  public boolean isTransient() {
    return transientFailure;
  }

  /** Caused by the spot node pools; counts towards the on-demand fallback. */
  public boolean isInfrastructure() {
    return infrastructure;
  }
}
