package io.featurejob.operator.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * On a real /proc/{pid}/status: proc-status-python3.txt, a python3 process's own after it filled and freed
 * 50 MiB (capture-cgroup-fixtures.sh, Linux 6.18, 2026-12-01): its peak (VmHWM) is above its RSS now.
 */
class ProcStatusTest {
  @Test
  void readsVmHwmAndVmRssInBytes() throws Exception {
    String status = Files.readString(Path.of(ProcStatusTest.class.getResource("proc-status-python3.txt").toURI()));
    assertEquals(64600L * 1024, ProcStatus.bytesOf(status, "VmHWM"));
    assertEquals(13520L * 1024, ProcStatus.bytesOf(status, "VmRSS"));
    assertEquals(-1, ProcStatus.bytesOf(status, "VmNothing"));
    assertThrows(IllegalArgumentException.class, () -> ProcStatus.bytesOf(status, "Name"));
  }

  @Test
  void aProcessThatIsGoneIsUnknown() throws Exception {
    assertEquals(-1, ProcStatus.bytes("", "VmRSS"));
    assertEquals(-1, ProcStatus.bytes(Long.toString(Long.MAX_VALUE), "VmRSS"));
  }
}
