package io.featurejob.operator.policy;

/** After an OutOfMemory failure: multiply the affected memory by the factor, never past the ceiling. */
public final class MemoryEscalationPolicy {
  private MemoryEscalationPolicy() {}

  /** The memory (MiB) for the next attempt; equal to {@code currentMiB} when already at the ceiling. */
  public static long escalate(long currentMiB, double factor, long ceilingMiB) {
    long raised = (long) Math.ceil(currentMiB * factor);
    // Round up to a whole 128 MiB so the values stay readable (3g, 4608m) and pod sizes regular.
    raised = (raised + 127) / 128 * 128;
    return Math.max(currentMiB, Math.min(raised, ceilingMiB));
  }
}
