package io.featurejob.operator.controller;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.featurejob.operator.policy.Decision;
import io.featurejob.operator.spark.Sha256;
import java.net.HttpURLConnection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Writes a job's executor-template ConfigMap only when its content differs from what this process last
 * wrote for that job (the ConfigMap holds the templates for both executor capacities, so it is the same
 * for every attempt of a job, fallbacks to on-demand included, until its spec changes), instead of
 * create-409-read-update before every attempt.
 *
 * <p>What was written is remembered per job uid in memory, so a restarted operator writes each job's
 * once: one merge patch for a job that had launched before (its ConfigMap is there), a create for one that
 * had not. A ConfigMap deleted by hand leaves the next driver stuck before its container starts, an attempt
 * that ends in a failure that needs a human (Timeout), never a transient one: {@link #suspect} makes the
 * retry of such a failure write the template again ({@link #healsAfter}). {@link #forget} drops a deleted
 * job's entry. (A rewrite every 10 minutes healed the same case before, at one request per run of every
 * job scheduled less often than that.)
 *
 * <p>One request per write where this process wrote the job's template before (a JSON merge patch of the
 * whole object: a spec edit's rewrite, a suspect one), one for a new job (create); only a ConfigMap this
 * process does not know of costs two only when the job's history misled it (a create answered 409, then
 * the patch; or the patch answered 404 after a deletion by hand, then the create). The old
 * create-409-read-update was three.
 */
final class TemplateWrites {
  private static final KubernetesSerialization JSON = new KubernetesSerialization();
  /** In place of a digest: this process wrote the template, but a failure has put it in doubt. */
  private static final String SUSPECT = "";

  private final KubernetesClient client;
  /** Per job uid, the digest of this process's last write, or {@link #SUSPECT}. */
  private final Map<String, String> written = new ConcurrentHashMap<>();

  TemplateWrites(KubernetesClient client) {
    this.client = client;
  }

  /**
   * Makes sure the ConfigMap holds {@code template}: writes it when this job's last write had other
   * content, is suspect or unknown. {@code jobUid} keys the memory.
   *
   * @param launchedBefore the job's status shows an earlier attempt, so its ConfigMap most likely exists
   *     (what a restarted operator, which remembers nothing, goes by)
   * @return true when a write was sent
   */
  boolean ensure(String jobUid, ConfigMap template, boolean launchedBefore) {
    String digest = digest(template);
    String last = written.get(jobUid);
    if (digest.equals(last)) {
      return false;
    }
    var configMaps = client.configMaps().inNamespace(template.getMetadata().getNamespace());
    Runnable create = () -> configMaps.resource(template).create();
    // The whole object as a JSON merge patch: no resourceVersion (the operator owns every field). Given the
    // item, fabric8 sends the patch as is; by name alone it would read the object first.
    Runnable patch = () -> configMaps.resource(template).patch(PatchContext.of(PatchType.JSON_MERGE), JSON.asJson(template));
    if (last == null && !launchedBefore) {
      runThenOn(create, HttpURLConnection.HTTP_CONFLICT, patch);
    } else {
      runThenOn(patch, HttpURLConnection.HTTP_NOT_FOUND, create);
    }
    written.put(jobUid, digest);
    return true;
  }

  /**
   * Whether an attempt that ended in this decision could have been stopped by a missing template: one that
   * failed with a class that is not transient. Capacity shortages, spot reclaims and deleted pods say
   * nothing about the template, so a storm of them writes nothing.
   */
  static boolean healsAfter(List<Decision.FinishedAttempt> finished) {
    return finished.stream().anyMatch(f -> f.failureClass() != null && !f.failureClass().isTransient());
  }

  /** The job's template is in doubt: its next launch writes it again (a merge patch, or a create if gone). */
  void suspect(String jobUid) {
    written.computeIfPresent(jobUid, (uid, digest) -> SUSPECT);
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
