package io.featurejob.operator.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.featurejob.operator.api.FailureClass;
import io.featurejob.operator.observe.Observation;
import java.time.Instant;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * One row per observation of an attempt started at 10:00 (schedulingTimeout 10m, runTimeout 2h): what
 * settles, with which class and rule, whether the pod is stopped, or until when nothing does.
 */
class AttemptSettlingTest {
  static final String START = "2026-11-23T10:00:00Z";

  static Stream<Arguments> rows() {
    return Stream.of(
        row("succeeded", new Observation.Succeeded(at("10:30")), "10:35", "Succeeded 10:30"),
        row("failed by itself", PolicyFixtures.failed(FailureClass.UserCodeError, "boom"), "10:35",
            "Failed UserCodeError test:UserCodeError stop=false"),
        row("pending, within schedulingTimeout", new Observation.Pending(at("10:00"), true, "no nodes"), "10:05",
            "Running until 10:10"),
        row("pending past schedulingTimeout", new Observation.Pending(at("10:00"), true, "no nodes"), "10:10",
            "Failed CapacityUnavailable builtin:scheduling-timeout stop=true"),
        row("running, executors blocked since 10:30", new Observation.Running(at("10:01"), at("10:30"), "spot"), "10:35",
            "Running until 10:40"),
        row("running, executors blocked too long", new Observation.Running(at("10:01"), at("10:30"), "spot"), "10:40",
            "Failed CapacityUnavailable builtin:executors-unschedulable stop=true"),
        row("running, nothing blocked", new Observation.Running(at("10:01"), null, null), "11:00", "Running until 12:00"),
        row("running past runTimeout", new Observation.Running(at("10:01"), null, null), "12:00",
            "Failed Timeout builtin:run-timeout stop=true"),
        row("never created: created now", new Observation.NeverCreated(), "13:00", "Create until 13:10"),
        row("rejected by the API server", new Observation.Rejected(422, "Invalid value"), "10:00",
            "Failed ConfigError builtin:pod-rejected stop=false"),
        row("name taken by a pod not the job's", new Observation.NotOurs("p", "no owner"), "10:00",
            "Failed ConfigError builtin:pod-name-taken stop=false"),
        row("seen, now gone", new Observation.NoPod(), "10:20", "Failed PodDeleted builtin:pod-vanished stop=false"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rows")
  void settles(String name, Observation observation, String now, String expected) {
    ResolvedSpec spec = PolicyFixtures.RESOLVER.resolve(PolicyFixtures.hourly()).spec();
    AttemptSettling.Settlement s = AttemptSettling.settle(Drafts.attempt(START), observation, spec, at(now));
    assertEquals(expected, describe(s));
  }

  private static String describe(AttemptSettling.Settlement s) {
    if (s instanceof AttemptSettling.Succeeded x) {
      return "Succeeded " + hhmm(x.finishedAt());
    }
    if (s instanceof AttemptSettling.Failed f) {
      return "Failed " + f.classification().failureClass() + " " + f.classification().rule() + " stop=" + f.stopPod();
    }
    if (s instanceof AttemptSettling.StillRunning r) {
      return "Running until " + hhmm(r.deadline());
    }
    return "Create until " + hhmm(((AttemptSettling.Create) s).deadline());
  }

  private static Arguments row(String name, Observation o, String now, String expected) {
    return Arguments.of(name, o, now, expected);
  }

  static Instant at(String hhmm) {
    return Instant.parse("2026-11-23T" + hhmm + ":00Z");
  }

  private static String hhmm(Instant t) {
    return t.toString().substring(11, 16);
  }
}
