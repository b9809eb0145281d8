package io.featurejob.operator.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where the machine's CPU went in a window: busy CPU seconds of the whole machine (/proc/stat) and of each
 * named process (/proc/{pid}/stat), read at the window's start and end. On a shared 2-core machine the storm's
 * pace is set by everything that runs, not only by kube-apiserver: this shows what else took the cores.
 */
final class MachineCpu {
  /** USER_HZ: 100 on Linux. */
  static final double TICKS_PER_SECOND = 100.0;

  /** A reading: the machine's busy and total CPU seconds, and each named process's (-1 when unknown). */
  record Reading(double machineBusy, double machineTotal, Map<String, Double> processes) {}

  private MachineCpu() {}

  /** Reads the machine and the processes {@code pids} names (name -> PID, "self" for this JVM; empty: unknown). */
  static Reading read(Map<String, String> pids) throws IOException {
    double[] machine = machineSeconds(Files.readString(Path.of("/proc/stat")));
    Map<String, Double> processes = new LinkedHashMap<>();
    for (Map.Entry<String, String> e : pids.entrySet()) {
      processes.put(e.getKey(), processSeconds(e.getValue()));
    }
    return new Reading(machine[0], machine[1], processes);
  }

  /**
   * The first ("cpu") line of a /proc/stat text as {busy, total} seconds: user nice system idle iowait irq softirq
   * steal (guest time is already inside user and nice); busy is the total less idle and iowait.
   */
  static double[] machineSeconds(String procStat) {
    String first = procStat.substring(0, procStat.indexOf('\n'));
    String[] f = first.trim().split("\\s+");
    if (!f[0].equals("cpu") || f.length < 9) {
      throw new IllegalArgumentException("not the machine's cpu line: " + first);
    }
    long total = 0;
    for (int i = 1; i <= 8; i++) {
      total += Long.parseLong(f[i]);
    }
    long idle = Long.parseLong(f[4]) + Long.parseLong(f[5]);
    return new double[] {(total - idle) / TICKS_PER_SECOND, total / TICKS_PER_SECOND};
  }

  /** User + system CPU seconds of {@code pid} ("self": this JVM); -1 when unknown or gone. */
  static double processSeconds(String pid) throws IOException {
    if (pid == null || pid.isEmpty()) {
      return -1;
    }
    try {
      return processSecondsOf(Files.readString(Path.of("/proc", pid, "stat")));
    } catch (java.nio.file.NoSuchFileException e) {
      return -1;
    }
  }

  /** utime + stime (fields 14 and 15) of a /proc/{pid}/stat text; the command name may hold spaces. */
  static double processSecondsOf(String stat) {
    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / TICKS_PER_SECOND;
  }

  /**
   * One line: the cores the machine had and kept busy between two readings {@code seconds} apart, each process's
   * share and what the named processes leave ("everything else").
   */
  static String summary(Reading from, Reading to, double seconds) {
    double cores = (to.machineTotal() - from.machineTotal()) / seconds;
    double busy = (to.machineBusy() - from.machineBusy()) / seconds;
    StringBuilder out = new StringBuilder(String.format("%.2f of %.0f cores busy:", busy, cores));
    double named = 0;
    for (String name : to.processes().keySet()) {
      double used = used(from, to, name);
      if (used < 0) {
        out.append(String.format(" %s n/a;", name));
        continue;
      }
      named += used / seconds;
      out.append(String.format(" %s %.2f;", name, used / seconds));
    }
    out.append(String.format(" everything else %.2f", busy - named));
    return out.toString();
  }

  /** CPU seconds process {@code name} used between two readings; -1 when unknown at either. */
  static double used(Reading from, Reading to, String name) {
    Double start = from.processes().get(name);
    Double end = to.processes().get(name);
    return start == null || end == null || start < 0 || end < 0 ? -1 : end - start;
  }
}
