package io.featurejob.operator.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.featurejob.operator.api.CapacityType;
import io.featurejob.operator.api.FailureClass;
import io.featurejob.operator.api.Importance;
import io.featurejob.operator.api.Outcome;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class FeatureJobMetricsTest {
  static final Instant LAST_SUCCESS = Instant.parse("2025-03-01T10:00:00Z");
  static final Instant NEXT_RUN = Instant.parse("2025-03-01T12:04:00Z");

  final FeatureJobMetrics metrics = new FeatureJobMetrics(List.of("team", "owner", "app.kubernetes.io/part-of"));

  static JobSnapshot snapshot(String ns, String name, int failures, Instant lastSuccess, Instant nextRun) {
    return new JobSnapshot(ns, name, "trips_hourly", Importance.High,
        Map.of("team", "mobility", "app.kubernetes.io/part-of", "features", "unrelated", "x"),
        failures, failures >= 3, failures >= 10, lastSuccess, Duration.ofHours(2), nextRun);
  }

  List<ScrapedSample> samples() {
    return ScrapedSample.parse(metrics.scrape());
  }

  List<ScrapedSample> find(String name, Map<String, String> labels) {
    return samples().stream().filter(s -> s.name().equals(name) && s.has(labels)).toList();
  }

  double value(String name, Map<String, String> labels) {
    List<ScrapedSample> found = find(name, labels);
    assertEquals(1, found.size(), "expected exactly one " + name + labels + " in\n" + metrics.scrape());
    return found.get(0).value();
  }

  void populate() {
    metrics.recordRunFinished("ml", "trips", Outcome.Failed, FailureClass.PermissionDenied,
        Duration.ofMinutes(3), Map.of(CapacityType.OnDemand, 180.0, CapacityType.Spot, 1440.0));
    metrics.recordRunFinished("ml", "trips", Outcome.Succeeded, null,
        Duration.ofMinutes(40), Map.of(CapacityType.OnDemand, 2400.0));
    metrics.updateJob(snapshot("ml", "trips", 4, LAST_SUCCESS, NEXT_RUN));
    metrics.recordRetryLaunched(Duration.ofMillis(300), Duration.ofMillis(1500));
  }

  @Test
  void scrapeHasExactlyTheContractMetricNames() {
    populate();
    Map<String, String> types = new TreeMap<>(ScrapedSample.types(metrics.scrape()));
    Map<String, String> expected = new TreeMap<>(Map.ofEntries(
        Map.entry("featurejob_runs_total", "counter"),
        Map.entry("featurejob_consecutive_failures", "gauge"),
        Map.entry("featurejob_alerting", "gauge"),
        Map.entry("featurejob_permanently_failed", "gauge"),
        Map.entry("featurejob_last_success_timestamp_seconds", "gauge"),
        Map.entry("featurejob_freshness_slo_seconds", "gauge"),
        Map.entry("featurejob_next_run_timestamp_seconds", "gauge"),
        Map.entry("featurejob_run_duration_seconds", "histogram"),
        // Micrometer adds a max gauge to every timer; it is not in the contract but harmless.
        Map.entry("featurejob_run_duration_seconds_max", "gauge"),
        Map.entry("featurejob_compute_seconds_total", "counter"),
        Map.entry("featurejob_retry_delay_seconds", "histogram"),
        Map.entry("featurejob_retry_delay_seconds_max", "gauge"),
        Map.entry("featurejob_info", "gauge"),
        Map.entry("featurejob_last_failure_info", "gauge")));
    assertEquals(expected, types);

    Set<String> sampleNames = new TreeSet<>();
    samples().forEach(s -> sampleNames.add(s.name()));
    assertTrue(sampleNames.containsAll(Set.of("featurejob_run_duration_seconds_bucket",
        "featurejob_run_duration_seconds_count", "featurejob_run_duration_seconds_sum")), sampleNames.toString());
  }

  @Test
  void runsCarryOutcomeAndClassWithNoneForSuccess() {
    populate();
    metrics.recordRunFinished("ml", "trips", Outcome.Failed, FailureClass.PermissionDenied, null, Map.of());
    assertEquals(2.0, value("featurejob_runs_total", Map.of("namespace", "ml", "featurejob", "trips",
        "outcome", "Failed", "failure_class", "PermissionDenied")));
    assertEquals(1.0, value("featurejob_runs_total", Map.of("namespace", "ml", "featurejob", "trips",
        "outcome", "Succeeded", "failure_class", FeatureJobMetrics.NO_FAILURE_CLASS)));
    for (ScrapedSample s : find("featurejob_runs_total", Map.of())) {
      assertEquals(Set.of("namespace", "featurejob", "outcome", "failure_class"), s.labels().keySet());
    }
  }

  @Test
  void durationHistogramIsByOutcomeWithMinuteToHourBuckets() {
    populate();
    Map<String, String> failed = Map.of("outcome", "Failed");
    assertEquals(Set.of("outcome", "le"), find("featurejob_run_duration_seconds_bucket", failed).get(0).labels().keySet());
    // 3 minutes: not within 2m, within 5m.
    assertEquals(0.0, value("featurejob_run_duration_seconds_bucket", Map.of("outcome", "Failed", "le", "120.0")));
    assertEquals(1.0, value("featurejob_run_duration_seconds_bucket", Map.of("outcome", "Failed", "le", "300.0")));
    assertEquals(1.0, value("featurejob_run_duration_seconds_bucket", Map.of("outcome", "Succeeded", "le", "3600.0")));
    assertEquals(1.0, value("featurejob_run_duration_seconds_bucket", Map.of("outcome", "Succeeded", "le", "43200.0")));
    assertEquals(180.0, value("featurejob_run_duration_seconds_sum", failed));
    assertEquals(1.0, value("featurejob_run_duration_seconds_count", failed));
  }

  @Test
  void retryDelayIsTwoSeriesByStepWithSubSecondBuckets() {
    populate();
    metrics.recordRetryLaunched(Duration.ofSeconds(-1), Duration.ofSeconds(40)); // a clock step back counts as 0
    assertEquals(Set.of("step", "le"), find("featurejob_retry_delay_seconds_bucket", Map.of()).get(0).labels().keySet());
    Map<String, String> decided = Map.of("step", "decided");
    Map<String, String> created = Map.of("step", "pod_created");
    assertEquals(1.0, value("featurejob_retry_delay_seconds_bucket", Map.of("step", "decided", "le", "0.1")));
    assertEquals(2.0, value("featurejob_retry_delay_seconds_bucket", Map.of("step", "decided", "le", "0.5")));
    assertEquals(0.0, value("featurejob_retry_delay_seconds_bucket", Map.of("step", "pod_created", "le", "1.0")));
    assertEquals(1.0, value("featurejob_retry_delay_seconds_bucket", Map.of("step", "pod_created", "le", "2.0")));
    assertEquals(2.0, value("featurejob_retry_delay_seconds_bucket", Map.of("step", "pod_created", "le", "60.0")));
    assertEquals(0.3, value("featurejob_retry_delay_seconds_sum", decided), 1e-9);
    assertEquals(41.5, value("featurejob_retry_delay_seconds_sum", created), 1e-9);
    assertEquals(2.0, value("featurejob_retry_delay_seconds_count", created));
  }

  @Test
  void computeSecondsAccumulatePerCapacityAndOutcome() {
    populate();
    metrics.recordRunFinished("ml", "trips", Outcome.Succeeded, null, Duration.ofMinutes(1),
        Map.of(CapacityType.OnDemand, 100.0, CapacityType.Spot, 0.0));
    assertEquals(2500.0, value("featurejob_compute_seconds_total", Map.of("namespace", "ml", "featurejob", "trips",
        "capacity", "OnDemand", "outcome", "Succeeded")));
    assertEquals(1440.0, value("featurejob_compute_seconds_total", Map.of("capacity", "Spot", "outcome", "Failed")));
    assertTrue(find("featurejob_compute_seconds_total", Map.of("capacity", "Spot", "outcome", "Succeeded")).isEmpty(),
        "zero compute does not create a series");
  }

  @Test
  void jobGaugesShowTheSnapshot() {
    populate();
    Map<String, String> job = Map.of("namespace", "ml", "featurejob", "trips");
    assertEquals(4.0, value("featurejob_consecutive_failures", job));
    assertEquals(1.0, value("featurejob_alerting", job));
    assertEquals(0.0, value("featurejob_permanently_failed", job));
    assertEquals(LAST_SUCCESS.getEpochSecond(), value("featurejob_last_success_timestamp_seconds", job));
    assertEquals(7200.0, value("featurejob_freshness_slo_seconds", job));
    assertEquals(NEXT_RUN.getEpochSecond(), value("featurejob_next_run_timestamp_seconds", job));
    assertEquals(Set.of("namespace", "featurejob"), find("featurejob_alerting", job).get(0).labels().keySet());

    metrics.updateJob(snapshot("ml", "trips", 10, LAST_SUCCESS, NEXT_RUN));
    assertEquals(10.0, value("featurejob_consecutive_failures", job));
    assertEquals(1.0, value("featurejob_permanently_failed", job));
  }

  @Test
  void unknownTimesAreAbsentNotZero() {
    metrics.updateJob(snapshot("ml", "new-job", 0, null, null));
    Map<String, String> job = Map.of("featurejob", "new-job");
    assertTrue(find("featurejob_last_success_timestamp_seconds", job).isEmpty());
    assertTrue(find("featurejob_next_run_timestamp_seconds", job).isEmpty());

    metrics.updateJob(snapshot("ml", "new-job", 0, LAST_SUCCESS, NEXT_RUN));
    assertEquals(LAST_SUCCESS.getEpochSecond(), value("featurejob_last_success_timestamp_seconds", job));
    assertEquals(NEXT_RUN.getEpochSecond(), value("featurejob_next_run_timestamp_seconds", job));

    // Parked: nothing scheduled any more.
    metrics.updateJob(snapshot("ml", "new-job", 10, LAST_SUCCESS, null));
    assertTrue(find("featurejob_next_run_timestamp_seconds", job).isEmpty());
    assertEquals(LAST_SUCCESS.getEpochSecond(), value("featurejob_last_success_timestamp_seconds", job));
  }

  @Test
  void infoCarriesAllowListedOwnerLabelsOnly() {
    populate();
    ScrapedSample info = find("featurejob_info", Map.of("featurejob", "trips")).get(0);
    assertEquals(1.0, info.value());
    assertEquals(Map.of("namespace", "ml", "featurejob", "trips", "feature_view", "trips_hourly",
        "importance", "High", "team", "mobility", "owner", "", "app_kubernetes_io_part_of", "features"),
        info.labels());
  }

  @Test
  void infoChangeReplacesTheSeries() {
    populate();
    metrics.updateJob(new JobSnapshot("ml", "trips", "trips_daily", Importance.Critical, Map.of("owner", "ana"),
        0, false, false, LAST_SUCCESS, Duration.ofHours(2), NEXT_RUN));
    List<ScrapedSample> infos = find("featurejob_info", Map.of("featurejob", "trips"));
    assertEquals(1, infos.size(), metrics.scrape());
    assertEquals("trips_daily", infos.get(0).labels().get("feature_view"));
    assertEquals("Critical", infos.get(0).labels().get("importance"));
    assertEquals("ana", infos.get(0).labels().get("owner"));
    assertEquals("", infos.get(0).labels().get("team"));
  }

  @Test
  void removeJobDropsEverySeriesOfThatJobOnly() {
    populate();
    metrics.updateJob(snapshot("ml", "other", 0, LAST_SUCCESS, NEXT_RUN));
    metrics.recordRunFinished("ml", "other", Outcome.Succeeded, null, Duration.ofMinutes(5),
        Map.of(CapacityType.Spot, 10.0));
    metrics.updateJob(snapshot("fraud", "trips", 0, LAST_SUCCESS, NEXT_RUN));

    metrics.removeJob("ml", "trips");

    String text = metrics.scrape();
    for (ScrapedSample s : ScrapedSample.parse(text)) {
      assertFalse(s.has(Map.of("namespace", "ml", "featurejob", "trips")), "left behind: " + s);
    }
    assertEquals(0.0, value("featurejob_consecutive_failures", Map.of("namespace", "ml", "featurejob", "other")));
    assertEquals(1.0, value("featurejob_runs_total", Map.of("featurejob", "other")));
    assertEquals(0.0, value("featurejob_consecutive_failures", Map.of("namespace", "fraud", "featurejob", "trips")));

    // A job created again under the same name starts afresh.
    metrics.updateJob(snapshot("ml", "trips", 1, null, NEXT_RUN));
    assertEquals(1.0, value("featurejob_consecutive_failures", Map.of("namespace", "ml", "featurejob", "trips")));
    assertEquals(1, find("featurejob_info", Map.of("namespace", "ml", "featurejob", "trips")).size());
  }

  @Test
  void labelsNeverCarryMessagesAndFeatureViewIsBounded() {
    String longView = "v".repeat(1000);
    metrics.updateJob(new JobSnapshot("ml", "long", longView, Importance.Low, Map.of(), 0, false, false,
        null, Duration.ofHours(1), null));
    String view = find("featurejob_info", Map.of("featurejob", "long")).get(0).labels().get("feature_view");
    assertEquals(253, view.length());
  }

  @Test
  void conflictingOwnerLabelsAreRejectedUpFront() {
    assertThrows(IllegalArgumentException.class, () -> new FeatureJobMetrics(List.of("importance")));
    assertThrows(IllegalArgumentException.class, () -> new FeatureJobMetrics(List.of("feature-view")));
  }

  static JobSnapshot failed(String name, FailureClass lastFailure) {
    return new JobSnapshot("ml", name, "trips_hourly", Importance.High, Map.of("team", "mobility"),
        lastFailure == null ? 0 : 4, false, false, LAST_SUCCESS, Duration.ofHours(2), NEXT_RUN, lastFailure);
  }

  @Test
  void lastFailureInfoNamesTheClassAndIsNoneForAJobThatNeverFailed() {
    metrics.updateJob(failed("fresh", null));
    metrics.updateJob(failed("trips", FailureClass.PermissionDenied));

    List<ScrapedSample> fresh = find("featurejob_last_failure_info", Map.of("featurejob", "fresh"));
    assertEquals(1, fresh.size(), metrics.scrape());
    assertEquals(Map.of("namespace", "ml", "featurejob", "fresh", "failure_class", "none"), fresh.get(0).labels());
    assertEquals(1.0, fresh.get(0).value());
    assertEquals(1.0, value("featurejob_last_failure_info",
        Map.of("namespace", "ml", "featurejob", "trips", "failure_class", "PermissionDenied")));
  }

  @Test
  void lastFailureClassChangeReplacesTheSeriesAndRemoveJobDropsIt() {
    metrics.updateJob(failed("trips", FailureClass.CapacityUnavailable));
    metrics.updateJob(failed("trips", FailureClass.OutOfMemory));
    metrics.updateJob(failed("trips", FailureClass.OutOfMemory));

    List<ScrapedSample> infos = find("featurejob_last_failure_info", Map.of("featurejob", "trips"));
    assertEquals(1, infos.size(), metrics.scrape());
    assertEquals("OutOfMemory", infos.get(0).labels().get("failure_class"));

    metrics.removeJob("ml", "trips");
    assertTrue(find("featurejob_last_failure_info", Map.of("featurejob", "trips")).isEmpty(), metrics.scrape());
  }
}
