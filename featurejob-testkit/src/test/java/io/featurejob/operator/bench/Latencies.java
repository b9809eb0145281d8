package io.featurejob.operator.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Durations measured in the storm (lateness, cold start), reported as percentiles in seconds. */
final class Latencies {
  private final List<Long> millis = Collections.synchronizedList(new ArrayList<>());

  void add(Duration d) {
    millis.add(d.toMillis());
  }

  int count() {
    return millis.size();
  }

  /** The p-th percentile (nearest rank) in seconds, NaN when nothing was measured. */
  double seconds(double p) {
    List<Long> sorted;
    synchronized (millis) {
      sorted = new ArrayList<>(millis);
    }
    if (sorted.isEmpty()) {
      return Double.NaN;
    }
    Collections.sort(sorted);
    int rank = (int) Math.ceil(p / 100.0 * sorted.size());
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, rank - 1))) / 1000.0;
  }

  /** "p50 / p99 s (n)" */
  String p50p99() {
    return count() == 0 ? "n/a" : String.format("%.1f / %.1f s (n=%d)", seconds(50), seconds(99), count());
  }
}
