package io.featurejob.operator.policy;

import static io.featurejob.operator.policy.PolicyFixtures.decide;
import static io.featurejob.operator.policy.PolicyFixtures.hourly;
import static io.featurejob.operator.policy.PolicyFixtures.noPod;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.featurejob.operator.api.FailureClass;
import io.featurejob.operator.api.FeatureJobSpec;
import io.featurejob.operator.api.FeatureJobStatus;
import io.featurejob.operator.observe.Observation;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The next deadline of a decision, and the requeue derived from it, for the hourly job created at 10:20
 * (schedulingTimeout 10m, runTimeout 2h, freshnessSLO 2h, backoff 1m x2): one row per situation.
 */
class NextDeadlineTest {
  static final Instant LAUNCH = Instant.parse("2026-11-23T10:25:00Z");

  record Row(String name, Function<FeatureJobSpec, Decision> decision, String deadline) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Arguments> rows() {
    return Stream.of(
        row("launching: its scheduling timeout", spec -> decide(spec, null, noPod(), LAUNCH), "10:35"),
        row("pending: its scheduling timeout", spec -> decide(spec, launched(spec),
            new Observation.Pending(at("10:25"), true, "no nodes"), at("10:30")), "10:35"),
        row("running, executors blocked: their scheduling timeout", spec -> decide(spec, launched(spec),
            new Observation.Running(at("10:26"), at("10:40"), "spot"), at("10:45")), "10:50"),
        row("running: staleness, before the run timeout", spec -> decide(spec, launched(spec),
            new Observation.Running(at("10:26"), null, null), at("11:00")), "12:20"),
        row("succeeded: the next tick", spec -> decide(spec, launched(spec), new Observation.Succeeded(at("10:40")),
            at("10:40")), "11:00"),
        row("failed: the retry", spec -> decide(spec, launched(spec),
            PolicyFixtures.failed(FailureClass.UserCodeError, "boom"), at("10:40")), "10:41"),
        row("parked while fresh: staleness", spec -> {
          spec.retryPolicy.alertAfterFailures = 1;
          spec.retryPolicy.maxConsecutiveFailures = 1;
          return decide(spec, launched(spec), PolicyFixtures.failed(FailureClass.UserCodeError, "boom"), at("10:40"));
        }, "12:20"),
        row("parked and stale: none (a human acts)", spec -> {
          spec.retryPolicy.alertAfterFailures = 1;
          spec.retryPolicy.maxConsecutiveFailures = 1;
          FeatureJobStatus parked = decide(spec, launched(spec), PolicyFixtures.failed(FailureClass.UserCodeError, "x"),
              at("10:40")).status();
          return decide(spec, parked, noPod(), at("13:00"));
        }, "-"),
        row("invalid spec: none", spec -> {
          spec.schedule = "61 * * * *";
          return decide(spec, null, noPod(), LAUNCH);
        }, "-"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rows")
  void deadline(Row row) {
    Decision d = row.decision().apply(hourly());
    Instant expected = "-".equals(row.deadline()) ? null : at(row.deadline());
    assertEquals(expected, d.nextDeadline());
  }

  @ParameterizedTest(name = "at {0} with deadline {1}: requeue after {2} minutes")
  @CsvSource({"10:00, 10:05, 5", "10:00, 10:10, 10", "10:00, 12:00, 10", "10:00, -, 10", "10:05, 10:00, 0"})
  void requeueIsTheDeadlineCappedByTheSafetyNet(String now, String deadline, long expectedMinutes) {
    assertEquals(minutes(expectedMinutes), Draft.requeueAfter(at(now), "-".equals(deadline) ? null : at(deadline)));
  }

  private static Arguments row(String name, Function<FeatureJobSpec, Decision> decision, String deadline) {
    return Arguments.of(new Row(name, decision, deadline));
  }

  private static FeatureJobStatus launched(FeatureJobSpec spec) {
    return decide(spec, null, noPod(), LAUNCH).status();
  }

  static Instant at(String hhmm) {
    return Instant.parse("2026-11-23T" + hhmm + ":00Z");
  }

  static Duration minutes(long m) {
    return Duration.ofMinutes(m);
  }
}
