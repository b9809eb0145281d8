package io.featurejob.operator.node;

import static io.featurejob.operator.alerts.AlertWebhook.alert;
import static io.featurejob.operator.alerts.AlertWebhook.alertOnly;
import static io.featurejob.operator.node.RealNode.assertContains;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.featurejob.operator.alerts.AlertPipeline;
import io.featurejob.operator.alerts.AlertWebhook;
import io.featurejob.operator.api.FailureClass;
import io.featurejob.operator.api.FeatureJob;
import io.featurejob.operator.api.FeatureJobStatus;
import io.featurejob.operator.api.HistoryEntry;
import io.featurejob.operator.api.Importance;
import io.featurejob.operator.api.Labels;
import io.featurejob.operator.api.Outcome;
import io.featurejob.operator.api.Times;
import io.featurejob.operator.cluster.ClusterHarness;
import io.featurejob.operator.demo.Stories;
import io.featurejob.operator.events.EventReason;
import io.featurejob.operator.policy.Conditions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The acceptance story (docs/design.md §1) on the real node, nothing simulated: Debian's PostgreSQL on
 * the host, the job role's password in a Secret, the operator as the chart's ServiceAccount, real
 * driver and executor pods, Prometheus scraping the operator and Alertmanager delivering to a
 * webhook. A run writes features; the table's SELECT is revoked; the real drivers fail with
 * PSQLException "permission denied", classified PermissionDenied from their termination message;
 * AlertThresholdReached after N=2 and FeatureJobFailing reaches Alertmanager; the features go stale
 * (the Fresh condition); the grant is restored; the next retry succeeds with no unblock, the job is fresh
 * again and the alerts resolve. The transcript is {@value #TRANSCRIPT}.
 */
@Tag("node")
class PermissionStoryOnRealNodeTest {
  static final String JOB = "trip-features";
  static final String TRANSCRIPT = "target/node-story/permission.txt";
  static final String FAILED_DRIVER_LOG = "target/node-story/permission-denied-driver.log";
  static final int ENTITIES = 12;
  static final Duration ALERT_WAIT = Duration.ofMinutes(3);
  /** Short, so the failures outlast it; {@link #freshnessSlo} raises it on a slow machine. */
  static final int FRESHNESS_SLO_MINUTES = 3;
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  @Test
  void aRevokedGrantFailsAlertsAndTheNextRetryAfterTheFixSucceedsWithoutAnUnblock() throws Exception {
    Instant started = Instant.now();
    try (PodPostgres db = PodPostgres.start(Path.of("target", "node-story", "postgres"));
        ClusterHarness harness = ClusterHarness.onRealNode("node-perm", SparkOnRealNodeTest.ONE_NODE);
        AlertPipeline alerts = AlertPipeline.start(harness.metricsPort(), ALERT_WAIT)) {
      StoryTranscript story = new StoryTranscript(Path.of(TRANSCRIPT), harness,
          "The permission story on the real node (" + PermissionStoryOnRealNodeTest.class.getSimpleName() + ")");
      Map<String, String> pods = Collections.synchronizedMap(new LinkedHashMap<>());
      try (Watch watch = watchPods(harness, pods)) {
        RealNode.diagnosed(harness, () -> {
          try {
            play(db, harness, alerts, story);
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
          return null;
        });
      } finally {
        story.section("Driver and executor pods (last state the real kubelet reported)",
            pods.entrySet().stream().map(e -> e.getKey() + "  " + e.getValue()).collect(Collectors.joining("\n")));
        story.section("Events of the FeatureJob", story.eventsTimeline());
        story.section("Story took", Duration.between(started, Instant.now()).toSeconds() + " s");
      }
    }
  }

  private static void play(PodPostgres db, ClusterHarness harness, AlertPipeline alerts, StoryTranscript story)
      throws Exception {
    AlertWebhook webhook = alerts.webhook();
    db.sql(FIXTURE);
    story.section("PostgreSQL " + db.podUrl() + " (pods log in as " + db.user + ", pg_hba: " + PodPostgres.POD_CIDR + ")",
        db.sql("SELECT count(*) AS events, count(DISTINCT entity_id) AS entities FROM trip_events"));
    harness.admin.secrets().inNamespace(harness.namespace).resource(new SecretBuilder()
        .withNewMetadata().withName("trips-db").endMetadata()
        .withStringData(Map.of("password", db.password)).build()).create();
    FeatureJob job = harness.create(job(db));
    story.step("1. FeatureJob created: every minute, N=2, back-off 5 s, freshnessSLO " + FRESHNESS_SLO_MINUTES
        + "m; password from Secret trips-db");

    // 1: a run succeeds and writes one feature row per entity for its window
    FeatureJobStatus first = await(harness, "the first run succeeds", RealNode.RUN_TIMEOUT, s -> s.lastSuccessTime != null);
    String firstWindow = first.lastSuccessfulWindowEnd;
    assertEquals(ENTITIES, db.number("SELECT count(*) FROM trip_features WHERE window_end = '" + firstWindow + "'"));
    story.step("2. First run succeeded: " + ENTITIES + " feature rows for window end " + firstWindow);
    story.section("trip_features", db.sql("SELECT window_end, count(*) AS rows, sum(event_count) AS events"
        + " FROM trip_features GROUP BY window_end ORDER BY window_end"));
    Duration age = Duration.between(Times.parse(firstWindow), Times.parse(first.lastSuccessTime));
    String slo = freshnessSlo(age);
    if (!slo.equals(job.getSpec().freshnessSLO)) {
      // a loaded machine: no run could be fresh with the default, so neither could the recovery
      harness.admin.resources(FeatureJob.class).inNamespace(harness.namespace).withName(JOB)
          .edit(j -> {
            j.getSpec().freshnessSLO = slo;
            return j;
          });
      story.step("2b. The first run's data was " + age.toSeconds() + " s old at its success: freshnessSLO raised to "
          + slo + " so that a run can be fresh on this machine");
    }

    // 2: the permission is revoked: real drivers fail, classified PermissionDenied, alert after N
    Instant revoked = Instant.now();
    db.sql("REVOKE SELECT ON trip_events FROM featurejob");
    story.step("3. REVOKE SELECT ON trip_events FROM featurejob");
    // two whole Spark runs: give them twice the time of one
    FeatureJobStatus failing = await(harness, "AlertThresholdReached after 2 failures", RealNode.RUN_TIMEOUT.multipliedBy(2),
        s -> s.consecutiveFailures != null && s.consecutiveFailures >= 2
            && harness.eventCount(JOB, EventReason.AlertThresholdReached) > 0);
    List<HistoryEntry> failed = failing.history.stream()
        .filter(h -> h.outcome == Outcome.Failed && Times.parse(h.startTime).isAfter(revoked.minusSeconds(60))).toList();
    assertTrue(failed.size() >= 2, () -> "failed attempts: " + failed.size());
    for (HistoryEntry h : failed) {
      assertEquals(FailureClass.PermissionDenied, h.failureClass, h.podName + " " + h.reason + ": " + h.message);
      assertContains(h.message, "permission denied for table trip_events");
      // nothing of Spark's multi-line INFO records (its environment dump on a slow machine)
      assertFalse(h.message.contains("fs.s3a.") || h.message.contains("), ("), h.message);
    }
    assertEquals(FailureClass.PermissionDenied, failing.lastFailure.failureClass);
    assertTrue(Conditions.isTrue(failing, Conditions.ALERTING), "Alerting condition");
    story.step("4. " + failing.consecutiveFailures + " real failures, AlertThresholdReached");
    Pod firstFailed = harness.pod(failed.get(0).podName).orElseThrow();
    Files.writeString(Path.of(FAILED_DRIVER_LOG), RealNode.logs(harness.namespace, failed.get(0).podName));
    story.section("The real kubelet's termination message of " + failed.get(0).podName + " (the driver's evidence"
        + " summary; its whole log: " + FAILED_DRIVER_LOG + ")",
        firstFailed.getStatus().getContainerStatuses().get(0).getState().getTerminated().getMessage());
    story.section("status.lastFailure (from the real driver " + failing.lastFailure.podName + ")",
        "class: " + failing.lastFailure.failureClass + "\nreason: " + failing.lastFailure.reason
            + "\nexitCode: " + failing.lastFailure.exitCode + "\nmessage: |\n  "
            + failing.lastFailure.message.replace("\n", "\n  "));

    // 3: the alert reaches Alertmanager through Prometheus scraping /metrics with the shipped rules
    AlertWebhook.Received warning = awaitNotification(webhook, alerts, "firing", "FeatureJobFailing");
    JsonNode labels = firstAlert(warning, "firing", "FeatureJobFailing").get("labels");
    assertEquals("warning", labels.get("severity").asText());
    assertEquals(harness.namespace, labels.get("namespace").asText());
    assertEquals("PermissionDenied", labels.get("failure_class").asText());
    assertEquals("trips_hourly", labels.get("feature_view").asText());
    assertEquals("High", labels.get("importance").asText());
    assertEquals("mobility", labels.get("team").asText());
    assertEquals("ana", labels.get("owner").asText());
    story.section("5. Alertmanager delivered FeatureJobFailing (" + warning.at() + ")", pretty(warning.body()));

    // 4: the newest window is older than freshnessSLO: the features are stale
    FeatureJobStatus stale = await(harness, "stale", RealNode.RUN_TIMEOUT, s -> !Conditions.isTrue(s, Conditions.FRESH));
    assertEquals("Stale", Conditions.find(stale, Conditions.FRESH).getReason());
    story.step("6. Fresh=False: " + Conditions.find(stale, Conditions.FRESH).getMessage());

    // 5: the owner restores the grant and does nothing else: the next retry succeeds
    Instant granted = Instant.now();
    db.sql("GRANT SELECT ON trip_events TO featurejob");
    story.step("7. GRANT SELECT ON trip_events TO featurejob (no annotation, nothing else)");
    FeatureJobStatus recovered = await(harness, "the next retry succeeds", RealNode.RUN_TIMEOUT.multipliedBy(2),
        s -> s.consecutiveFailures != null && s.consecutiveFailures == 0 && Times.parse(s.lastSuccessTime).isAfter(granted));
    // The attempt that succeeded may have started before the grant: on a fast machine the 5 s back-off
    // starts a retry while the story waits for Fresh=False, and its driver reads the table after the
    // grant. What ended between the grant and the success can only be such an in-flight attempt that
    // read the table before the grant: a PermissionDenied failure that started before it.
    List<HistoryEntry> endedAfterGrant = recovered.history.stream()
        .filter(h -> h.finishTime != null && !Times.parse(h.finishTime).isBefore(granted))
        .sorted(Comparator.comparing((HistoryEntry h) -> Times.parse(h.finishTime))).toList();
    HistoryEntry next = endedAfterGrant.stream().filter(h -> h.outcome == Outcome.Succeeded).findFirst()
        .orElseThrow(() -> new AssertionError("no attempt succeeded after the grant: "
            + endedAfterGrant.stream().map(h -> h.podName + " " + h.outcome).toList()));
    for (HistoryEntry before : endedAfterGrant.subList(0, endedAfterGrant.indexOf(next))) {
      assertEquals(FailureClass.PermissionDenied, before.failureClass, () -> before.podName + ": " + before.message);
      assertTrue(Times.parse(before.startTime).isBefore(granted), () -> before.podName + " started after the grant and failed");
    }
    assertEquals("Retry", next.trigger);
    assertNull(recovered.lastUnblockToken);
    assertEquals(0, harness.eventCount(JOB, EventReason.Unblocked));
    assertTrue(harness.eventCount(JOB, EventReason.Recovered) > 0, "a Recovered event");
    assertEquals(ENTITIES, db.number("SELECT count(*) FROM trip_features WHERE window_end = '"
        + recovered.lastSuccessfulWindowEnd + "'"));
    FeatureJobStatus fresh = await(harness, "fresh again", RealNode.RUN_TIMEOUT, s -> Conditions.isTrue(s, Conditions.FRESH));
    story.step("8. The next retry (" + next.podName + ") succeeded: " + ENTITIES + " rows for window end "
        + recovered.lastSuccessfulWindowEnd + "; Fresh=True (" + Conditions.find(fresh, Conditions.FRESH).getMessage() + ")");
    story.section("trip_features", db.sql("SELECT window_end, count(*) AS rows, sum(event_count) AS events"
        + " FROM trip_features GROUP BY window_end ORDER BY window_end"));

    // 6: the alerts resolve, and stay resolved over a window of rule evaluations. FeatureStale counts
    // from the last success's time, not its window's end, so it pages later than Fresh turns False,
    // when at all before the grant: it must resolve if it was sent.
    AlertWebhook.Received resolved = awaitNotification(webhook, alerts, "resolved", "FeatureJobFailing");
    StringBuilder notes = new StringBuilder("FeatureJobFailing resolved at " + resolved.at() + "\n");
    if (webhook.hasReceived(alert("firing", "FeatureStale", JOB))) {
      notes.append("FeatureStale resolved at ")
          .append(awaitNotification(webhook, alerts, "resolved", "FeatureStale").at()).append('\n');
    }
    int evaluations = alerts.awaitRuleEvaluationsAfter(Instant.now(), 5,
        () -> assertTrue(alerts.query("ALERTS{featurejob=\"" + JOB + "\"}").isEmpty(), "no alert for " + JOB));
    story.section("9. Alertmanager delivered the resolution; no alert for " + JOB + " over " + evaluations
        + " rule evaluations after it", notes + pretty(resolved.body()));
  }

  // -------------------------------------------------------------------------------------------

  /** Events over 12 entities; the job role reads them and writes the features table. */
  static final String FIXTURE = """
      CREATE TABLE trip_events (entity_id text NOT NULL, value double precision NOT NULL, ts timestamptz NOT NULL);
      INSERT INTO trip_events SELECT 'driver-' || (i % 12), i % 7, timestamptz '2026-11-01 00:00+00' + i * interval '1 minute'
        FROM generate_series(1, 600) AS i;
      CREATE TABLE trip_features (entity_id text, event_count bigint, value_sum double precision, window_end text);
      GRANT SELECT ON trip_events TO featurejob;
      GRANT SELECT, INSERT ON trip_features TO featurejob;
      """;

  private static FeatureJob job(PodPostgres db) {
    FeatureJob job = SparkOnRealNodeTest.sparkJob(JOB, List.of("--jdbc", db.podUrl(), "--user", db.user,
        "--password-env", "JDBC_PASSWORD", "--source", "trip_events", "--target", "trip_features",
        "--end", "${WINDOW_END}"));
    job.getMetadata().setLabels(Map.of("team", "mobility", "owner", "ana"));
    job.getSpec().featureView = "trips_hourly";
    job.getSpec().importance = Importance.High;
    job.getSpec().schedule = "* * * * *";
    job.getSpec().freshnessSLO = FRESHNESS_SLO_MINUTES + "m";
    job.getSpec().spark.sparkConf = Map.of(
        "spark.sql.shuffle.partitions", "1",
        "spark.ui.enabled", "false",
        // a failing driver need not wait 30 s for executors before it runs into the revoked grant
        "spark.scheduler.maxRegisteredResourcesWaitingTime", "5s");
    job.getSpec().retryPolicy = Stories.retry("5s", 1.0, "5s", 0.0, 2, 20);
    job.getSpec().spark.executor.instances = 1;
    job.getSpec().spark.driver.env = List.of(new EnvVarBuilder().withName("JDBC_PASSWORD").withNewValueFrom()
        .withNewSecretKeyRef().withName("trips-db").withKey("password").endSecretKeyRef().endValueFrom().build());
    return job;
  }

  /**
   * {@value #FRESHNESS_SLO_MINUTES} minutes, or twice the age of the first run's data at its success in whole minutes
   * when that is longer (the machine's runs are slow).
   */
  static String freshnessSlo(Duration ageAtSuccess) {
    long minutes = (ageAtSuccess.multipliedBy(2).toSeconds() + 59) / 60;
    return Math.max(minutes, FRESHNESS_SLO_MINUTES) + "m";
  }

  private static FeatureJobStatus await(ClusterHarness harness, String what, Duration atMost,
      Predicate<FeatureJobStatus> condition) {
    return Awaitility.await(JOB + ": " + what).atMost(atMost).pollInterval(RealNode.POLL)
        .ignoreExceptions().until(() -> harness.status(JOB), s -> s != null && condition.test(s));
  }

  private static AlertWebhook.Received awaitNotification(AlertWebhook webhook, AlertPipeline alerts, String status,
      String alertname) {
    return webhook.await(alert(status, alertname, JOB), RealNode.RUN_TIMEOUT, alerts::logs);
  }

  private static JsonNode firstAlert(AlertWebhook.Received received, String status, String alertname) {
    return AlertWebhook.find(received.body(), alertOnly(status, alertname, JOB)).orElseThrow();
  }

  private static String pretty(JsonNode json) throws JsonProcessingException {
    return JSON.writeValueAsString(json);
  }

  /** Records every Spark pod of the namespace with its role and last state, in order of appearance. */
  private static Watch watchPods(ClusterHarness harness, Map<String, String> pods) {
    return harness.admin.pods().inNamespace(harness.namespace).withLabel(Labels.SPARK_ROLE)
        .watch(new Watcher<>() {
          @Override
          public void eventReceived(Action action, Pod pod) {
            String role = pod.getMetadata().getLabels().get(Labels.SPARK_ROLE);
            String seen = role + "  " + RealNode.summary(pod);
            pods.put(pod.getMetadata().getName(), action == Action.DELETED ? seen + " (deleted)" : seen);
          }

          @Override
          public void onClose(WatcherException cause) {
            // the test closes it
          }
        });
  }
}
