package io.featurejob.operator.config;

import io.featurejob.operator.api.Defaults;
import io.featurejob.operator.api.GoDuration;
import io.featurejob.operator.policy.ResolvedSpec;
import io.featurejob.operator.policy.SparkAllowList;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;

/**
 * The operator's own settings (not a FeatureJob's). Every option is declared once below with its key,
 * environment variable, default and description; loading, validation and the docs table
 * ({@link #markdownTable()}) all come from that list.
 *
 * <p>Precedence, lowest first: the default, the properties file ({@code FEATUREJOB_CONFIG_FILE}, e.g.
 * a mounted ConfigMap), the {@code FEATUREJOB_*} environment variable.
 */
public final class OperatorConfig {

  /** Environment variable naming the optional properties file. */
  public static final String CONFIG_FILE_ENV = "FEATUREJOB_CONFIG_FILE";

  /** More shards than this is a typo, not a plan: past a few shards the API server is the limit. */
  static final int MAX_SHARDS = 64;

  public static final Set<String> CAPACITY_PRESETS = orderedSet("karpenter", "eks", "gke", "aks", "none");

  public static final ConfigOption<List<String>> WATCH_NAMESPACES = ConfigOption.of(
      "watchNamespaces", "",
      "Namespaces to watch, comma-separated; empty = all namespaces.",
      ValueParsers.commaList(ValueParsers::namespace));
  public static final ConfigOption<String> CAPACITY_PROFILE = ConfigOption.of(
      "capacityProfile", "karpenter",
      "Preset mapping OnDemand/Spot to node pools: karpenter, eks, gke, aks or none.",
      ValueParsers.oneOf(CAPACITY_PRESETS));
  public static final ConfigOption<Optional<Path>> CAPACITY_PROFILE_FILE = ConfigOption.of(
      "capacityProfileFile", "",
      "Path to a custom capacity profile (YAML); replaces the preset when set.",
      ValueParsers::optionalPath);
  public static final ConfigOption<Optional<Path>> CLASSIFIER_RULES_FILE = ConfigOption.of(
      "classifierRulesFile", "",
      "Path to a file of extra failure-classification rules, added to the built-in ones.",
      ValueParsers::optionalPath);
  public static final ConfigOption<Integer> METRICS_PORT = ConfigOption.of(
      "metricsPort", "8080",
      "Port serving /metrics, /healthz and /readyz (0 = any free port).",
      ValueParsers.intBetween(0, 65535));
  public static final ConfigOption<String> METRICS_BIND_ADDRESS = ConfigOption.of(
      "metricsBindAddress", "0.0.0.0",
      "Address the metrics and health endpoints listen on; 127.0.0.1 keeps them off the network (outside a pod:"
          + " in one the kubelet probes the pod IP, use metricsAuth instead).",
      ValueParsers::nonBlank);
  public static final ConfigOption<Boolean> METRICS_AUTH = ConfigOption.of(
      "metricsAuth", "false",
      "Serve /metrics only to bearer tokens the API server authenticates (TokenReview) and allows to get the"
          + " non-resource URL /metrics (SubjectAccessReview); needs create on both. /healthz and /readyz stay open.",
      ValueParsers::bool);
  public static final ConfigOption<Boolean> LEADER_ELECTION = ConfigOption.of(
      "leaderElection", "false",
      "Elect a leader through a Lease, so several replicas can run with one active.",
      ValueParsers::bool);
  public static final ConfigOption<Optional<String>> LEADER_ELECTION_NAMESPACE = ConfigOption.of(
      "leaderElectionNamespace", "",
      "Namespace of the leader-election Lease; empty = the operator's own namespace.",
      ValueParsers::optionalNamespace);
  public static final ConfigOption<String> LEADER_ELECTION_LEASE_NAME = ConfigOption.of(
      "leaderElectionLeaseName", "featurejob-operator-lease",
      "Name of the leader-election Lease.",
      ValueParsers::resourceName);
  public static final ConfigOption<Integer> SHARD_COUNT = ConfigOption.of(
      "shardCount", "1",
      "Number of operator shards: each FeatureJob (and its pods) belongs to exactly one, by a hash of its"
          + " namespace and name; 1 = this operator handles every job.",
      ValueParsers.intBetween(1, MAX_SHARDS));
  public static final ConfigOption<Integer> SHARD_INDEX = ConfigOption.of(
      "shardIndex", "0",
      "Which shard this operator is, 0 to shardCount-1: it reconciles, caches and counts only that shard's jobs"
          + " and pods. With shardCount > 1 the leader-election Lease is leaderElectionLeaseName-shard-<index>.",
      ValueParsers.intBetween(0, MAX_SHARDS - 1));
  public static final ConfigOption<Boolean> WATCH_REFERENCES = ConfigOption.of(
      "watchReferences", "false",
      "Retry a failing job at once when a Secret or ConfigMap its spec references changes; needs list and watch on"
          + " secrets and configmaps in the managed namespaces (only their metadata is kept).",
      ValueParsers::bool);
  public static final ConfigOption<Boolean> RESTRICTED_SECURITY_CONTEXT = ConfigOption.of(
      "restrictedSecurityContext", "true",
      "Run Spark pods as non-root with seccompProfile RuntimeDefault and no privilege escalation.",
      ValueParsers::bool);
  public static final ConfigOption<List<String>> SPARK_SERVICE_ACCOUNTS = ConfigOption.of(
      "sparkServiceAccounts", Defaults.SERVICE_ACCOUNT,
      "ServiceAccounts a FeatureJob may name in spec.spark.serviceAccountName, comma-separated; * = any."
          + " Others make the job Invalid.",
      ValueParsers.nonEmptyCommaList(ValueParsers::serviceAccountOrAny));
  public static final ConfigOption<List<String>> SPARK_IMAGES = ConfigOption.of(
      "sparkImages", "apache/spark",
      "Images a FeatureJob may use in spec.spark.image, comma-separated: a repository (apache/spark allows"
          + " its tags and digests), a prefix ending in / (registry.example.com/ml/), or * = any. Others make"
          + " the job Invalid.",
      ValueParsers.nonEmptyCommaList(ValueParsers::imageEntry));
  public static final ConfigOption<List<String>> METRICS_OWNER_LABELS = ConfigOption.of(
      "metricsOwnerLabels", "team,owner",
      "FeatureJob label keys copied into featurejob_info (names sanitized to snake_case), comma-separated.",
      ValueParsers.commaList(ValueParsers::labelKey));
  public static final ConfigOption<Integer> RECONCILE_THREADS = ConfigOption.of(
      "reconcileThreads", "16",
      "Reconciler worker threads. A reconcile mostly waits on the API server: in make bench's 1,000-job storm 16 threads halved retry lateness against 4, for the same requests and API server CPU; 64 did no better than 16 (the API server had no CPU to spare).",
      ValueParsers.intBetween(1, 256));
  public static final ConfigOption<Duration> DEFAULT_INITIAL_BACKOFF = ConfigOption.of(
      "defaultInitialBackoff", Defaults.INITIAL_BACKOFF,
      "Delay before the first retry, for FeatureJobs that omit retryPolicy.initialBackoff.",
      ValueParsers::positiveDuration);
  public static final ConfigOption<Double> DEFAULT_BACKOFF_MULTIPLIER = ConfigOption.of(
      "defaultBackoffMultiplier", String.valueOf(Defaults.BACKOFF_MULTIPLIER),
      "Growth of the delay per further failure, for FeatureJobs that omit retryPolicy.backoffMultiplier.",
      ValueParsers.doubleBetween(1.0, 10.0));
  public static final ConfigOption<Duration> DEFAULT_MAX_BACKOFF = ConfigOption.of(
      "defaultMaxBackoff", Defaults.MAX_BACKOFF,
      "Cap on the retry delay, for FeatureJobs that omit retryPolicy.maxBackoff.",
      ValueParsers::positiveDuration);
  public static final ConfigOption<Double> DEFAULT_JITTER = ConfigOption.of(
      "defaultJitter", String.valueOf(Defaults.JITTER),
      "Random +/- fraction of each retry delay, for FeatureJobs that omit retryPolicy.jitter.",
      ValueParsers.doubleBetween(0.0, 1.0));
  public static final ConfigOption<Integer> DEFAULT_ALERT_AFTER_FAILURES = ConfigOption.of(
      "defaultAlertAfterFailures", String.valueOf(Defaults.ALERT_AFTER_FAILURES),
      "Consecutive failures that raise the alert, for FeatureJobs that omit retryPolicy.alertAfterFailures.",
      ValueParsers.intBetween(1, 1000));
  public static final ConfigOption<Integer> DEFAULT_MAX_CONSECUTIVE_FAILURES = ConfigOption.of(
      "defaultMaxConsecutiveFailures", String.valueOf(Defaults.MAX_CONSECUTIVE_FAILURES),
      "Consecutive failures that park a job as PermanentlyFailed, for FeatureJobs that omit"
          + " retryPolicy.maxConsecutiveFailures.",
      ValueParsers.intBetween(1, 1000));

  /** Every option, in the order the docs list them. */
  public static final List<ConfigOption<?>> ALL = List.of(
      WATCH_NAMESPACES,
      CAPACITY_PROFILE,
      CAPACITY_PROFILE_FILE,
      CLASSIFIER_RULES_FILE,
      METRICS_PORT,
      METRICS_BIND_ADDRESS,
      METRICS_AUTH,
      LEADER_ELECTION,
      LEADER_ELECTION_NAMESPACE,
      LEADER_ELECTION_LEASE_NAME,
      SHARD_COUNT,
      SHARD_INDEX,
      WATCH_REFERENCES,
      RESTRICTED_SECURITY_CONTEXT,
      SPARK_SERVICE_ACCOUNTS,
      SPARK_IMAGES,
      METRICS_OWNER_LABELS,
      RECONCILE_THREADS,
      DEFAULT_INITIAL_BACKOFF,
      DEFAULT_BACKOFF_MULTIPLIER,
      DEFAULT_MAX_BACKOFF,
      DEFAULT_JITTER,
      DEFAULT_ALERT_AFTER_FAILURES,
      DEFAULT_MAX_CONSECUTIVE_FAILURES);

  private final Map<ConfigOption<?>, Object> values;

  private OperatorConfig(Map<ConfigOption<?>, Object> values) {
    this.values = Map.copyOf(values);
    validateTogether();
  }

  /** Every option at its default. */
  public static OperatorConfig defaults() {
    return load(Map.of(), null);
  }

  /** The process environment, plus the file named by {@code FEATUREJOB_CONFIG_FILE} if set. */
  public static OperatorConfig fromEnvironment() {
    return load(System.getenv());
  }

  /** {@code env} plus the file it names in {@code FEATUREJOB_CONFIG_FILE}, if any. */
  public static OperatorConfig load(Map<String, String> env) {
    String file = env.get(CONFIG_FILE_ENV);
    return load(env, file == null || file.isBlank() ? null : Path.of(file));
  }

  /**
   * Loads options from a properties file (may be null) overridden by environment variables.
   * Unknown {@code FEATUREJOB_*} variables are ignored: Kubernetes injects service-link variables
   * such as FEATUREJOB_OPERATOR_SERVICE_HOST. Unknown keys in the file are an error (a typo there
   * would otherwise be silently ignored).
   *
   * @throws ConfigException naming the key when the file is unreadable, has unknown keys, or a
   *     value does not parse
   */
  public static OperatorConfig load(Map<String, String> env, Path file) {
    Map<String, String> fromFile = file == null ? Map.of() : readFile(file);
    Map<ConfigOption<?>, Object> values = new LinkedHashMap<>();
    for (ConfigOption<?> option : ALL) {
      String envValue = env.get(option.envVar());
      String fileValue = fromFile.get(option.key());
      Object value;
      if (envValue != null) {
        value = option.parse(envValue, "env " + option.envVar());
      } else if (fileValue != null) {
        value = option.parse(fileValue, "file " + file);
      } else {
        value = option.defaultValue();
      }
      values.put(option, value);
    }
    return new OperatorConfig(values);
  }

  private static Map<String, String> readFile(Path file) {
    Properties props = new Properties();
    try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      props.load(reader);
    } catch (NoSuchFileException e) {
      throw new ConfigException("config file " + file + " does not exist");
    } catch (IOException | IllegalArgumentException e) {
      throw new ConfigException("cannot read config file " + file + ": " + e.getMessage(), e);
    }
    Set<String> known = new TreeSet<>();
    ALL.forEach(o -> known.add(o.key()));
    Set<String> unknown = new TreeSet<>(props.stringPropertyNames());
    unknown.removeAll(known);
    if (!unknown.isEmpty()) {
      throw new ConfigException("unknown key(s) " + unknown + " in config file " + file
          + "; known keys: " + String.join(", ", known));
    }
    Map<String, String> out = new LinkedHashMap<>();
    props.stringPropertyNames().forEach(k -> out.put(k, props.getProperty(k)));
    return out;
  }

  // Rules that involve more than one option; mirrors the CRD's CEL rules for retryPolicy.
  private void validateTogether() {
    if (shardIndex() >= shardCount()) {
      throw new ConfigException(SHARD_INDEX.key() + " (" + shardIndex() + ") must be < " + SHARD_COUNT.key() + " ("
          + shardCount() + "): shards are numbered 0 to " + (shardCount() - 1));
    }
    if (leaseName().length() > 253) {
      throw new ConfigException(LEADER_ELECTION_LEASE_NAME.key() + " is too long for the per-shard Lease name "
          + leaseName() + " (at most 253 characters)");
    }
    if (defaultAlertAfterFailures() > defaultMaxConsecutiveFailures()) {
      throw new ConfigException(DEFAULT_ALERT_AFTER_FAILURES.key() + " (" + defaultAlertAfterFailures()
          + ") must be <= " + DEFAULT_MAX_CONSECUTIVE_FAILURES.key() + " (" + defaultMaxConsecutiveFailures() + ")");
    }
    if (defaultInitialBackoff().compareTo(defaultMaxBackoff()) > 0) {
      throw new ConfigException(DEFAULT_INITIAL_BACKOFF.key() + " (" + GoDuration.format(defaultInitialBackoff())
          + ") must be <= " + DEFAULT_MAX_BACKOFF.key() + " (" + GoDuration.format(defaultMaxBackoff()) + ")");
    }
  }

  @SuppressWarnings("unchecked")
  public <T> T get(ConfigOption<T> option) {
    if (!values.containsKey(option)) {
      throw new IllegalArgumentException("not an OperatorConfig option: " + option.key());
    }
    return (T) values.get(option);
  }

  public List<String> watchNamespaces() { return get(WATCH_NAMESPACES); }

  /** True when the operator watches every namespace (no list given). */
  public boolean watchAllNamespaces() { return watchNamespaces().isEmpty(); }

  public String capacityProfile() { return get(CAPACITY_PROFILE); }

  public Optional<Path> capacityProfileFile() { return get(CAPACITY_PROFILE_FILE); }

  public Optional<Path> classifierRulesFile() { return get(CLASSIFIER_RULES_FILE); }

  public int metricsPort() { return get(METRICS_PORT); }

  public String metricsBindAddress() { return get(METRICS_BIND_ADDRESS); }

  public boolean metricsAuth() { return get(METRICS_AUTH); }

  public boolean leaderElection() { return get(LEADER_ELECTION); }

  /** Empty = use the operator's own namespace (the caller knows it, e.g. from the service account). */
  public Optional<String> leaderElectionNamespace() { return get(LEADER_ELECTION_NAMESPACE); }

  public String leaderElectionLeaseName() { return get(LEADER_ELECTION_LEASE_NAME); }

  /** The Lease this operator competes for: one per shard, so each shard elects its own leader. */
  public String leaseName() {
    return shardCount() == 1 ? leaderElectionLeaseName() : leaderElectionLeaseName() + "-shard-" + shardIndex();
  }

  public int shardCount() { return get(SHARD_COUNT); }

  public int shardIndex() { return get(SHARD_INDEX); }

  public boolean watchReferences() { return get(WATCH_REFERENCES); }

  public boolean restrictedSecurityContext() { return get(RESTRICTED_SECURITY_CONTEXT); }

  /** What spec.spark.serviceAccountName and spec.spark.image may name. */
  public SparkAllowList sparkAllowList() {
    return new SparkAllowList(new LinkedHashSet<>(get(SPARK_SERVICE_ACCOUNTS)), get(SPARK_IMAGES));
  }

  public List<String> metricsOwnerLabels() { return get(METRICS_OWNER_LABELS); }

  public int reconcileThreads() { return get(RECONCILE_THREADS); }

  public Duration defaultInitialBackoff() { return get(DEFAULT_INITIAL_BACKOFF); }

  public double defaultBackoffMultiplier() { return get(DEFAULT_BACKOFF_MULTIPLIER); }

  public Duration defaultMaxBackoff() { return get(DEFAULT_MAX_BACKOFF); }

  public double defaultJitter() { return get(DEFAULT_JITTER); }

  public int defaultAlertAfterFailures() { return get(DEFAULT_ALERT_AFTER_FAILURES); }

  public int defaultMaxConsecutiveFailures() { return get(DEFAULT_MAX_CONSECUTIVE_FAILURES); }

  /** The retry policy applied to fields a FeatureJob leaves out. */
  public ResolvedSpec.Retry defaultRetry() {
    return new ResolvedSpec.Retry(
        defaultInitialBackoff(),
        defaultBackoffMultiplier(),
        defaultMaxBackoff(),
        defaultJitter(),
        defaultAlertAfterFailures(),
        defaultMaxConsecutiveFailures());
  }

  /** The effective settings as {@code key=value} lines, for the startup log (no option holds a secret). */
  public String describe() {
    StringBuilder out = new StringBuilder();
    for (ConfigOption<?> option : ALL) {
      out.append(option.key()).append('=').append(display(get(option))).append('\n');
    }
    return out.toString();
  }

  private static String display(Object value) {
    if (value instanceof Optional<?> opt) {
      return opt.map(String::valueOf).orElse("");
    }
    if (value instanceof List<?> list) {
      return String.join(",", list.stream().map(String::valueOf).toList());
    }
    if (value instanceof Duration d) {
      return GoDuration.format(d);
    }
    return String.valueOf(value);
  }

  /** Every option as a Markdown table (key, environment variable, default, description) for docs/configuration.md. */
  public static String markdownTable() {
    StringBuilder out = new StringBuilder();
    out.append("| Key | Environment variable | Default | Description |\n");
    out.append("|---|---|---|---|\n");
    for (ConfigOption<?> option : ALL) {
      String def = option.defaultText().isEmpty() ? "" : "`" + option.defaultText() + "`";
      out.append("| `").append(option.key()).append("` | `").append(option.envVar()).append("` | ")
          .append(def).append(" | ").append(option.description().replace("|", "\\|")).append(" |\n");
    }
    return out.toString();
  }

  private static Set<String> orderedSet(String... items) {
    return java.util.Collections.unmodifiableSet(new LinkedHashSet<>(List.of(items)));
  }
}
