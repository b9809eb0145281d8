package io.featurejob.operator.policy;

import java.time.Duration;

/**
 * The retry schedule: {@code initialBackoff * multiplier^(n-1)}, capped at {@code maxBackoff}, then
 * spread by +/- jitter. Jitter is derived from a seed (job uid and failure count) rather than a random
 * source, so replaying a reconcile yields the same retry time and tests are exact.
 */
public final class RetryBackoff {
  private RetryBackoff() {}

  /** Delay before the retry that follows the {@code failures}-th consecutive failure (failures >= 1). */
  public static Duration delay(ResolvedSpec.Retry retry, int failures, String seed) {
    double base = retry.initialBackoff().toMillis() * Math.pow(retry.backoffMultiplier(), Math.max(0, failures - 1));
    double capped = Math.min(base, retry.maxBackoff().toMillis());
    double spread = 1 + retry.jitter() * unitJitter(seed + "/" + failures);
    return Duration.ofMillis(Math.max(0, Math.round(capped * spread)));
  }

  /** A stable pseudo-random number in [-1, 1) from the seed. */
  static double unitJitter(String seed) {
    long h = 1125899906842597L;
    for (int i = 0; i < seed.length(); i++) {
      h = 31 * h + seed.charAt(i);
    }
    h ^= (h >>> 33);
    h *= 0xff51afd7ed558ccdL;
    h ^= (h >>> 33);
    return ((h >>> 11) * 0x1.0p-53) * 2 - 1;
  }
}
