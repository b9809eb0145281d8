package io.featurejob.operator.sim;

import java.util.Arrays;

/**
 * Which permanent causes are still in effect in one policy's run: a cause ends at its natural end or
 * when an owner fixes it after a page, whichever comes first. One book per simulated policy.
 */
final class CauseBook {
  private final World world;
  private final long[] fixedAt;

  CauseBook(World world) {
    this.world = world;
    this.fixedAt = new long[world.causes.size()];
    Arrays.fill(fixedAt, Long.MAX_VALUE);
  }

  long end(PermanentCause c) {
    return Math.min(c.naturalEnd(), fixedAt[c.id()]);
  }

  boolean fixedByOwner(PermanentCause c) {
    return fixedAt[c.id()] < c.naturalEnd();
  }

  /** The cause in effect on the job at t, or null (at most one at a time: they are drawn back to back). */
  PermanentCause activeAt(int job, long t) {
    for (PermanentCause c : world.causesOf(job)) {
      if (c.start() <= t && t < end(c)) {
        return c;
      }
    }
    return null;
  }

  /** An owner fixes whatever is in effect at t; returns the cause fixed, or null. */
  PermanentCause fix(int job, long t) {
    PermanentCause c = activeAt(job, t);
    if (c != null) {
      fixedAt[c.id()] = t;
    }
    return c;
  }
}
