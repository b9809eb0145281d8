package io.featurejob.operator.node;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Debian's PostgreSQL 15 on the host, reachable from the real node's pods: hack/spark/postgres.sh in
 * a private state dir, listening on 127.0.0.1 and, for this server's lifetime only, on the bridge's
 * host address, where pg_hba admits only the job role from the pod range (password, scram-sha-256).
 * {@link #close} stops it by its PID (postgres.sh stop) and removes its data.
 */
final class PodPostgres implements AutoCloseable {
  /** The bridge's host address and the pod range of hack/node/node.sh. */
  static final String BRIDGE_ADDRESS = "10.244.0.1";
  static final String POD_CIDR = "10.244.0.0/24";
  private static final Path SCRIPT = Path.of("hack", "spark", "postgres.sh").toAbsolutePath();

  private final Path state;
  final int port;
  final String user;
  final String password;

  private PodPostgres(Path state, Map<String, String> env) {
    this.state = state;
    this.port = Integer.parseInt(env.get("FEATUREJOB_PG_PORT"));
    this.user = env.get("FEATUREJOB_PG_USER");
    this.password = env.get("FEATUREJOB_PG_PASSWORD");
  }

  /** Starts a fresh server with state under {@code state} (its fixture: database features, the job role). */
  static PodPostgres start(Path state) {
    String out = script(state, "start");
    Matcher m = Pattern.compile("export (FEATUREJOB_PG_\\w+)=([^;]*);").matcher(out);
    Map<String, String> env = new HashMap<>();
    while (m.find()) {
      env.put(m.group(1), m.group(2));
    }
    if (!env.containsKey("FEATUREJOB_PG_PORT")) {
      throw new IllegalStateException("postgres.sh start printed no port:\n" + out);
    }
    return new PodPostgres(state, env);
  }

  /** The JDBC URL the pods use: the bridge's host address. */
  String podUrl() {
    return "jdbc:postgresql://" + BRIDGE_ADDRESS + ":" + port + "/features";
  }

  /** Runs {@code sql} in database features as its owner; returns psql's output. */
  String sql(String sql) {
    return script(state, "sql", sql);
  }

  /** The single number a query like {@code SELECT count(*) ...} prints. */
  long number(String query) {
    Matcher m = Pattern.compile("(?m)^\\s*(-?\\d+)\\s*$").matcher(sql(query));
    if (!m.find()) {
      throw new AssertionError("no number from " + query);
    }
    return Long.parseLong(m.group(1));
  }

  @Override
  public void close() {
    script(state, "stop");
    try {
      Path datadir = state.resolve("datadir"); // postgres.sh keeps data in /tmp when postgres cannot reach state
      if (Files.exists(datadir)) {
        delete(Path.of(Files.readString(datadir).trim()).getParent());
      }
      delete(state);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void delete(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  private static String script(Path state, String... args) {
    List<String> command = new ArrayList<>(List.of(SCRIPT.toString()));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().put("FEATUREJOB_PG_STATE", state.toAbsolutePath().toString());
    builder.environment().put("FEATUREJOB_PG_POD_ADDRESS", BRIDGE_ADDRESS);
    builder.environment().put("FEATUREJOB_PG_POD_CIDR", POD_CIDR);
    try {
      Process process = builder.start();
      process.getOutputStream().close();
      String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(120, TimeUnit.SECONDS) || process.exitValue() != 0) {
        throw new AssertionError("postgres.sh " + String.join(" ", args) + " failed:\n" + out);
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
