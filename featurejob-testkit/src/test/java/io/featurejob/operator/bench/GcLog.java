package io.featurejob.operator.bench;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The operator process's unified GC log ({@code -Xlog:gc,gc+init} on its stdout), read line by line: the
 * ergonomics the JVM chose in its memory cgroup (collector, the memory it sees, its maximum heap) and the
 * heap after each collection. Only lines of the gc tags count; the operator's own log lines pass by.
 */
final class GcLog {
  /** {@code [0.690s][info][gc     ] GC(17) Pause Full (System.gc()) 48M->33M(61M) 7.173ms}. */
  private static final Pattern PAUSE = Pattern.compile(
      "\\[gc\\s*\\] GC\\(\\d+\\) Pause (\\w+) .*?(\\d+)([KMG])->(\\d+)([KMG])\\((\\d+)([KMG])\\)");
  /** {@code [0.003s][info][gc] Using Serial}. */
  private static final Pattern USING = Pattern.compile("\\[gc\\s*\\] Using (\\S+)");
  /** {@code [0.003s][info][gc,init] Memory: 512M}, {@code ... Heap Max Capacity: 384M}. */
  private static final Pattern INIT = Pattern.compile("\\[gc,init\\s*\\] (Memory|Heap Max Capacity): (\\d+)([KMG])");

  private String collector = "?";
  private long memory = -1;
  private long heapMax = -1;
  private long pauses;
  private long fullPauses;
  private long maxAfter = -1;
  private long lastFullAfter = -1;

  /** One collection: its kind ("Young", "Full") and the heap used after it, in bytes. */
  record Pause(String kind, long afterBytes) {}

  synchronized void accept(String line) {
    Pause pause = pause(line);
    if (pause != null) {
      pauses++;
      maxAfter = Math.max(maxAfter, pause.afterBytes());
      if (pause.kind().equals("Full")) {
        fullPauses++;
        lastFullAfter = pause.afterBytes();
      }
      return;
    }
    Matcher using = USING.matcher(line);
    if (using.find()) {
      collector = using.group(1);
      return;
    }
    Matcher init = INIT.matcher(line);
    if (init.find()) {
      long bytes = bytes(init.group(2), init.group(3));
      if (init.group(1).equals("Memory")) {
        memory = bytes;
      } else {
        heapMax = bytes;
      }
    }
  }

  static Pause pause(String line) {
    Matcher m = PAUSE.matcher(line);
    return m.find() ? new Pause(m.group(1), bytes(m.group(4), m.group(5))) : null;
  }

  static long bytes(String number, String unit) {
    long n = Long.parseLong(number);
    return switch (unit) {
      case "K" -> n << 10;
      case "M" -> n << 20;
      default -> n << 30;
    };
  }

  /** The collector the JVM chose ("Serial", "G1", ...), "?" before its first line. */
  synchronized String collector() {
    return collector;
  }

  /** The memory the JVM sees (its cgroup's limit inside one), bytes; -1 unknown. */
  synchronized long memory() {
    return memory;
  }

  synchronized long heapMax() {
    return heapMax;
  }

  synchronized long pauses() {
    return pauses;
  }

  synchronized long fullPauses() {
    return fullPauses;
  }

  /** The highest heap occupancy right after any collection (an upper bound of the live heap then). */
  synchronized long maxAfter() {
    return maxAfter;
  }

  /** The heap after the latest full collection (the live heap then); -1 when none happened. */
  synchronized long lastFullAfter() {
    return lastFullAfter;
  }
}
