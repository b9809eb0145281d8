package io.featurejob.operator.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * On files the kernel wrote (capture-cgroup-fixtures.sh beside the fixtures, Linux 6.18, cgroup v1, on
 * 2026-12-01): memory.oom_control and memory.failcnt of a 32Mi cgroup after python3 filled 100 MiB in it
 * and was OOM-killed.
 */
class CgroupMemoryTest {
  private static String fixture(String name) throws Exception {
    return Files.readString(Path.of(CgroupMemoryTest.class.getResource(name).toURI()));
  }

  @Test
  void readsTheOomKillCountOfOomControl() throws Exception {
    String oomControl = fixture("oom-control-after-kill.txt");
    assertEquals(1, CgroupMemory.field(oomControl, "oom_kill"));
    assertEquals(0, CgroupMemory.field(oomControl, "under_oom"));
    assertThrows(IllegalArgumentException.class, () -> CgroupMemory.field(oomControl, "oom"));
  }

  /** The cgroup's files as the kernel wrote them, in a directory of their own (not a cgroup). */
  @Test
  void readsItsCountersAndRemovesItsDirectory(@TempDir Path root) throws Exception {
    Path dir = root.resolve("featurejob-bench-test");
    CgroupMemory cgroup = CgroupMemory.create(dir, 512L << 20);
    assertEquals(512L << 20, cgroup.limit());
    Files.writeString(dir.resolve("memory.oom_control"), fixture("oom-control-after-kill.txt"));
    Files.writeString(dir.resolve("memory.failcnt"), fixture("failcnt-after-kill.txt"));
    assertEquals(1, cgroup.oomKills());
    assertEquals(55, cgroup.failcnt());
    Files.delete(dir.resolve("memory.oom_control"));
    Files.delete(dir.resolve("memory.failcnt"));
    Files.delete(dir.resolve("memory.limit_in_bytes"));
    cgroup.close();
    assertFalse(Files.exists(dir));
  }
}
