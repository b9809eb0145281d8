package io.featurejob.operator.api;

public enum Phase {
  /** Waiting for the next scheduled window. */
  Idle,
  /** A driver pod for the current attempt exists. */
  Running,
  /** The last attempt failed; the next one starts at status.nextRunTime. */
  BackingOff,
  /** The cap of consecutive failures was reached; only an unblock (or a spec change) resumes. */
  PermanentlyFailed,
  /** spec.suspend is true and nothing runs. */
  Suspended,
  /** A one-off job succeeded. */
  Completed,
  /** The spec failed validation; see the SpecValid condition. */
  Invalid
}
