package io.featurejob.operator.spark;

import java.util.Locale;

/**
 * Deterministic names for everything the operator creates for a FeatureJob. Determinism is what
 * keeps a restarted operator from launching a duplicate: the same (job, run, attempt) always maps to
 * the same pod name, and a create of an existing name fails instead of starting a second driver.
 *
 * <p>When a name would be too long (or the job name had to be rewritten to fit DNS-1123), the job
 * part is truncated and an 8-character hash of the full, untruncated name is added, so two long job
 * names that share a prefix still get different pod names.
 */
public final class PodNames {
  private PodNames() {}

  /** Kubernetes DNS-1123 label limit: pod hostnames and label values. */
  public static final int DNS_LABEL_MAX = 63;
  /** DNS-1123 subdomain limit: ConfigMap names. */
  public static final int DNS_SUBDOMAIN_MAX = 253;
  /**
   * Spark 3.5 names executors {@code <prefix>-exec-<id>} and rejects a prefix longer than
   * 63 - 10 (digits of Int.MaxValue) - 6 ("-exec-") = 47, or one that is not a DNS label.
   */
  public static final int EXECUTOR_PREFIX_MAX = 47;

  static final int HASH_LENGTH = 8;
  private static final String TEMPLATE_SUFFIX = "-executor-template";

  /** Driver pod name {@code <job>-<runId>-<attempt>}, a DNS-1123 label of at most 63 characters. */
  public static String driverPod(String job, String runId, int attempt) {
    return bounded(job, "-" + dnsLabelPart(runId) + "-" + attempt, DNS_LABEL_MAX);
  }

  /**
   * {@code spark.kubernetes.executor.podNamePrefix}: unique per attempt (so executors of an attempt
   * still being garbage collected never collide with the next attempt's) and at most 47 characters.
   */
  public static String executorPodNamePrefix(String job, String runId, int attempt) {
    return bounded(job, "-" + dnsLabelPart(runId) + "-" + attempt, EXECUTOR_PREFIX_MAX);
  }

  /** ConfigMap holding the executor pod template: {@code <job>-executor-template}, one per job. */
  public static String executorTemplateConfigMap(String job) {
    return bounded(job, TEMPLATE_SUFFIX, DNS_SUBDOMAIN_MAX);
  }

  /**
   * Value for the {@code featurejob.io/job} label: the job name itself when it fits (job names are
   * DNS subdomains, which are valid label values up to 63 characters), else truncated plus hash.
   */
  public static String jobLabelValue(String job) {
    requireName(job);
    if (job.length() <= DNS_LABEL_MAX) {
      return job;
    }
    String head = trimTrailingNonAlphanumeric(job.substring(0, DNS_LABEL_MAX - HASH_LENGTH - 1));
    return head + "-" + hash(job);
  }

  /**
   * {@code <job part><suffix>} within {@code max}. The job part is lower-cased with anything outside
   * [a-z0-9-] turned into '-'; if that changed it, or the whole is too long, the job part is
   * shortened and followed by a hash of the original job name plus suffix.
   */
  private static String bounded(String job, String suffix, int max) {
    requireName(job);
    String cleaned = dnsLabelPart(job);
    String plain = cleaned + suffix;
    if (cleaned.equals(job) && plain.length() <= max) {
      return plain;
    }
    String hash = hash(job + suffix);
    int room = max - suffix.length() - HASH_LENGTH - 1;
    if (room < 1) {
      throw new IllegalArgumentException("suffix '" + suffix + "' leaves no room for a name within " + max);
    }
    String head = trimTrailingNonAlphanumeric(cleaned.substring(0, Math.min(room, cleaned.length())));
    return head.isEmpty() ? hash + suffix : head + "-" + hash + suffix;
  }

  /** Lower-case, [a-z0-9-] only, no leading or trailing '-'. */
  static String dnsLabelPart(String text) {
    String lower = text.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9-]", "-");
    return trimTrailingNonAlphanumeric(lower.replaceAll("^-+", ""));
  }

  private static String trimTrailingNonAlphanumeric(String text) {
    int end = text.length();
    while (end > 0 && !Character.isLetterOrDigit(text.charAt(end - 1))) {
      end--;
    }
    return text.substring(0, end);
  }

  private static void requireName(String job) {
    if (job == null || job.isBlank()) {
      throw new IllegalArgumentException("job name must not be empty");
    }
  }

  /** First 8 hex characters of SHA-256: stable across JVMs and releases, unlike String.hashCode. */
  static String hash(String text) {
    return Sha256.hex(text).substring(0, HASH_LENGTH);
  }
}
