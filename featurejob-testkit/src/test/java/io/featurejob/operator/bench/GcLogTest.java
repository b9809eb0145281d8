package io.featurejob.operator.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * On the real stdout of the operator process: gc-operator-serial.txt holds lines of
 * target/bench-operator-&lt;namespace&gt;.log from {@code BENCH_OPERATOR=process BENCH_JOBS=20 make bench} on
 * 2026-12-01 (OpenJDK 17.0.15, the image's JAVA_TOOL_OPTIONS, a 512Mi memory cgroup): its first 13 lines
 * (the JAVA_TOOL_OPTIONS notice, {@code -Xlog:gc,gc+init}'s ergonomics, the first collection), the
 * collections GC(38), GC(39), GC(59) and GC(60) (the last one requested by {@code jcmd GC.run}), and three
 * of the operator's own log lines.
 */
class GcLogTest {
  @Test
  void readsTheErgonomicsAndTheHeapAfterEachCollection() throws Exception {
    GcLog gc = new GcLog();
    for (String line : Files.readAllLines(Path.of(GcLogTest.class.getResource("gc-operator-serial.txt").toURI()))) {
      gc.accept(line);
    }
    assertEquals("Serial", gc.collector());
    assertEquals(512L << 20, gc.memory(), "the cgroup's limit, as the JVM saw it");
    assertEquals(384L << 20, gc.heapMax(), "75% of it");
    assertEquals(5, gc.pauses(), "GC(0), GC(38), GC(39), GC(59), GC(60); the operator's lines pass by");
    assertEquals(2, gc.fullPauses());
    assertEquals(25L << 20, gc.maxAfter(), "GC(59): 38M->25M");
    assertEquals(22L << 20, gc.lastFullAfter(), "GC(60) Pause Full (Diagnostic Command) 30M->22M");
  }

  @Test
  void beforeAnyLineNothingIsKnown() {
    GcLog gc = new GcLog();
    assertEquals("?", gc.collector());
    assertEquals(-1, gc.memory());
    assertEquals(-1, gc.maxAfter());
    assertEquals(-1, gc.lastFullAfter());
  }

  @Test
  void aPauseLineGivesItsKindAndTheHeapAfterIt() {
    assertEquals(new GcLog.Pause("Full", 22L << 20),
        GcLog.pause("[36.277s][info][gc     ] GC(60) Pause Full (Diagnostic Command) 30M->22M(54M) 53.457ms"));
    assertEquals(new GcLog.Pause("Young", 1L << 20),
        GcLog.pause("[0.144s][info][gc     ] GC(0) Pause Young (Allocation Failure) 2M->1M(7M) 2.035ms"));
    assertNull(GcLog.pause("03:18:23.167 INFO  i.f.o.controller.FeatureJobOperator - featurejob-operator started"));
    assertEquals(3L << 10, GcLog.bytes("3", "K"));
    assertEquals(2L << 30, GcLog.bytes("2", "G"));
  }
}
