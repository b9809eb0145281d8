package io.featurejob.operator.events;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.featurejob.operator.api.FeatureJob;
import io.featurejob.operator.testing.CrudMockServer;
import io.featurejob.operator.testing.MutableClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
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
    server = CrudMockServer.start();
    client = server.createClient();
    recorder = new EventRecorder(client, clock, "featurejob-operator-0");
  }

  @AfterEach
  void stop() {
    recorder.close();
    client.close();
    server.destroy();
  }

  static FeatureJob job(String name, String uid) {
    FeatureJob job = new FeatureJob();
    job.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace("ml").withUid(uid).build());
    return job;
  }

  /** The namespace's events once every recorder of this test has written what it was given. */
  List<Event> events() {
    flush(recorder);
    return client.v1().events().inNamespace("ml").list().getItems().stream()
        .sorted(Comparator.comparing(e -> e.getMetadata().getName())).toList();
  }

  /** Waits for the recorder's queue to drain; returns as soon as it has, so the bound only matters on a loaded machine. */
  static void flush(EventRecorder r) {
    try {
      assertTrue(r.flush(Duration.ofSeconds(60)), "events written within 60 s");
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    }
  }

  /** Requests the mock server received since the last call, as "METHOD path". */
  List<String> requests() throws InterruptedException {
    return CrudMockServer.requests(server);
  }

  @Test
  void newEventCostsOneRequestAndARepeatOneMore() throws InterruptedException {
    FeatureJob job = job("trip-features", "uid-1");
    requests();
    recorder.record(job, EventReason.RunFailed, "CapacityUnavailable: 0/3 nodes are available");
    flush(recorder);
    List<String> created = requests();
    assertEquals(1, created.size(), created.toString());
    assertTrue(created.get(0).startsWith("POST /api/v1/namespaces/ml/events"), created.toString());

    clock.advance(Duration.ofSeconds(30));
    recorder.record(job, EventReason.RunFailed, "CapacityUnavailable: 0/3 nodes are available");
    flush(recorder);
    List<String> repeated = requests();
    assertEquals(1, repeated.size(), repeated.toString());
    assertTrue(repeated.get(0).startsWith("PUT /api/v1/namespaces/ml/events/trip-features.runfailed."),
        repeated.toString());
    assertEquals(2, events().get(0).getCount());
    assertEquals("2025-03-01T10:00:30Z", events().get(0).getLastTimestamp());
  }

  @Test
  void recordReturnsAtOnceAndAFullQueueDropsWithAMetric() throws InterruptedException {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    // One write per minute: the first event is being written (or waiting its turn), two more wait, the rest drop.
    EventRecorder slow = new EventRecorder(client, clock, "featurejob-operator-0", registry, 2, 1.0 / 60);
    try {
      for (int i = 0; i < 50; i++) {
        long start = System.nanoTime();
        slow.record(job("job-" + i, "uid-" + i), EventReason.RetryScheduled, "Retrying with back-off");
        assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(5), "record() blocked");
      }
      // Accepted: the one being written, the one waiting for the rate limit, and up to two queued.
      double dropped = registry.get("featurejob.events.dropped").counter().count();
      assertTrue(dropped >= 46 && dropped <= 47, "dropped=" + dropped);
      assertEquals(50 - dropped, registry.get("featurejob.events.pending").gauge().value(), "the rest are pending");
      assertFalse(slow.flush(Duration.ofMillis(200)), "the rate limit holds the queued events");
    } finally {
      slow.close(Duration.ofMillis(100));
    }
    // Closing gives up on what is still waiting and counts it: every event is written or counted.
    assertTrue(slow.flush(Duration.ZERO), "nothing pending after close");
    assertEquals(0, registry.get("featurejob.events.pending").gauge().value());
    assertEquals(1, events().size());
    assertEquals(49, registry.get("featurejob.events.dropped").counter().count());
  }

  @Test
  void closeWritesWhatIsQueued() {
    EventRecorder r = new EventRecorder(client, clock, "featurejob-operator-0");
    for (int i = 0; i < 5; i++) {
      r.record(job("job-" + i, "uid-" + i), EventReason.RunStarted, "Started");
    }
    r.close(Duration.ofSeconds(10));
    assertEquals(5, events().size());
    r.record(job("late", "uid-late"), EventReason.RunStarted, "Started"); // after close: dropped, no throw
    assertEquals(5, events().size());
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

    try (EventRecorder second = new EventRecorder(client, clock, "featurejob-operator-1")) {
      // Its create meets 409: it reads the event and counts on.
      second.record(job, EventReason.RetryScheduled, "Retrying with back-off");
      flush(second);
    }

    assertEquals(1, events().size());
    assertEquals(6, events().get(0).getCount());
  }

  @Test
  void staleRepeatRereadsAndCountsEveryWriter() {
    FeatureJob job = job("trip-features", "uid-1");
    recorder.record(job, EventReason.MemoryEscalated, "Driver memory 2g -> 3g");
    flush(recorder);
    try (EventRecorder other = new EventRecorder(client, Clock.fixed(T0, ZoneOffset.UTC), "featurejob-operator-1")) {
      other.record(job, EventReason.MemoryEscalated, "Driver memory 2g -> 3g");
      flush(other);
    }
    // Our repeat carries the resourceVersion of our own write: 409, then a read and an update.
    recorder.record(job, EventReason.MemoryEscalated, "Driver memory 2g -> 3g");

    assertEquals(1, events().size());
    assertEquals(3, events().get(0).getCount());
  }

  @Test
  void expiredEventIsCreatedAgain() {
    FeatureJob job = job("trip-features", "uid-1");
    recorder.record(job, EventReason.RunFailed, "Timeout");
    client.v1().events().inNamespace("ml").withName(events().get(0).getMetadata().getName()).delete();
    recorder.record(job, EventReason.RunFailed, "Timeout"); // its PUT meets 404 (event TTL)

    assertEquals(1, events().size());
    assertEquals(1, events().get(0).getCount());
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
    flush(recorder);
    recorder.close();
    noRetry.close();
  }
}
