package io.featurejob.operator.controller;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.featurejob.operator.spark.Sha256;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Writes a job's executor-template ConfigMap only when its content differs from what this process last
 * wrote for that job (the template is the same for every attempt of a job until its spec or executor
 * capacity changes), instead of create-409-read-update before every attempt.
 *
 * <p>What was written is remembered per job uid in memory, for at most {@link #REFRESH}: a ConfigMap
 * deleted by hand is written again within that time, and a restarted operator writes each job's
 * once. {@link #forget} drops a deleted job's entry.
 */
final class TemplateWrites {
  /** A remembered write is trusted this long, then the ConfigMap is written again (self-heals a deletion). */
  static final Duration REFRESH = Duration.ofMinutes(10);

  private static final KubernetesSerialization JSON = new KubernetesSerialization();

  private final KubernetesClient client;
  private final Clock clock;
  private final Map<String, Written> written = new ConcurrentHashMap<>();

  TemplateWrites(KubernetesClient client, Clock clock) {
    this.client = client;
    this.clock = clock;
  }

  private record Written(String digest, Instant at) {}

  /**
   * Makes sure the ConfigMap holds {@code template}: writes it when this job's last write had other
   * content, is older than {@link #REFRESH} or unknown. {@code jobUid} keys the memory.
   *
   * @return true when a write was sent
   */
  boolean ensure(String jobUid, ConfigMap template) {
    String digest = digest(template);
    Instant now = clock.instant();
    Written last = written.get(jobUid);
    if (last != null && last.digest.equals(digest) && now.isBefore(last.at.plus(REFRESH))) {
      return false;
    }
    client.configMaps().inNamespace(template.getMetadata().getNamespace()).resource(template)
        .createOr(existing -> existing.update());
    written.put(jobUid, new Written(digest, now));
    return true;
  }

  /** The job is gone: nothing more to remember about it. */
  void forget(String jobUid) {
    written.remove(jobUid);
  }

  /** Jobs remembered (tests). */
  int size() {
    return written.size();
  }

  static String digest(ConfigMap template) {
    return Sha256.hex(JSON.asJson(template));
  }
}
