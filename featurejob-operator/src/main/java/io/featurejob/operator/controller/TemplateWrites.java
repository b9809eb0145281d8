package io.featurejob.operator.controller;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.featurejob.operator.spark.Sha256;
import java.net.HttpURLConnection;
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
 *
 * <p>One request per write where this process wrote the job's template before (a JSON merge patch of the
 * whole object: the fallback's rewrite, a refresh), one for a new job (create); only a ConfigMap this
 * process does not know of costs two (create answered 409 after a restart, then the patch; or the patch
 * answered 404 after a deletion by hand, then the create). The old create-409-read-update was three.
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
    var configMaps = client.configMaps().inNamespace(template.getMetadata().getNamespace());
    Runnable create = () -> configMaps.resource(template).create();
    // The whole object as a JSON merge patch: no resourceVersion (the operator owns every field). Given the
    // item, fabric8 sends the patch as is; by name alone it would read the object first.
    Runnable patch = () -> configMaps.resource(template).patch(PatchContext.of(PatchType.JSON_MERGE), JSON.asJson(template));
    if (last == null) {
      runThenOn(create, HttpURLConnection.HTTP_CONFLICT, patch);
    } else {
      runThenOn(patch, HttpURLConnection.HTTP_NOT_FOUND, create);
    }
    written.put(jobUid, new Written(digest, now));
    return true;
  }

  /** Runs {@code first}, and {@code second} when the API server answered {@code first} with {@code code}. */
  private static void runThenOn(Runnable first, int code, Runnable second) {
    try {
      first.run();
    } catch (KubernetesClientException e) {
      if (e.getCode() != code) {
        throw e;
      }
      second.run();
    }
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
