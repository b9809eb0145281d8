package io.featurejob.operator.node;

import static io.featurejob.operator.node.RealNode.assertContains;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.featurejob.operator.api.FailureClass;
import io.featurejob.operator.api.FeatureJob;
import io.featurejob.operator.api.FeatureJobStatus;
import io.featurejob.operator.api.HistoryEntry;
import io.featurejob.operator.api.Outcome;
import io.featurejob.operator.api.Phase;
import io.featurejob.operator.api.Times;
import io.featurejob.operator.cluster.ClusterHarness;
import io.featurejob.operator.demo.Stories;
import io.featurejob.operator.events.EventReason;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Retry on a fix the operator can see (policy.RetryOnFix, controller.ReferenceWatch) on the real node:
 * the operator runs with the chart's {@code watchReferences: true} and the Role that value renders
 * (list+watch on Secrets and ConfigMaps), as the chart's ServiceAccount. The job role's password in the
 * Secret the driver reads through secretKeyRef is wrong: the real driver fails with PSQLException
 * "password authentication failed", classified PermissionDenied, and the job backs off for
 * {@value #BACKOFF}. Changes to a Secret and a ConfigMap the job does not reference start nothing; the
 * owner puts the right password in the Secret and the next attempt starts within seconds with trigger
 * Unblock (an Unblocked event saying a referenced Secret changed), long before the back-off ends, and
 * writes the features. The transcript is {@value #TRANSCRIPT}.
 */
@Tag("node")
class RotatedSecretOnRealNodeTest {
  static final String JOB = "trip-features";
  static final String SECRET = "trips-db";
  static final String TRANSCRIPT = "target/node-story/rotated-secret.txt";
  static final String FAILED_DRIVER_LOG = "target/node-story/wrong-password-driver.log";
  static final String BACKOFF = "10m";
  static final Duration BACKOFF_DURATION = Duration.ofMinutes(10);
  static final int ENTITIES = 12;
  /** How long changes the job does not reference are watched for an early start. */
  static final Duration UNRELATED_WINDOW = Duration.ofSeconds(20);
  /** "At once": the operator reconciles on the Secret's watch event; a retry must start well within this. */
  static final Duration AT_ONCE = Duration.ofSeconds(60);

  @Test
  void aRotatedPasswordIsRetriedAtOnceInsteadOfAfterTheBackOff() {
    Instant started = Instant.now();
    Map<String, String> settings = new HashMap<>(SparkOnRealNodeTest.ONE_NODE);
    settings.put("FEATUREJOB_WATCH_REFERENCES", "true"); // what the chart's watchReferences sets
    try (PodPostgres db = PodPostgres.start(Path.of("target", "node-story", "postgres-rotate"));
        ClusterHarness harness = ClusterHarness.onRealNode("node-rotate", settings, "watchReferences: true")) {
      StoryTranscript story = new StoryTranscript(Path.of(TRANSCRIPT), harness,
          "A rotated password on the real node (" + RotatedSecretOnRealNodeTest.class.getSimpleName() + ")");
      try {
        RealNode.diagnosed(harness, () -> {
          play(db, harness, story);
          return null;
        });
      } finally {
        story.section("Events of the FeatureJob", story.eventsTimeline());
        story.section("Story took", Duration.between(started, Instant.now()).toSeconds() + " s");
      }
    }
  }

  private static void play(PodPostgres db, ClusterHarness harness, StoryTranscript story) {
    db.sql(PermissionStoryOnRealNodeTest.FIXTURE);
    story.section("The operator's Role in " + harness.namespace + " (the chart with watchReferences: true)",
        story.kubectl("get", "role", "featurejob-operator", "-o", "jsonpath={range .rules[*]}{.resources} {.verbs}{\"\\n\"}{end}"));
    String wrong = "wrong-" + UUID.randomUUID();
    harness.admin.secrets().inNamespace(harness.namespace).resource(new SecretBuilder()
        .withNewMetadata().withName(SECRET).endMetadata().withStringData(Map.of("password", wrong)).build()).create();
    harness.create(job(db));
    story.step("1. FeatureJob created: hourly, back-off " + BACKOFF + " (no jitter); password from Secret " + SECRET
        + ", which holds a wrong one");

    // 1: the real driver cannot log in: PermissionDenied, and a back-off of 10 minutes
    FeatureJobStatus backingOff = await(harness, "the first attempt fails and backs off", RealNode.RUN_TIMEOUT,
        s -> s.phase == Phase.BackingOff && s.lastFailure != null);
    assertEquals(FailureClass.PermissionDenied, backingOff.lastFailure.failureClass, backingOff.lastFailure.message);
    assertContains(backingOff.lastFailure.message, "password authentication failed for user");
    // the driver's shutdown is not evidence (EvidenceSummary's noise; it was the message's second line)
    assertFalse(backingOff.lastFailure.message.contains("Kubernetes client has been closed"), backingOff.lastFailure.message);
    Instant failedAt = Times.parse(backingOff.lastFailure.time);
    Instant retryAt = Times.parse(backingOff.nextRunTime);
    // one back-off after the decision that recorded the failure (the driver's end, or moments later)
    Duration due = Duration.between(failedAt, retryAt);
    assertTrue(due.compareTo(BACKOFF_DURATION) >= 0 && due.compareTo(BACKOFF_DURATION.plusMinutes(1)) < 0,
        () -> "the retry is due " + due + " after the failure");
    assertTrue(backingOff.observedReferences != null, "the status records the references' fingerprint");
    story.step("2. The real driver " + backingOff.lastFailure.podName + " failed: " + backingOff.lastFailure.failureClass
        + "; the next retry is due at " + backingOff.nextRunTime);
    writeLog(harness, backingOff.lastFailure.podName);
    story.section("status.lastFailure (the driver's whole log: " + FAILED_DRIVER_LOG + ")", "class: " + backingOff.lastFailure.failureClass + "\nreason: "
        + backingOff.lastFailure.reason + "\nmessage: |\n  " + backingOff.lastFailure.message.replace("\n", "\n  "));

    // 2: Secrets and ConfigMaps the job does not reference change: the watch sees them, nothing starts
    harness.admin.secrets().inNamespace(harness.namespace).resource(new SecretBuilder()
        .withNewMetadata().withName("other-db").endMetadata().withStringData(Map.of("password", "x")).build()).create();
    harness.admin.configMaps().inNamespace(harness.namespace).resource(new ConfigMapBuilder()
        .withNewMetadata().withName("other-settings").endMetadata().withData(Map.of("k", "v")).build()).create();
    harness.admin.secrets().inNamespace(harness.namespace).withName("other-db")
        .edit(s -> new SecretBuilder(s).withData(Map.of("password", base64("y"))).build());
    String firstPod = backingOff.lastFailure.podName;
    int[] evaluations = {0};
    Awaitility.await(JOB + ": nothing starts on changes it does not reference").during(UNRELATED_WINDOW)
        .atMost(UNRELATED_WINDOW.plusSeconds(10)).pollInterval(RealNode.POLL)
        .until(() -> {
          evaluations[0]++;
          FeatureJobStatus s = harness.status(JOB);
          return s.phase == Phase.BackingOff && backingOff.nextRunTime.equals(s.nextRunTime) && s.currentAttempt == null
              && harness.driverPods(JOB).stream().allMatch(p -> p.getMetadata().getName().equals(firstPod))
              && harness.eventCount(JOB, EventReason.Unblocked) == 0;
        });
    story.step("3. Secret other-db created and changed, ConfigMap other-settings created: still BackingOff, no"
        + " driver but " + firstPod + ", no Unblocked event over " + evaluations[0] + " checks in "
        + UNRELATED_WINDOW.toSeconds() + " s");

    // 3: the owner rotates the password in the referenced Secret and does nothing else
    Instant rotated = Instant.now().truncatedTo(ChronoUnit.SECONDS); // as precise as status times
    harness.admin.secrets().inNamespace(harness.namespace).withName(SECRET)
        .edit(s -> new SecretBuilder(s).withData(Map.of("password", base64(db.password))).build());
    story.step("4. Secret " + SECRET + " now holds the right password (no annotation, no spec edit); "
        + Duration.between(rotated, retryAt).toSeconds() + " s of back-off were left");
    FeatureJobStatus retrying = await(harness, "a retry starts", AT_ONCE,
        s -> s.currentAttempt != null && !firstPod.equals(s.currentAttempt.podName) || s.lastSuccessTime != null);
    String retryPod = retrying.currentAttempt != null ? retrying.currentAttempt.podName : retrying.history.get(0).podName;
    Event unblocked = harness.awaitEvent(JOB, EventReason.Unblocked);
    assertContains(unblocked.getMessage(), "a Secret or ConfigMap the job references changed after 1 consecutive failure",
        "retrying now");

    // 4: that retry logs in and writes the features
    FeatureJobStatus recovered = await(harness, "the retry succeeds", RealNode.RUN_TIMEOUT, s -> s.lastSuccessTime != null);
    HistoryEntry retry = recovered.history.stream().filter(h -> h.podName.equals(retryPod)).findFirst().orElseThrow();
    Instant retryStart = Times.parse(retry.startTime);
    long afterRotation = Duration.between(rotated, retryStart).toSeconds();
    assertTrue(!retryStart.isBefore(rotated) && retryStart.isBefore(rotated.plus(AT_ONCE)),
        () -> "the retry started " + afterRotation + " s after the rotation");
    assertTrue(retryStart.isBefore(retryAt.minus(Duration.ofMinutes(5))), "long before the back-off ends");
    assertEquals("Unblock", retry.trigger);
    assertEquals(Outcome.Succeeded, retry.outcome);
    List<HistoryEntry> attempts = recovered.history; // newest first
    assertEquals(List.of(retryPod, firstPod), attempts.stream().map(h -> h.podName).toList(),
        () -> Serialization.asYaml(attempts));
    assertEquals(Outcome.Failed, attempts.get(1).outcome);
    assertEquals(0, recovered.consecutiveFailures);
    assertNull(recovered.lastUnblockToken, "no human unblock");
    assertEquals(ENTITIES, db.number("SELECT count(*) FROM trip_features WHERE window_end = '"
        + recovered.lastSuccessfulWindowEnd + "'"));
    story.step("5. Retry " + retry.podName + " started " + afterRotation + " s after the rotation (trigger " + retry.trigger
        + "), " + Duration.between(retryStart, retryAt).toSeconds() + " s before the back-off would have ended, and"
        + " succeeded: " + ENTITIES + " rows for window end " + recovered.lastSuccessfulWindowEnd);
    story.section("The Unblocked event", unblocked.getMessage());
    story.section("trip_features", db.sql("SELECT window_end, count(*) AS rows, sum(event_count) AS events"
        + " FROM trip_features GROUP BY window_end ORDER BY window_end"));

    // neither password reached the FeatureJob or its events
    String stored = Serialization.asJson(harness.job(JOB)) + Serialization.asJson(harness.events(JOB));
    assertFalse(stored.contains(wrong) || stored.contains(db.password), "a password in the FeatureJob or its events");
  }

  private static void writeLog(ClusterHarness harness, String pod) {
    try {
      Files.writeString(Path.of(FAILED_DRIVER_LOG), RealNode.logs(harness.namespace, pod));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String base64(String value) {
    return Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8));
  }

  private static FeatureJob job(PodPostgres db) {
    FeatureJob job = SparkOnRealNodeTest.sparkJob(JOB, List.of("--jdbc", db.podUrl(), "--user", db.user,
        "--password-env", "JDBC_PASSWORD", "--source", "trip_events", "--target", "trip_features",
        "--end", "${WINDOW_END}"));
    job.getSpec().schedule = "@hourly";
    job.getSpec().spark.sparkConf = Map.of(
        "spark.sql.shuffle.partitions", "1",
        "spark.ui.enabled", "false",
        // a driver need not wait 30 s for executors before it runs into the wrong password
        "spark.scheduler.maxRegisteredResourcesWaitingTime", "5s");
    job.getSpec().retryPolicy = Stories.retry(BACKOFF, 1.0, BACKOFF, 0.0, 3, 20);
    job.getSpec().spark.executor.instances = 1;
    job.getSpec().spark.driver.env = List.of(new EnvVarBuilder().withName("JDBC_PASSWORD").withNewValueFrom()
        .withNewSecretKeyRef().withName(SECRET).withKey("password").endSecretKeyRef().endValueFrom().build());
    return job;
  }

  private static FeatureJobStatus await(ClusterHarness harness, String what, Duration atMost,
      Predicate<FeatureJobStatus> condition) {
    return Awaitility.await(JOB + ": " + what).atMost(atMost).pollInterval(RealNode.POLL)
        .ignoreExceptions().until(() -> harness.status(JOB), s -> s != null && condition.test(s));
  }
}
