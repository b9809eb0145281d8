package io.featurejob.operator.sim;

/**
 * A spot capacity shortage on one pool, [start, end) in epoch millis. {@code severity} is the share
 * of launches it blocks; a blocked pod waits until the episode ends.
 */
public record Shortage(int pool, long start, long end, double severity) {
  boolean covers(long t) {
    return t >= start && t < end;
  }
}
