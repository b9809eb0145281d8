package io.featurejob.operator.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class RetryBackoffTest {
  private static final ResolvedSpec.Retry DEFAULTS =
      new ResolvedSpec.Retry(Duration.ofMinutes(1), 2.0, Duration.ofHours(1), 0.0, 3, 10);

  @ParameterizedTest(name = "failure {0} waits {1}s")
  @CsvSource({"1, 60", "2, 120", "3, 240", "4, 480", "5, 960", "6, 1920", "7, 3600", "8, 3600", "10, 3600"})
  void doublesUpToTheCap(int failures, long seconds) {
    assertEquals(Duration.ofSeconds(seconds), RetryBackoff.delay(DEFAULTS, failures, "uid"));
  }

  @Test
  void jitterStaysWithinItsFractionAndIsStablePerSeed() {
    ResolvedSpec.Retry jittered = new ResolvedSpec.Retry(Duration.ofMinutes(1), 2.0, Duration.ofHours(1), 0.1, 3, 10);
    long below = 0;
    long above = 0;
    for (int i = 0; i < 1000; i++) {
      Duration d = RetryBackoff.delay(jittered, 1, "job-" + i);
      assertTrue(d.toMillis() >= 54_000 && d.toMillis() <= 66_000, "delay " + d + " outside 60s +/- 10%");
      if (d.toMillis() < 60_000) below++;
      if (d.toMillis() > 60_000) above++;
      assertEquals(d, RetryBackoff.delay(jittered, 1, "job-" + i), "same seed, same delay");
    }
    assertTrue(below > 350 && above > 350, "jitter spreads both ways: " + below + " below, " + above + " above");
  }
}
