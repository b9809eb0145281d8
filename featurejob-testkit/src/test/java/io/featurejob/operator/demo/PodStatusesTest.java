package io.featurejob.operator.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.charset.StandardCharsets;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The kubelet's FallbackToLogsOnError truncation and image name normalisation. */
class PodStatusesTest {

  @Test
  void fallbackToLogsKeepsTheLast80Lines() {
    String log = IntStream.rangeClosed(1, 100).mapToObj(i -> "l" + i).collect(Collectors.joining("\n"));
    String tail = PodStatuses.fallbackToLogs(log);
    assertEquals(80, tail.split("\n").length);
    assertEquals("l21", tail.split("\n")[0]);
  }

  @Test
  void fallbackToLogsKeepsTheLast2048Bytes() {
    String log = "x".repeat(3000) + "END";
    String tail = PodStatuses.fallbackToLogs(log);
    assertEquals(2048, tail.getBytes(StandardCharsets.UTF_8).length);
    assertEquals("END", tail.substring(tail.length() - 3));
  }

  @Test
  void noLogNoMessage() {
    assertNull(PodStatuses.fallbackToLogs(""));
  }

  @Test
  void imageReferencesResolveLikeContainerd() {
    assertEquals("docker.io/apache/spark:3.5.3", PodStatuses.fullReference("apache/spark:3.5.3"));
    assertEquals("docker.io/library/spark:3.5.3", PodStatuses.fullReference("spark:3.5.3"));
    assertEquals("ghcr.io/acme/features:1.2", PodStatuses.fullReference("ghcr.io/acme/features:1.2"));
  }
}
