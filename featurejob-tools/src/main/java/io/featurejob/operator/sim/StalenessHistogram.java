package io.featurejob.operator.sim;

/**
 * Time-weighted distribution of feature staleness at minute resolution. Between two successes a job's
 * staleness grows linearly from a to b; that segment spends exactly one minute of time in each minute
 * of staleness it crosses, so it is added in O(1) with a difference array plus the fractional ends.
 */
final class StalenessHistogram {
  private final long[] steps;
  private final double[] partial;
  private double total;

  StalenessHistogram(int maxMinutes) {
    steps = new long[maxMinutes + 2];
    partial = new double[maxMinutes + 2];
  }

  /** Staleness rose from {@code fromMinutes} to {@code toMinutes} during that much time. */
  void addSegment(double fromMinutes, double toMinutes) {
    double a = clamp(fromMinutes);
    double b = clamp(toMinutes);
    if (b <= a) {
      return;
    }
    total += b - a;
    int fa = (int) a;
    int fb = (int) b;
    if (fa == fb) {
      partial[fa] += b - a;
      return;
    }
    partial[fa] += fa + 1 - a;
    steps[fa + 1] += 1;
    steps[fb] -= 1;
    partial[fb] += b - fb;
  }

  /** The staleness (minutes) below which a share q of the time was spent; NaN when empty. */
  double percentile(double q) {
    if (total == 0) {
      return Double.NaN;
    }
    double target = q * total;
    double seen = 0;
    long level = 0;
    for (int m = 0; m < steps.length; m++) {
      level += steps[m];
      double here = level + partial[m];
      if (seen + here >= target) {
        return m + (here == 0 ? 0 : (target - seen) / here);
      }
      seen += here;
    }
    return steps.length - 1;
  }

  double totalMinutes() {
    return total;
  }

  private double clamp(double minutes) {
    return Math.max(0, Math.min(minutes, steps.length - 2));
  }
}
