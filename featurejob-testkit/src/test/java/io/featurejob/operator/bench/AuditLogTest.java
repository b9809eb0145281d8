package io.featurejob.operator.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * On real audit lines: audit-job-controller.jsonl holds four lines of the audit log kube-apiserver
 * v1.36.3 wrote during `make bench` (hack/bench-audit-policy.yaml) on 2026-11-30, picked with
 * {@code grep job-controller .cluster/logs/audit.log}: a pod create, a Job status update, a pod patch
 * and an event create by the Job controller, between 14:39:02.39 and 14:39:17.10.
 */
class AuditLogTest {
  private static final String JOB_CONTROLLER = "system:serviceaccount:kube-system:job-controller";
  private static final Path SAMPLE = sample();

  private static Path sample() {
    try {
      return Path.of(AuditLogTest.class.getResource("audit-job-controller.jsonl").toURI());
    } catch (java.net.URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void countsTheUsersCompletedRequestsInTheWindowByVerbAndResource() throws Exception {
    assertEquals(Map.of("POST pods", 1L, "PUT jobs/status", 1L, "PATCH pods", 1L, "POST events", 1L),
        AuditLog.count(SAMPLE, JOB_CONTROLLER, Instant.parse("2026-11-30T14:39:00Z"), Instant.parse("2026-11-30T14:40:00Z")));
    assertEquals(Map.of("POST pods", 1L, "PUT jobs/status", 1L, "POST events", 1L),
        AuditLog.count(SAMPLE, JOB_CONTROLLER, Instant.parse("2026-11-30T14:39:02.395598Z"),
            Instant.parse("2026-11-30T14:39:17.099988Z")), "from inclusive, to exclusive");
    assertEquals(Map.of(), AuditLog.count(SAMPLE, "system:serviceaccount:kube-system:cronjob-controller",
        Instant.parse("2026-11-30T14:39:00Z"), Instant.parse("2026-11-30T14:40:00Z")));
  }

  @Test
  void otherStagesAndUsersAreNotCounted() throws Exception {
    String line = java.nio.file.Files.readAllLines(SAMPLE).get(0);
    Instant from = Instant.parse("2026-11-30T14:39:00Z");
    Instant to = Instant.parse("2026-11-30T14:40:00Z");
    assertEquals("POST pods", AuditLog.keyOf(line, JOB_CONTROLLER, from, to));
    assertNull(AuditLog.keyOf(line.replace("\"ResponseComplete\"", "\"ResponseStarted\""), JOB_CONTROLLER, from, to));
    assertNull(AuditLog.keyOf(line, JOB_CONTROLLER + "x", from, to), "the user name must match whole");
    String namespace = new com.fasterxml.jackson.databind.ObjectMapper().readTree(line).path("objectRef")
        .path("namespace").asText();
    assertEquals("POST pods", AuditLog.keyOf(line, JOB_CONTROLLER, namespace, from, to));
    assertNull(AuditLog.keyOf(line, JOB_CONTROLLER, namespace + "x", from, to), "another namespace");
  }

  /** kube-apiserver rotates its audit log at 100 MB into audit-<time>.log beside it: both are counted. */
  @Test
  void countsTheRotatedFilesToo(@TempDir Path dir) throws Exception {
    List<String> lines = Files.readAllLines(SAMPLE);
    Files.write(dir.resolve("audit-2026-11-30T14-39-10.123.log"), lines.subList(0, 2));
    Files.write(dir.resolve("audit.log"), lines.subList(2, lines.size()));
    Files.write(dir.resolve("kube-apiserver.log"), lines.subList(0, 2));
    assertEquals(AuditLog.count(SAMPLE, JOB_CONTROLLER, Instant.parse("2026-11-30T14:39:00Z"),
            Instant.parse("2026-11-30T14:40:00Z")),
        AuditLog.count(dir.resolve("audit.log"), JOB_CONTROLLER, Instant.parse("2026-11-30T14:39:00Z"),
            Instant.parse("2026-11-30T14:40:00Z")));
  }

  @Test
  void auditVerbsAsHttpMethods() {
    for (List<String> pair : List.of(List.of("create", "POST"), List.of("update", "PUT"), List.of("patch", "PATCH"),
        List.of("delete", "DELETE"), List.of("deletecollection", "DELETE"), List.of("get", "GET"),
        List.of("list", "LIST"), List.of("watch", "WATCH"))) {
      assertEquals(pair.get(1), AuditLog.verb(pair.get(0)));
    }
  }
}
