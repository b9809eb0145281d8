package io.featurejob.operator.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class OperatorConfigTest {

  @TempDir Path dir;

  @Test
  void defaultsMatchTheContract() {
    OperatorConfig c = OperatorConfig.defaults();
    assertEquals(List.of(), c.watchNamespaces());
    assertTrue(c.watchAllNamespaces());
    assertEquals("karpenter", c.capacityProfile());
    assertEquals(Optional.empty(), c.capacityProfileFile());
    assertEquals(Optional.empty(), c.classifierRulesFile());
    assertEquals(8080, c.metricsPort());
    assertEquals("0.0.0.0", c.metricsBindAddress());
    assertFalse(c.leaderElection());
    assertEquals(Optional.empty(), c.leaderElectionNamespace());
    assertEquals("featurejob-operator-lease", c.leaderElectionLeaseName());
    assertTrue(c.restrictedSecurityContext());
    assertEquals(List.of("team", "owner"), c.metricsOwnerLabels());
    assertEquals(16, c.reconcileThreads());
    assertEquals(Duration.ofMinutes(1), c.defaultInitialBackoff());
    assertEquals(2.0, c.defaultBackoffMultiplier());
    assertEquals(Duration.ofHours(1), c.defaultMaxBackoff());
    assertEquals(0.1, c.defaultJitter());
    assertEquals(3, c.defaultAlertAfterFailures());
    assertEquals(10, c.defaultMaxConsecutiveFailures());
    assertEquals(Duration.ofMinutes(1), c.defaultRetry().initialBackoff());
    assertEquals(10, c.defaultRetry().maxConsecutiveFailures());
  }

  @Test
  void keysAndEnvironmentVariablesAreUniqueAndPrefixed() {
    Set<String> keys = new HashSet<>();
    Set<String> envs = new HashSet<>();
    for (ConfigOption<?> o : OperatorConfig.ALL) {
      assertTrue(keys.add(o.key()), "duplicate key " + o.key());
      assertTrue(envs.add(o.envVar()), "duplicate env " + o.envVar());
      assertTrue(o.envVar().matches("FEATUREJOB_[A-Z0-9_]+"), o.envVar());
      assertFalse(o.description().isBlank(), o.key());
    }
    assertEquals("FEATUREJOB_METRICS_PORT", OperatorConfig.METRICS_PORT.envVar());
    assertEquals("FEATUREJOB_DEFAULT_MAX_CONSECUTIVE_FAILURES",
        OperatorConfig.DEFAULT_MAX_CONSECUTIVE_FAILURES.envVar());
  }

  @Test
  void environmentOverridesDefaults() {
    OperatorConfig c = OperatorConfig.load(Map.of(
        "FEATUREJOB_WATCH_NAMESPACES", "ml, fraud,,",
        "FEATUREJOB_METRICS_PORT", "9090",
        "FEATUREJOB_LEADER_ELECTION", "TRUE",
        "FEATUREJOB_CAPACITY_PROFILE", "GKE",
        "FEATUREJOB_DEFAULT_INITIAL_BACKOFF", "90s",
        "FEATUREJOB_METRICS_OWNER_LABELS", "team,app.kubernetes.io/part-of",
        // Kubernetes service links inject variables like this one; they must not break startup.
        "FEATUREJOB_OPERATOR_SERVICE_HOST", "10.0.0.1"));
    assertEquals(List.of("ml", "fraud"), c.watchNamespaces());
    assertFalse(c.watchAllNamespaces());
    assertEquals(9090, c.metricsPort());
    assertTrue(c.leaderElection());
    assertEquals("gke", c.capacityProfile());
    assertEquals(Duration.ofSeconds(90), c.defaultInitialBackoff());
    assertEquals(List.of("team", "app.kubernetes.io/part-of"), c.metricsOwnerLabels());
  }

  @Test
  void fileOverridesDefaultsAndEnvironmentOverridesFile() throws IOException {
    Path file = dir.resolve("operator.properties");
    Files.writeString(file, """
        # mounted from the chart's ConfigMap
        watchNamespaces=ml
        metricsPort=9100
        capacityProfileFile=/etc/featurejob/capacity.yaml
        leaderElectionNamespace=featurejob-system
        defaultAlertAfterFailures=5
        """);
    OperatorConfig c = OperatorConfig.load(Map.of(
        OperatorConfig.CONFIG_FILE_ENV, file.toString(),
        "FEATUREJOB_METRICS_PORT", "9200"));
    assertEquals(List.of("ml"), c.watchNamespaces());
    assertEquals(9200, c.metricsPort(), "env beats file");
    assertEquals(Optional.of(Path.of("/etc/featurejob/capacity.yaml")), c.capacityProfileFile());
    assertEquals(Optional.of("featurejob-system"), c.leaderElectionNamespace());
    assertEquals(5, c.defaultAlertAfterFailures());
    assertEquals("karpenter", c.capacityProfile(), "untouched options keep their default");
  }

  @Test
  void unknownKeyInFileIsAnErrorNamingTheKey() throws IOException {
    Path file = dir.resolve("operator.properties");
    Files.writeString(file, "metricsPort=8080\nwatchNamespace=ml\n");
    ConfigException e = assertThrows(ConfigException.class, () -> OperatorConfig.load(Map.of(), file));
    assertTrue(e.getMessage().contains("watchNamespace"), e.getMessage());
    assertTrue(e.getMessage().contains("unknown"), e.getMessage());
  }

  @Test
  void missingFileIsAnError() {
    Path file = dir.resolve("nope.properties");
    ConfigException e = assertThrows(ConfigException.class,
        () -> OperatorConfig.load(Map.of(OperatorConfig.CONFIG_FILE_ENV, file.toString())));
    assertTrue(e.getMessage().contains("nope.properties"), e.getMessage());
  }

  @ParameterizedTest(name = "{0}={1}")
  @CsvSource(delimiter = ';', value = {
      "FEATUREJOB_METRICS_PORT;http;metricsPort",
      "FEATUREJOB_METRICS_PORT;70000;metricsPort",
      "FEATUREJOB_RECONCILE_THREADS;0;reconcileThreads",
      "FEATUREJOB_LEADER_ELECTION;yes;leaderElection",
      "FEATUREJOB_CAPACITY_PROFILE;openshift;capacityProfile",
      "FEATUREJOB_WATCH_NAMESPACES;ml,Bad_NS;watchNamespaces",
      "FEATUREJOB_DEFAULT_INITIAL_BACKOFF;1 minute;defaultInitialBackoff",
      "FEATUREJOB_DEFAULT_MAX_BACKOFF;0s;defaultMaxBackoff",
      "FEATUREJOB_DEFAULT_JITTER;1.5;defaultJitter",
      "FEATUREJOB_DEFAULT_BACKOFF_MULTIPLIER;two;defaultBackoffMultiplier",
      "FEATUREJOB_METRICS_BIND_ADDRESS;' ';metricsBindAddress",
      "FEATUREJOB_LEADER_ELECTION_LEASE_NAME;Lease!;leaderElectionLeaseName",
      "FEATUREJOB_METRICS_OWNER_LABELS;team,cost center;metricsOwnerLabels",
      "FEATUREJOB_SHARD_COUNT;0;shardCount",
      "FEATUREJOB_SHARD_COUNT;65;shardCount",
      "FEATUREJOB_SHARD_COUNT;two;shardCount",
      "FEATUREJOB_SHARD_INDEX;-1;shardIndex",
  })
  void unparsableValuesNameTheKeyAndTheSource(String env, String value, String key) {
    ConfigException e = assertThrows(ConfigException.class, () -> OperatorConfig.load(Map.of(env, value)));
    assertTrue(e.getMessage().contains(key), e.getMessage());
    assertTrue(e.getMessage().contains(env), e.getMessage());
  }

  @Test
  void unparsableValueInFileNamesTheFile() throws IOException {
    Path file = dir.resolve("operator.properties");
    Files.writeString(file, "reconcileThreads=many\n");
    ConfigException e = assertThrows(ConfigException.class, () -> OperatorConfig.load(Map.of(), file));
    assertTrue(e.getMessage().contains("reconcileThreads"), e.getMessage());
    assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
  }

  @Test
  void retryDefaultsMustBeConsistent() {
    ConfigException e = assertThrows(ConfigException.class, () -> OperatorConfig.load(Map.of(
        "FEATUREJOB_DEFAULT_ALERT_AFTER_FAILURES", "12")));
    assertTrue(e.getMessage().contains("defaultAlertAfterFailures"), e.getMessage());
    assertTrue(e.getMessage().contains("defaultMaxConsecutiveFailures"), e.getMessage());

    e = assertThrows(ConfigException.class, () -> OperatorConfig.load(Map.of(
        "FEATUREJOB_DEFAULT_INITIAL_BACKOFF", "2h")));
    assertTrue(e.getMessage().contains("defaultInitialBackoff"), e.getMessage());
  }

  /** Shard and count together: the index must name one of the shards; each shard has its own Lease. */
  @ParameterizedTest(name = "index {0} of {1}")
  @CsvSource(delimiter = ';', value = {
      "'';'';featurejob-operator-lease;",
      "0;1;featurejob-operator-lease;",
      "0;2;featurejob-operator-lease-shard-0;",
      "1;2;featurejob-operator-lease-shard-1;",
      "2;3;featurejob-operator-lease-shard-2;",
      "2;2;;shardIndex (2) must be < shardCount (2): shards are numbered 0 to 1",
      "1;'';;shardIndex (1) must be < shardCount (1): shards are numbered 0 to 0",
  })
  void shardsAndTheirLeases(String index, String count, String lease, String error) {
    Map<String, String> env = new java.util.HashMap<>();
    if (!index.isEmpty()) {
      env.put("FEATUREJOB_SHARD_INDEX", index);
    }
    if (!count.isEmpty()) {
      env.put("FEATUREJOB_SHARD_COUNT", count);
    }
    if (error != null) {
      assertEquals(error, assertThrows(ConfigException.class, () -> OperatorConfig.load(env)).getMessage());
      return;
    }
    OperatorConfig c = OperatorConfig.load(env);
    assertEquals(lease, c.leaseName());
    assertEquals(index.isEmpty() ? 0 : Integer.parseInt(index), c.shardIndex());
    assertEquals(count.isEmpty() ? 1 : Integer.parseInt(count), c.shardCount());
  }

  @Test
  void describeListsEveryOption() {
    String text = OperatorConfig.defaults().describe();
    for (ConfigOption<?> o : OperatorConfig.ALL) {
      assertTrue(text.contains(o.key() + "="), o.key());
    }
    assertTrue(text.contains("defaultMaxBackoff=1h\n"), text);
    assertTrue(text.contains("metricsOwnerLabels=team,owner\n"), text);
  }

  @Test
  void markdownTableHasOneRowPerOption() {
    String table = OperatorConfig.markdownTable();
    List<String> lines = table.lines().toList();
    assertEquals(OperatorConfig.ALL.size() + 2, lines.size());
    assertEquals("| Key | Environment variable | Default | Description |", lines.get(0));
    assertTrue(table.contains("| `metricsPort` | `FEATUREJOB_METRICS_PORT` | `8080` |"), table);
    assertTrue(table.contains("| `watchNamespaces` | `FEATUREJOB_WATCH_NAMESPACES` |  |"), table);
  }
}
