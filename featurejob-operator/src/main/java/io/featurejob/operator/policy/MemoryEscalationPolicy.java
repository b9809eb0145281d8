package io.featurejob.operator.policy;

import java.time.Duration;
import java.time.Instant;

/**
 * After an OutOfMemory failure: multiply the affected memory by the factor, never past the ceiling. At a
 * success {@code keepFor} after the last OutOfMemory, give it back: a data spike is over long before
 * (the simulator's spikes last 12 h median), and kept memory is paid on every run after it. An
 * OutOfMemory within {@code keepFor} of a give-back means the spike outlasted the keep: memory goes straight
 * back to the size given back rather than climbing from the spec's again, one failed run per step.
 */
public final class MemoryEscalationPolicy {
  private MemoryEscalationPolicy() {}

  /**
   * @param escalatedAt the last OutOfMemory that escalated (or hit the ceiling); null = unknown, kept
   * @param keepFor zero = kept until the spec changes
   */
  public static boolean giveBack(Instant escalatedAt, Duration keepFor, Instant now) {
    return escalatedAt != null && !keepFor.isZero() && !now.isBefore(escalatedAt.plus(keepFor));
  }

  /** Whether a give-back at {@code givenBackAt} is recent enough that a new OutOfMemory returns to its size. */
  public static boolean givenBackWithinKeep(Instant givenBackAt, Duration keepFor, Instant now) {
    return givenBackAt != null && now.isBefore(givenBackAt.plus(keepFor));
  }

  /**
   * The memory (MiB) after an OutOfMemory: one step up, or the size given back within keepFor when that is
   * more (never past the ceiling).
   *
   * @param givenBackMiB the size given back within keepFor, or 0
   */
  public static long afterOutOfMemory(long currentMiB, double factor, long ceilingMiB, long givenBackMiB) {
    return Math.max(escalate(currentMiB, factor, ceilingMiB), Math.min(givenBackMiB, ceilingMiB));
  }

  /** The memory (MiB) for the next attempt; equal to {@code currentMiB} when already at the ceiling. */
  public static long escalate(long currentMiB, double factor, long ceilingMiB) {
    long raised = (long) Math.ceil(currentMiB * factor);
    // Round up to a whole 128 MiB so the values stay readable (3g, 4608m) and pod sizes regular.
    raised = (raised + 127) / 128 * 128;
    return Math.max(currentMiB, Math.min(raised, ceilingMiB));
  }
}
