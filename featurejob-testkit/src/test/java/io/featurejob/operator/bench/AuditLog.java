package io.featurejob.operator.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The API server's audit log (hack/bench.sh starts it with a Metadata-level policy): requests of one
 * user, e.g. the Job controller's ServiceAccount, counted by verb and resource in a time window, with
 * the same keys as {@link RequestCounter} ({@code POST pods}, {@code PUT jobs/status}).
 */
final class AuditLog {
  private static final ObjectMapper JSON = new ObjectMapper();

  private AuditLog() {}

  /**
   * Counts in {@code log} and in the files kube-apiserver rotated it into: it moves the log aside at 100 MB
   * ({@code --audit-log-maxsize}'s default), as {@code audit-<time>.log} beside it, which a 5,000-job run
   * reaches during its cold start.
   */
  static Map<String, Long> count(Path log, String username, Instant from, Instant to) throws IOException {
    return count(log, username, null, from, to);
  }

  /** As above, only requests on objects in {@code namespace} (null: anywhere). */
  static Map<String, Long> count(Path log, String username, String namespace, Instant from, Instant to)
      throws IOException {
    Map<String, Long> counts = new TreeMap<>();
    for (Path file : withRotated(log)) {
      try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
        for (String line = in.readLine(); line != null; line = in.readLine()) {
          String key = keyOf(line, username, namespace, from, to);
          if (key != null) {
            counts.merge(key, 1L, Long::sum);
          }
        }
      }
    }
    return counts;
  }

  /** {@code log} ("audit.log") and its rotated files beside it ("audit-2026-12-01T03-40-12.345.log"). */
  static List<Path> withRotated(Path log) throws IOException {
    String name = log.getFileName().toString();
    int dot = name.lastIndexOf('.');
    String prefix = (dot < 0 ? name : name.substring(0, dot)) + "-";
    String suffix = dot < 0 ? "" : name.substring(dot);
    Path dir = log.toAbsolutePath().getParent();
    List<Path> files = new ArrayList<>();
    try (Stream<Path> list = Files.list(dir)) {
      list.filter(p -> p.getFileName().toString().startsWith(prefix) && p.getFileName().toString().endsWith(suffix))
          .sorted().forEach(files::add);
    }
    files.add(log);
    return files;
  }

  /** The request's key if {@code line} is a completed request of {@code username} received in [from, to). */
  static String keyOf(String line, String username, Instant from, Instant to) throws IOException {
    return keyOf(line, username, null, from, to);
  }

  /** As above, and only on an object in {@code namespace} (null: anywhere). */
  static String keyOf(String line, String username, String namespace, Instant from, Instant to) throws IOException {
    if (!line.contains(username)) {
      return null; // most lines: no JSON parse
    }
    JsonNode e = JSON.readTree(line);
    if (!username.equals(e.path("user").path("username").asText()) || !"ResponseComplete".equals(e.path("stage").asText())) {
      return null;
    }
    Instant at = Instant.parse(e.path("requestReceivedTimestamp").asText());
    if (at.isBefore(from) || !at.isBefore(to)) {
      return null;
    }
    JsonNode ref = e.path("objectRef");
    if (namespace != null && !namespace.equals(ref.path("namespace").asText())) {
      return null;
    }
    String resource = ref.path("resource").asText("?");
    String sub = ref.path("subresource").asText("");
    return verb(e.path("verb").asText()) + " " + resource + (sub.isEmpty() ? "" : "/" + sub);
  }

  /** Audit verbs as HTTP methods ({@link RequestCounter}'s keys). */
  static String verb(String auditVerb) {
    return switch (auditVerb) {
      case "create" -> "POST";
      case "update" -> "PUT";
      case "patch" -> "PATCH";
      case "delete", "deletecollection" -> "DELETE";
      case "get" -> "GET";
      case "list" -> "LIST";
      case "watch" -> "WATCH";
      default -> auditVerb.toUpperCase(java.util.Locale.ROOT);
    };
  }
}
