package io.featurejob.operator.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EventsInWindowTest {
  static Event event(String reason, String last, String message) {
    return new EventBuilder().withReason(reason).withLastTimestamp(last).withMessage(message).build();
  }

  @Test
  void countsObjectsLastRecordedInTheSpanByReasonWithTheNewestMessage() {
    Instant from = Instant.parse("2026-12-01T10:00:00Z");
    Instant to = Instant.parse("2026-12-01T10:02:00Z");
    Map<String, EventsInWindow.Reason> got = EventsInWindow.byReason(List.of(
        event("RunFailed", "2026-12-01T10:00:30Z", "older"),
        event("RunFailed", "2026-12-01T10:01:30Z", "newer | with\nbreaks"),
        event("RunFailed", "2026-12-01T10:01:00Z", "middle"),
        event("CapacityFallback", "2026-12-01T09:59:59Z", "before the window"),
        event("CapacityFallback", "2026-12-01T10:02:00Z", "at its end: after"),
        event("ReconcileError", "2026-12-01T10:00:00Z", "at its start: in"),
        event("PodIgnored", null, "no timestamp")), from, to);
    assertEquals(Map.of(
        "RunFailed", new EventsInWindow.Reason(3, "newer / with breaks"),
        "ReconcileError", new EventsInWindow.Reason(1, "at its start: in")), got);
  }

  @Test
  void shortensLongMessages() {
    Instant at = Instant.parse("2026-12-01T10:00:00Z");
    String example = EventsInWindow.byReason(List.of(event("RunFailed", at.toString(), "x".repeat(500))), at,
        at.plusSeconds(1)).get("RunFailed").example();
    assertEquals("x".repeat(200) + "...", example);
  }
}
