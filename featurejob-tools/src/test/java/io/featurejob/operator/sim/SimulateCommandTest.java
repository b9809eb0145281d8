package io.featurejob.operator.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SimulateCommandTest {

  @Test
  void printsTheTableAndWritesTheCsv(@TempDir Path dir) throws Exception {
    Path csv = dir.resolve("out/sim.csv");
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    int code = SimulateCommand.run(new String[] {"--jobs", "40", "--days", "0.5", "--seed", "4", "--out", csv.toString()},
        new PrintStream(bytes, true, StandardCharsets.UTF_8));
    String out = bytes.toString(StandardCharsets.UTF_8);

    assertEquals(0, code, out);
    assertTrue(out.contains("| figure | operator-defaults | eager-cap3 | k8s-job | kubeflow-spark | flyte |"), out);
    for (Figure f : Figure.values()) {
      assertTrue(out.contains("| " + f.label + " |"), f.label);
    }
    assertTrue(out.contains("wall time:"));
    List<String> lines = Files.readAllLines(csv);
    assertEquals(1 + Policies.ALL.size(), lines.size());
    int columns = lines.get(0).split(",", -1).length;
    lines.forEach(l -> assertEquals(columns, l.split(",", -1).length, l));
    assertTrue(lines.get(1).startsWith("operator-defaults,"));
  }

  @Test
  void severalSeedsGiveDifferencesWithIntervalsAndSampleCounts(@TempDir Path dir) throws Exception {
    Path csv = dir.resolve("sim.csv");
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    int code = SimulateCommand.run(new String[] {"--jobs", "30", "--days", "0.5", "--seeds", "2", "--failure-scale", "20",
        "--policies", "operator-defaults,eager-cap3", "--out", csv.toString()}, new PrintStream(bytes, true, StandardCharsets.UTF_8));
    String out = bytes.toString(StandardCharsets.UTF_8);
    assertEquals(0, code, out);
    assertTrue(out.contains("x 2 seeds (1,2)"), out);
    assertTrue(out.contains("; Δ "), out);
    assertTrue(out.contains("| fix -> fresh features p95 | n<20 (n="), out);
    assertTrue(out.contains("seed 2: "), out);
    assertTrue(Files.exists(dir.resolve("sim-seed1.csv")) && Files.exists(dir.resolve("sim-seed2.csv")));
    assertEquals(List.of(4L, 9L), SimulateCommand.seeds("4,9"));
    assertEquals(List.of(1L, 2L, 3L), SimulateCommand.seeds("3"));
  }

  @Test
  void rejectsBadOptions() {
    for (String[] args : List.of(new String[] {"--jobs", "0"}, new String[] {"--days"}, new String[] {"--policies", "nope"}, new String[] {"--seeds", "1,1"},
        new String[] {"--frobnicate"})) {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      assertEquals(2, SimulateCommand.run(args, new PrintStream(bytes, true, StandardCharsets.UTF_8)));
      assertTrue(bytes.toString(StandardCharsets.UTF_8).contains("usage: simulate"));
    }
  }

  @Test
  void minutesReadWell() {
    assertEquals("4.5m", Report.minutes(4.5));
    assertEquals("42m", Report.minutes(42));
    assertEquals("3h05m", Report.minutes(185));
    assertEquals("2.5d", Report.minutes(3600));
    assertEquals("n/a", Report.minutes(Double.NaN));
  }
}
