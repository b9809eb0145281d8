package io.featurejob.operator.bench;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What one Prometheus histogram series of the operators observed between two scrapes (the measured window),
 * summed over shards: its buckets' counts, sum and count. Percentiles are bucket bounds ("at most").
 *
 * @param buckets upper bound (seconds) -> observations at or below it in the window; +Inf included
 */
record HistogramWindow(TreeMap<Double, Double> buckets, double sum, double count) {

  /**
   * The series of {@code metric} whose labels include {@code label} (e.g. {@code step="decided"}): what
   * {@code after} has more than {@code before}.
   */
  static HistogramWindow between(List<String> before, List<String> after, String metric, String label) {
    HistogramWindow start = of(before, metric, label);
    HistogramWindow end = of(after, metric, label);
    TreeMap<Double, Double> buckets = new TreeMap<>();
    end.buckets.forEach((le, n) -> buckets.put(le, n - start.buckets.getOrDefault(le, 0.0)));
    return new HistogramWindow(buckets, end.sum - start.sum, end.count - start.count);
  }

  static HistogramWindow of(List<String> scrapes, String metric, String label) {
    TreeMap<Double, Double> buckets = new TreeMap<>();
    double[] sumAndCount = new double[2];
    for (String scrape : scrapes) {
      for (String line : scrape.split("\n")) {
        if (!line.contains(label)) {
          continue;
        }
        double value = Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
        if (line.startsWith(metric + "_bucket{")) {
          int le = line.indexOf("le=\"") + 4;
          String bound = line.substring(le, line.indexOf('"', le));
          buckets.merge(bound.equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(bound), value,
              Double::sum);
        } else if (line.startsWith(metric + "_sum{")) {
          sumAndCount[0] += value;
        } else if (line.startsWith(metric + "_count{")) {
          sumAndCount[1] += value;
        }
      }
    }
    return new HistogramWindow(buckets, sumAndCount[0], sumAndCount[1]);
  }

  /** The smallest bucket bound with at least {@code p} percent of the observations at or below it; NaN if none. */
  double atMost(double p) {
    for (Map.Entry<Double, Double> bucket : buckets.entrySet()) {
      if (count > 0 && bucket.getValue() >= p / 100.0 * count) {
        return bucket.getKey();
      }
    }
    return Double.NaN;
  }

  /** "<= 0.5 / <= 2 s, mean 0.41 s (n=3105)" */
  String summary() {
    return count == 0 ? "n/a" : String.format("<= %s / <= %s s, mean %.2f s (n=%.0f)", bound(atMost(50)),
        bound(atMost(99)), sum / count, count);
  }

  private static String bound(double seconds) {
    return Double.isInfinite(seconds) ? "inf" : BigDecimal.valueOf(seconds).stripTrailingZeros().toPlainString();
  }
}
