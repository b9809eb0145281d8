package io.featurejob.operator.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class LatenciesTest {
  @Test
  void nearestRankPercentiles() {
    Latencies l = new Latencies();
    assertTrue(Double.isNaN(l.seconds(50)));
    assertEquals("n/a", l.p50p99());
    for (int i = 1; i <= 100; i++) {
      l.add(Duration.ofMillis(i * 100L));
    }
    assertEquals(5.0, l.seconds(50));
    assertEquals(9.9, l.seconds(99));
    assertEquals(10.0, l.seconds(100));
    assertEquals(0.1, l.seconds(1));
    assertEquals("5.0 / 9.9 s (n=100)", l.p50p99());
  }
}
