package io.featurejob.operator.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.featurejob.operator.api.Attempt;
import io.featurejob.operator.api.FeatureJobStatus;
import io.featurejob.operator.api.HistoryEntry;
import io.featurejob.operator.observe.JobPods;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Which of the job's drivers a decision deletes: one row per pod shape. Status: attempt p-5 running, history p-4, p-3. */
class PodCleanupTest {
  static final Instant OLDEST_KEPT = Instant.parse("2026-11-23T03:00:00Z");

  static Stream<Arguments> rows() {
    return Stream.of(
        row("running, not the attempt: a lost delete", pod("p-2", "2026-11-23T02:00:00Z", false, false), null, List.of("p-2")),
        row("running, in history (timed out, delete lost)", pod("p-4", "2026-11-23T04:00:00Z", false, false), null,
            List.of("p-4")),
        row("being deleted already", pod("p-2", "2026-11-23T02:00:00Z", false, true), null, List.of()),
        row("finished, in history", pod("p-4", "2026-11-23T04:00:00Z", true, false), null, List.of()),
        row("finished, fell out of history", pod("p-1", "2026-11-23T01:00:00Z", true, false), null, List.of("p-1")),
        row("finished, newer than the oldest kept (never recorded): kept", pod("p-9", "2026-11-23T06:00:00Z", true, false),
            null, List.of()),
        row("the attempt's own pod is stopped once", pod("p-5", "2026-11-23T05:00:00Z", false, false), "p-5", List.of("p-5")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rows")
  void deletes(String name, JobPods.DriverPod pod, String stop, List<String> expected) {
    assertEquals(expected, PodCleanup.toDelete(status(), List.of(pod), stop));
  }

  private static Arguments row(String name, JobPods.DriverPod pod, String stop, List<String> expected) {
    return Arguments.of(name, pod, stop, expected);
  }

  private static JobPods.DriverPod pod(String name, String created, boolean finished, boolean deleting) {
    return new JobPods.DriverPod(name, Instant.parse(created), finished, deleting);
  }

  private static FeatureJobStatus status() {
    FeatureJobStatus s = new FeatureJobStatus();
    s.currentAttempt = new Attempt();
    s.currentAttempt.podName = "p-5";
    s.history = new ArrayList<>(List.of(entry("p-4", "2026-11-23T04:00:00Z"), entry("p-3", OLDEST_KEPT.toString())));
    return s;
  }

  private static HistoryEntry entry(String pod, String start) {
    HistoryEntry h = new HistoryEntry();
    h.podName = pod;
    h.startTime = start;
    return h;
  }
}
