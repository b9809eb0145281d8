package io.featurejob.operator.sim;

/**
 * A spot capacity shortage on one pool, [start, end) in epoch millis. {@code severity} is the share
 * of capacity checks (one per pool every recheck interval) that find no node; a pod waits until a
 * check succeeds or the episode ends.
 */
public record Shortage(int pool, long start, long end, double severity) {
  boolean covers(long t) {
    return t >= start && t < end;
  }
}
