package io.featurejob.operator.bench;

import io.featurejob.operator.metrics.ScrapedSample;
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
   * The series of {@code metric} whose labels include {@code labels} (e.g. step=decided), summed over shards:
   * what {@code after} has more than {@code before}.
   */
  static HistogramWindow between(List<ScrapedSample> before, List<ScrapedSample> after, String metric,
      Map<String, String> labels) {
    HistogramWindow start = of(before, metric, labels);
    HistogramWindow end = of(after, metric, labels);
    TreeMap<Double, Double> buckets = new TreeMap<>();
    end.buckets.forEach((le, n) -> buckets.put(le, n - start.buckets.getOrDefault(le, 0.0)));
    return new HistogramWindow(buckets, end.sum - start.sum, end.count - start.count);
  }

  static HistogramWindow of(List<ScrapedSample> samples, String metric, Map<String, String> labels) {
    TreeMap<Double, Double> buckets = new TreeMap<>();
    double sum = 0;
    double count = 0;
    for (ScrapedSample sample : samples) {
      if (!sample.has(labels)) {
        continue;
      }
      if (sample.name().equals(metric + "_bucket")) {
        String le = sample.labels().get("le");
        buckets.merge(le.equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(le), sample.value(),
            Double::sum);
      } else if (sample.name().equals(metric + "_sum")) {
        sum += sample.value();
      } else if (sample.name().equals(metric + "_count")) {
        count += sample.value();
      }
    }
    return new HistogramWindow(buckets, sum, count);
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
