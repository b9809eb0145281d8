package io.featurejob.operator.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A cgroup v1 memory cgroup made for one operator process ({@code make bench} with BENCH_OPERATOR=process):
 * the kernel enforces its limit as the kubelet enforces a container's, and the JVM's container ergonomics
 * size the heap from it. Its counters are what the run reports: peak and current usage, how often the limit
 * was hit (failcnt) and how many processes the OOM killer killed in it.
 */
final class CgroupMemory implements AutoCloseable {
  final Path dir;

  private CgroupMemory(Path dir) {
    this.dir = dir;
  }

  /** Creates {@code dir} (under the memory hierarchy's root) with {@code limitBytes} as its limit. */
  static CgroupMemory create(Path dir, long limitBytes) throws IOException {
    Files.createDirectory(dir);
    CgroupMemory cgroup = new CgroupMemory(dir);
    try {
      Files.writeString(dir.resolve("memory.limit_in_bytes"), Long.toString(limitBytes));
    } catch (IOException e) {
      cgroup.close();
      throw e;
    }
    return cgroup;
  }

  long limit() throws IOException {
    return number("memory.limit_in_bytes");
  }

  long usage() throws IOException {
    return number("memory.usage_in_bytes");
  }

  /** The peak of {@link #usage()} since the cgroup was made. */
  long maxUsage() throws IOException {
    return number("memory.max_usage_in_bytes");
  }

  /** How many times usage hit the limit (the kernel then reclaims, e.g. page cache, before it OOM-kills). */
  long failcnt() throws IOException {
    return number("memory.failcnt");
  }

  /** Processes the OOM killer killed in this cgroup (memory.oom_control's oom_kill). */
  long oomKills() throws IOException {
    return field(Files.readString(dir.resolve("memory.oom_control")), "oom_kill");
  }

  private long number(String file) throws IOException {
    return Long.parseLong(Files.readString(dir.resolve(file)).trim());
  }

  /** The value of {@code key} in a cgroup file of "key value" lines (memory.oom_control, memory.stat). */
  static long field(String keyValueLines, String key) {
    for (String line : keyValueLines.split("\n")) {
      String[] parts = line.trim().split("\\s+");
      if (parts.length == 2 && parts[0].equals(key)) {
        return Long.parseLong(parts[1]);
      }
    }
    throw new IllegalArgumentException("no " + key + " in: " + keyValueLines);
  }

  /** Removes the cgroup; the kernel refuses while a process is still in it (hack/bench.sh's trap then retries). */
  @Override
  public void close() throws IOException {
    Files.deleteIfExists(dir);
  }
}
