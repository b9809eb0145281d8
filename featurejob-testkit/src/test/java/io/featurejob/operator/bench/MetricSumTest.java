package io.featurejob.operator.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** What the storm's warm-up reads from the operators' /metrics: one series, summed over shards. */
class MetricSumTest {
  @Test
  void sumsTheSeriesOfOneMetricOverShardsAndSaysWhenNoneHasIt() {
    String shard0 = "# HELP featurejob_events_pending Events recorded and not yet written\n"
        + "featurejob_events_pending{shard=\"0\"} 3.0\n"
        + "featurejob_events_pending_other 100.0\n"
        + "featurejob_events_dropped_total{shard=\"0\"} 7.0\n";
    String shard1 = "featurejob_events_pending{shard=\"1\"} 2.0\n";
    assertEquals(5.0, StormBench.sum(List.of(shard0, shard1), StormBench.EVENTS_PENDING));
    assertEquals(7.0, StormBench.sum(List.of(shard0, shard1), StormBench.EVENTS_DROPPED));
    assertEquals(0.0, StormBench.sum(List.of("featurejob_events_pending 0.0\n"), StormBench.EVENTS_PENDING));
    assertEquals(-1.0, StormBench.sum(List.of("up 1\n"), StormBench.EVENTS_PENDING));
  }

  @Test
  void aCounterIncreaseIsOverShardsAndUnknownWhenTheLaterScrapeLacksIt() {
    String started = StormBench.RECONCILES + "{controller=\"featurejob\",shard=\"%s\"} %s\n";
    List<String> before = List.of(String.format(started, "0", "10.0"), String.format(started, "1", "5.0"));
    List<String> after = List.of(String.format(started, "0", "40.0"), String.format(started, "1", "15.0"));
    assertEquals(40.0, StormBench.increase(before, after, StormBench.RECONCILES));
    assertEquals(55.0, StormBench.increase(List.of("up 1\n"), after, StormBench.RECONCILES));
    assertEquals(-1.0, StormBench.increase(before, List.of("up 1\n"), StormBench.RECONCILES));
  }
}
