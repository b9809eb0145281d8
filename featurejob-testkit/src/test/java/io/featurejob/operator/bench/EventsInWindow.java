package io.featurejob.operator.bench;

import io.fabric8.kubernetes.api.model.Event;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The operator's events by reason, for a span of time: the audit log counts event requests but not their
 * reasons. An event object counts once when it was last recorded in the span ({@code lastTimestamp}, when the
 * operator recorded it: its queue may write it later; a repeat bumps the count of the same object), with the
 * newest message of its reason as an example.
 */
final class EventsInWindow {
  private static final int EXAMPLE_CHARS = 200;

  /** One reason's event objects last recorded in the span, and the message of the newest. */
  record Reason(long objects, String example) {}

  private EventsInWindow() {}

  static Map<String, Reason> byReason(List<Event> events, Instant from, Instant to) {
    Map<String, Reason> out = new TreeMap<>();
    Map<String, Instant> newest = new TreeMap<>();
    for (Event e : events) {
      Instant last = e.getLastTimestamp() == null ? null : Instant.parse(e.getLastTimestamp());
      if (last == null || last.isBefore(from) || !last.isBefore(to)) {
        continue;
      }
      String reason = String.valueOf(e.getReason());
      Reason before = out.get(reason);
      boolean newer = before == null || last.isAfter(newest.get(reason));
      String example = newer ? shorten(e.getMessage()) : before.example();
      if (newer) {
        newest.put(reason, last);
      }
      out.put(reason, new Reason(before == null ? 1 : before.objects() + 1, example));
    }
    return out;
  }

  private static String shorten(String message) {
    String m = message == null ? "" : message.replace('\n', ' ').replace('|', '/');
    return m.length() <= EXAMPLE_CHARS ? m : m.substring(0, EXAMPLE_CHARS) + "...";
  }
}
