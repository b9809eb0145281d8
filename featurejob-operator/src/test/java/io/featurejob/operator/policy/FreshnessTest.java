package io.featurejob.operator.policy;

import static io.featurejob.operator.policy.Drafts.draft;
import static io.featurejob.operator.policy.Drafts.status;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.featurejob.operator.api.FeatureJobSpec;
import java.time.Instant;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The Fresh condition of the hourly job (freshnessSLO 2h, created 10:20), and the wake at staleness. */
class FreshnessTest {

  @ParameterizedTest(name = "{0}: window end {1}, now {2}")
  @CsvSource(delimiter = '|', value = {
      "never succeeded, within SLO | -     | 11:00 | True NotYetDue  | 12:20",
      "never succeeded, past SLO   | -     | 12:30 | False NeverSucceeded | -",
      "succeeded, within SLO       | 10:00 | 11:30 | True WithinSLO  | 12:00",
      "succeeded, stale            | 10:00 | 12:00 | False Stale     | -",
  })
  void freshness(String situation, String windowEnd, String now, String expected, String wake) {
    FeatureJobSpec spec = PolicyFixtures.hourly();
    Draft d = draft(spec, status(0), at(now));
    if (!"-".equals(windowEnd)) {
      d.status.lastSuccessfulWindowEnd = at(windowEnd).toString();
      d.status.lastSuccessTime = at(windowEnd).toString();
    }
    Freshness.update(d);
    var c = Conditions.find(d.status, Conditions.FRESH);
    assertEquals(expected, c.getStatus() + " " + c.getReason());
    assertEquals("-".equals(wake) ? null : at(wake), d.wakeUp);
  }

  static Instant at(String hhmm) {
    return Instant.parse("2026-11-23T" + hhmm + ":00Z");
  }
}
