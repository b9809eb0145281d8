package io.featurejob.operator.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The storm's machine CPU line: /proc/stat and /proc/{pid}/stat read on this machine, and the summary's sums. */
class MachineCpuTest {

  @Test
  void thisMachinesProcStatParsesWithBusyAtMostTotal() throws Exception {
    double[] machine = MachineCpu.machineSeconds(Files.readString(Path.of("/proc/stat")));
    assertTrue(machine[0] > 0 && machine[0] <= machine[1], "busy " + machine[0] + " of " + machine[1]);
  }

  @Test
  void busyLeavesOutIdleAndIowait() {
    // user nice system idle iowait irq softirq steal guest guest_nice
    String stat = "cpu  100 20 30 500 50 1 2 3 7 0\ncpu0 50 10 15 250 25 0 1 1 3 0\n";
    double[] machine = MachineCpu.machineSeconds(stat);
    assertEquals(1.56, machine[0], 1e-9); // 100 + 20 + 30 + 1 + 2 + 3 ticks; guest is inside user
    assertEquals(7.06, machine[1], 1e-9);
  }

  @Test
  void aCommandNameWithSpacesAndParenthesesDoesNotShiftTheFields() throws Exception {
    String stat = "4242 (a (b) c) S 1 4242 4242 0 -1 4194304 100 0 0 0 250 75 0 0 20 0 12 0 9 1 1";
    assertEquals(3.25, MachineCpu.processSecondsOf(stat), 1e-9);
    assertTrue(MachineCpu.processSeconds("self") > 0, "this JVM has used CPU");
    assertEquals(-1, MachineCpu.processSeconds(""));
  }

  @Test
  void theSummaryNamesEachProcessAndWhatTheyLeave() {
    Map<String, Double> before = new LinkedHashMap<>();
    before.put("kube-apiserver", 10.0);
    before.put("operator", 5.0);
    before.put("kube-scheduler", -1.0); // unknown: shown as such, not counted
    Map<String, Double> after = new LinkedHashMap<>(before);
    after.put("kube-apiserver", 22.0);
    after.put("operator", 9.0);
    // 10 s: 2 cores, 18 of 20 CPU seconds busy; the apiserver 12, the operator 4, 2 left for everything else.
    String line = MachineCpu.summary(new MachineCpu.Reading(100, 1000, before),
        new MachineCpu.Reading(118, 1020, after), 10);
    assertEquals("1.80 of 2 cores busy: kube-apiserver 1.20; operator 0.40; kube-scheduler n/a;"
        + " everything else 0.20", line);
    assertEquals(12.0, MachineCpu.used(new MachineCpu.Reading(100, 1000, before),
        new MachineCpu.Reading(118, 1020, after), "kube-apiserver"), 1e-9);
    assertEquals(-1, MachineCpu.used(new MachineCpu.Reading(100, 1000, before),
        new MachineCpu.Reading(118, 1020, after), "kube-scheduler"));
  }
}
