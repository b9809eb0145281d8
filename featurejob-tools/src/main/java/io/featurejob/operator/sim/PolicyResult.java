package io.featurejob.operator.sim;

import java.util.EnumMap;
import java.util.Map;

/**
 * One policy's figures. Most figures are one number; the staleness figures are a (p50, p99) pair.
 *
 * @param jobsWithTransientFailure share of jobs with at least one transient failure (calibration)
 * @param jobsWithPermanentFailure share of jobs with a run failed by a permanent cause (calibration)
 */
public record PolicyResult(
    String policy,
    Map<Figure, double[]> figures,
    double jobsWithTransientFailure,
    double jobsWithPermanentFailure) {

  public PolicyResult {
    figures = new EnumMap<>(figures);
  }

  public double value(Figure f) {
    return figures.get(f)[0];
  }

  public double[] values(Figure f) {
    return figures.get(f).clone();
  }
}
