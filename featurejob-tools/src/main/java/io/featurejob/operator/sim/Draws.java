package io.featurejob.operator.sim;

/**
 * Counter-based random numbers: every draw is a hash of (seed, what it is for). No shared random
 * stream, so the k-th attempt of a run sees the same luck under every policy (common random numbers:
 * policies differ by their decisions, not by their dice), and results do not depend on event order.
 */
final class Draws {
  private Draws() {}

  static long mix(long z) {
    z += 0x9e3779b97f4a7c15L;
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }

  static long key(long seed, long a, long b, long c, long salt) {
    return mix(mix(mix(mix(seed ^ salt) ^ a) ^ b) ^ c);
  }

  /** Uniform in [0, 1). */
  static double unit(long seed, long a, long b, long c, long salt) {
    return (key(seed, a, b, c, salt) >>> 11) * 0x1.0p-53;
  }

  /** Standard normal (Box-Muller on two hashed uniforms). */
  static double normal(long seed, long a, long b, long c, long salt) {
    double u1 = Math.max(unit(seed, a, b, c, salt), 1e-12);
    double u2 = unit(seed, a, b, c, salt + 7919);
    return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }

  static double logUniform(double u, double lo, double hi) {
    return lo * Math.exp(u * Math.log(hi / lo));
  }

  static double lognormal(double z, double median, double sigma) {
    return median * Math.exp(sigma * z);
  }

  /** Exponential waiting time with the given rate (events per unit), from a uniform. */
  static double exponential(double u, double rate) {
    return rate <= 0 ? Double.POSITIVE_INFINITY : -Math.log(1 - u) / rate;
  }
}
