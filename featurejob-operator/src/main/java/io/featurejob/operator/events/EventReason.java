package io.featurejob.operator.events;

/** Reasons of the Kubernetes Events the operator writes about a FeatureJob (docs/design.md §7), with their type. */
public enum EventReason {
  RunStarted(false),
  RunSucceeded(false),
  /** The first success after failures. */
  Recovered(false),
  RunFailed(true),
  RetryScheduled(false),
  AlertThresholdReached(true),
  PermanentlyFailed(true),
  Unblocked(false),
  /** A featurejob.io/run-now token was seen: the message says whether a run starts. */
  RunNowRequested(false),
  CapacityFallback(false),
  MemoryEscalated(false),
  /** Escalated memory went back to the spec's after memoryEscalation.keepFor without an OutOfMemory. */
  MemoryGivenBack(false),
  InvalidSpec(true),
  /** A pod with the job's labels that the operator leaves alone: not controlled by this job, or unreadable. */
  PodIgnored(true),
  /** An unexpected error stopped a reconcile; the job is looked at again (see the ReconcileError condition). */
  ReconcileError(true),
  /** The operator overrides or ignores some of the user's values (reserved sparkConf keys, owned pod fields). */
  SpecAdjusted(true);

  public static final String NORMAL = "Normal";
  public static final String WARNING = "Warning";

  private final boolean warning;

  EventReason(boolean warning) {
    this.warning = warning;
  }

  public boolean isWarning() {
    return warning;
  }

  /** The Event's {@code type}: Normal or Warning. */
  public String type() {
    return warning ? WARNING : NORMAL;
  }
}
