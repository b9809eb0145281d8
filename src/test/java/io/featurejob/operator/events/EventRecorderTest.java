package io.featurejob.operator.events;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.featurejob.operator.api.FeatureJob;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class EventRecorderTest {
  static final Instant T0 = Instant.parse("2025-03-01T10:00:00Z");

  KubernetesMockServer server;
  KubernetesClient client;
  MutableClock clock = new MutableClock(T0);
  EventRecorder recorder;

  @BeforeEach
  void start() throws Exception {
    server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
        new KubernetesCrudDispatcher(Collections.emptyList()), false);
    server.init(InetAddress.getByName("127.0.0.1"), 0);
    client = server.createClient();
    recorder = new EventRecorder(client, clock, "featurejob-operator-0");
  }

  @AfterEach
  void stop() {
    client.close();
    server.destroy();
  }

  static FeatureJob job(String name, String uid) {
    FeatureJob job = new FeatureJob();
    job.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace("ml").withUid(uid).build());
    return job;
  }

  List<Event> events() {
    return client.v1().events().inNamespace("ml").list().getItems().stream()
        .sorted(Comparator.comparing(e -> e.getMetadata().getName())).toList();
  }

  @Test
  void firstRecordCreatesAFullyDescribedEvent() {
    FeatureJob job = job("trip-features", "uid-1");
    recorder.record(job, EventReason.RunStarted, "Started run 20250301T10 attempt 1 (pod trip-features-abc)");

    List<Event> events = events();
    assertEquals(1, events.size());
    Event e = events.get(0);
    assertEquals("FeatureJob", e.getInvolvedObject().getKind());
    assertEquals("featurejob.io/v1alpha1", e.getInvolvedObject().getApiVersion());
    assertEquals("trip-features", e.getInvolvedObject().getName());
    assertEquals("ml", e.getInvolvedObject().getNamespace());
    assertEquals("uid-1", e.getInvolvedObject().getUid());
    assertEquals("Normal", e.getType());
    assertEquals("RunStarted", e.getReason());
    assertEquals("Started run 20250301T10 attempt 1 (pod trip-features-abc)", e.getMessage());
    assertEquals(1, e.getCount());
    assertEquals("2025-03-01T10:00:00Z", e.getFirstTimestamp());
    assertEquals("2025-03-01T10:00:00Z", e.getLastTimestamp());
    assertEquals("featurejob-operator", e.getSource().getComponent());
    assertEquals("featurejob-operator", e.getReportingComponent());
    assertEquals("featurejob-operator-0", e.getReportingInstance());
    assertTrue(e.getMetadata().getName().startsWith("trip-features.runstarted."), e.getMetadata().getName());
  }

  @Test
  void repeatIncrementsCountAndLastTimestamp() {
    FeatureJob job = job("trip-features", "uid-1");
    String message = "PermissionDenied: PSQLException: ERROR: permission denied for table trips";
    recorder.record(job, EventReason.RunFailed, message);
    clock.advance(Duration.ofMinutes(2));
    recorder.record(job, EventReason.RunFailed, message);
    clock.advance(Duration.ofMinutes(4));
    recorder.record(job, EventReason.RunFailed, message);

    List<Event> events = events();
    assertEquals(1, events.size());
    Event e = events.get(0);
    assertEquals(3, e.getCount());
    assertEquals("2025-03-01T10:00:00Z", e.getFirstTimestamp());
    assertEquals("2025-03-01T10:06:00Z", e.getLastTimestamp());
    assertEquals("Warning", e.getType());
  }

  @Test
  void differentMessageOrReasonCreatesAnotherEvent() {
    FeatureJob job = job("trip-features", "uid-1");
    recorder.record(job, EventReason.RunFailed, "OutOfMemory: container OOMKilled");
    recorder.record(job, EventReason.RunFailed, "UserCodeError: Lost task 0.0 in stage 3.0");
    recorder.record(job, EventReason.AlertThresholdReached, "OutOfMemory: container OOMKilled");

    List<Event> events = events();
    assertEquals(3, events.size());
    events.forEach(e -> assertEquals(1, e.getCount()));
    assertEquals(3, events.stream().map(e -> e.getMetadata().getName()).distinct().count());
  }

  @Test
  void recreatedJobDoesNotInheritCounts() {
    recorder.record(job("trip-features", "uid-1"), EventReason.RunSucceeded, "Run succeeded");
    recorder.record(job("trip-features", "uid-2"), EventReason.RunSucceeded, "Run succeeded");
    assertEquals(2, events().size());
  }

  @Test
  void eventsOfTwoJobsStayApart() {
    recorder.record(job("a", "uid-a"), EventReason.Unblocked, "Unblocked by annotation");
    recorder.record(job("b", "uid-b"), EventReason.Unblocked, "Unblocked by annotation");
    List<Event> events = events();
    assertEquals(2, events.size());
    assertNotEquals(events.get(0).getInvolvedObject().getName(), events.get(1).getInvolvedObject().getName());
  }

  @Test
  void longMessagesAreTruncatedToOneKibibyte() {
    String message = "é".repeat(2000); // 2 bytes each in UTF-8
    recorder.record(job("trip-features", "uid-1"), EventReason.RunFailed, message);
    String stored = events().get(0).getMessage();
    int bytes = stored.getBytes(StandardCharsets.UTF_8).length;
    assertTrue(bytes <= 1024 && bytes >= 1020, "bytes=" + bytes);
    assertTrue(stored.endsWith("..."));
    assertTrue(stored.startsWith("éé"));
  }

  @Test
  void eventNamesAreValidObjectNamesEvenForLongJobNames() {
    String longName = "a".repeat(199) + "-" + "b".repeat(53);
    String name = EventRecorder.eventName(job(longName, "uid"), EventReason.AlertThresholdReached, "m");
    assertTrue(name.length() <= 253, name);
    assertTrue(name.matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*"), name);
    assertEquals(name, EventRecorder.eventName(job(longName, "uid"), EventReason.AlertThresholdReached, "m"));
  }

  @Test
  void eventWrittenByAnotherReplicaIsCountedOn() {
    FeatureJob job = job("trip-features", "uid-1");
    recorder.record(job, EventReason.RetryScheduled, "Retrying with back-off");
    Event other = events().get(0);
    other.setCount(5);
    client.v1().events().inNamespace("ml").resource(other).update();

    new EventRecorder(client, clock, "featurejob-operator-1").record(job, EventReason.RetryScheduled,
        "Retrying with back-off");

    assertEquals(1, events().size());
    assertEquals(6, events().get(0).getCount());
  }

  @Test
  void lostCreateRaceFallsBackToUpdate() {
    FeatureJob job = job("trip-features", "uid-1");
    EventRecorder other = new EventRecorder(client, Clock.fixed(T0, ZoneOffset.UTC), "featurejob-operator-1");
    // Another replica creates the same event between our get and our create: our create gets 409.
    clock.beforeNextRead(() -> other.record(job, EventReason.CapacityFallback, "Executors moved to OnDemand"));
    recorder.record(job, EventReason.CapacityFallback, "Executors moved to OnDemand");

    assertEquals(1, events().size());
    assertEquals(2, events().get(0).getCount());
  }

  @Test
  void lostUpdateRaceRereadsAndCountsBoth() {
    FeatureJob job = job("trip-features", "uid-1");
    recorder.record(job, EventReason.MemoryEscalated, "Driver memory 2g -> 3g");
    EventRecorder other = new EventRecorder(client, Clock.fixed(T0, ZoneOffset.UTC), "featurejob-operator-1");
    // Another replica bumps the count between our get and our update: our stale update gets 409.
    clock.beforeNextRead(() -> other.record(job, EventReason.MemoryEscalated, "Driver memory 2g -> 3g"));
    recorder.record(job, EventReason.MemoryEscalated, "Driver memory 2g -> 3g");

    assertEquals(1, events().size());
    assertEquals(3, events().get(0).getCount());
  }

  @Test
  void failuresNeverEscapeRecord() {
    FeatureJob job = job("trip-features", "uid-1");
    server.destroy(); // the API server goes away
    // Without the client's own retries, which would only make this test slow.
    KubernetesClient noRetry = new io.fabric8.kubernetes.client.KubernetesClientBuilder()
        .withConfig(new io.fabric8.kubernetes.client.ConfigBuilder(client.getConfiguration())
            .withRequestRetryBackoffLimit(0).build())
        .build();
    EventRecorder recorder = new EventRecorder(noRetry, clock, "featurejob-operator-0");
    assertDoesNotThrow(() -> recorder.record(job, EventReason.RunFailed, "boom"));
    assertDoesNotThrow(() -> recorder.record(new FeatureJob(), EventReason.RunFailed, "no metadata"));
    assertDoesNotThrow(() -> recorder.record(null, EventReason.RunFailed, null));
    noRetry.close();
  }

  /** A clock tests move by hand. */
  static final class MutableClock extends Clock {
    private Instant now;
    private Runnable beforeNextRead;

    MutableClock(Instant start) {
      now = start;
    }

    /** Runs {@code action} once, on the next read of the time: a hook to interleave a concurrent writer. */
    void beforeNextRead(Runnable action) {
      beforeNextRead = action;
    }

    void advance(Duration d) {
      now = now.plus(d);
    }

    @Override
    public Instant instant() {
      Runnable action = beforeNextRead;
      beforeNextRead = null;
      if (action != null) {
        action.run();
      }
      return now;
    }

    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }
  }
}
