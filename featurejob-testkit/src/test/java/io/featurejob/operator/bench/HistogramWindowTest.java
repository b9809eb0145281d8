package io.featurejob.operator.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.featurejob.operator.metrics.ScrapedSample;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The storm's retry-delay rows: one histogram series over a window, summed over shards, as bucket bounds. */
class HistogramWindowTest {
  static final String METRIC = "featurejob_retry_delay_seconds";

  static final Map<String, String> DECIDED = Map.of("step", "decided");

  static List<ScrapedSample> samples(String... scrapes) {
    return Arrays.stream(scrapes).flatMap(text -> ScrapedSample.parse(text).stream()).toList();
  }

  static String scrape(String shard, double atHalf, double atTwo, double all, double sum) {
    String labels = "shard=\"" + shard + "\",step=\"decided\"";
    return "# TYPE featurejob_retry_delay_seconds histogram\n"
        + METRIC + "_bucket{" + labels + ",le=\"0.5\"} " + atHalf + "\n"
        + METRIC + "_bucket{" + labels + ",le=\"2.0\"} " + atTwo + "\n"
        + METRIC + "_bucket{" + labels + ",le=\"+Inf\"} " + all + "\n"
        + METRIC + "_count{" + labels + "} " + all + "\n"
        + METRIC + "_sum{" + labels + "} " + sum + "\n"
        + METRIC + "_bucket{shard=\"" + shard + "\",step=\"pod_created\",le=\"0.5\"} 1000.0\n"
        + METRIC + "_max{" + labels + "} 9.0\n";
  }

  @Test
  void theWindowIsTheDifferenceOfTwoScrapesSummedOverShards() {
    List<ScrapedSample> before = samples(scrape("0", 10, 10, 10, 1.0), scrape("1", 0, 0, 0, 0));
    // In the window: shard 0 adds 60 at <= 0.5 s and 30 more at <= 2 s; shard 1 adds 9 at <= 2 s and 1 above.
    List<ScrapedSample> after = samples(scrape("0", 70, 100, 100, 41.0), scrape("1", 0, 9, 10, 30.0));
    HistogramWindow w = HistogramWindow.between(before, after, METRIC, DECIDED);
    assertEquals(100.0, w.count());
    assertEquals(70.0, w.sum(), 1e-9);
    assertEquals(0.5, w.atMost(50));
    assertEquals(2.0, w.atMost(99));
    assertEquals(Double.POSITIVE_INFINITY, w.atMost(100));
    assertEquals("<= 0.5 / <= 2 s, mean 0.70 s (n=100)", w.summary());
    assertEquals("<= 1800 / <= inf s, mean 1000.00 s (n=2)", new HistogramWindow(
        new TreeMap<>(Map.of(1800.0, 1.0, Double.POSITIVE_INFINITY, 2.0)), 2000, 2).summary());
  }

  @Test
  void noObservationsSaysSo() {
    List<ScrapedSample> same = samples(scrape("0", 5, 5, 5, 1.0));
    HistogramWindow w = HistogramWindow.between(same, same, METRIC, DECIDED);
    assertEquals(Double.NaN, w.atMost(50));
    assertEquals("n/a", w.summary());
    assertEquals("n/a", HistogramWindow.between(List.of(), samples("up 1\n"), METRIC, DECIDED).summary());
  }
}
