package io.featurejob.operator.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Memory figures of a process from /proc/{pid}/status: VmRSS (resident now), VmHWM (its peak). */
final class ProcStatus {
  private ProcStatus() {}

  /** {@code field} (e.g. "VmHWM") of /proc/{pid}/status ("self": this JVM) in bytes; -1 when unknown. */
  static long bytes(String pid, String field) throws IOException {
    if (pid == null || pid.isEmpty()) {
      return -1;
    }
    Path status = Path.of("/proc", pid, "status");
    try {
      return bytesOf(Files.readString(status), field);
    } catch (java.nio.file.NoSuchFileException e) {
      return -1; // the process is gone
    }
  }

  /** {@code field} of a /proc/{pid}/status text ("VmHWM:\t  2024 kB") in bytes; -1 when absent. */
  static long bytesOf(String status, String field) {
    for (String line : status.split("\n")) {
      if (line.startsWith(field + ":")) {
        String[] parts = line.substring(field.length() + 1).trim().split("\\s+");
        if (parts.length != 2 || !parts[1].equals("kB")) {
          throw new IllegalArgumentException("not a kB figure: " + line);
        }
        return Long.parseLong(parts[0]) * 1024;
      }
    }
    return -1;
  }
}
