package io.featurejob.operator.policy;

import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.featurejob.operator.api.FeatureJob;
import io.featurejob.operator.api.Labels;
import io.featurejob.operator.api.Times;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * The parts of a FeatureJob's metadata the policy needs.
 *
 * @param unblockToken the current value of the featurejob.io/unblock annotation, or null
 * @param runNowToken the current value of the featurejob.io/run-now annotation, or null
 * @param references fingerprint of the Secrets and ConfigMaps the spec references (their resourceVersions),
 *     or null when not watched ({@link RetryOnFix})
 */
public record JobRef(String namespace, String name, String uid, Instant createdAt, long generation, String unblockToken,
    String runNowToken, String references) {

  public JobRef(String namespace, String name, String uid, Instant createdAt, long generation, String unblockToken,
      String runNowToken) {
    this(namespace, name, uid, createdAt, generation, unblockToken, runNowToken, null);
  }

  /** The same job with the references' fingerprint the reconciler computed. */
  public JobRef withReferences(String fingerprint) {
    return new JobRef(namespace, name, uid, createdAt, generation, unblockToken, runNowToken, fingerprint);
  }

  public JobRef(String namespace, String name, String uid, Instant createdAt, long generation, String unblockToken) {
    this(namespace, name, uid, createdAt, generation, unblockToken, null);
  }

  public static JobRef of(FeatureJob job) {
    ObjectMeta meta = job.getMetadata();
    Map<String, String> annotations = meta.getAnnotations() == null ? Map.of() : meta.getAnnotations();
    return new JobRef(
        meta.getNamespace(),
        meta.getName(),
        meta.getUid(),
        Objects.requireNonNullElse(Times.parse(meta.getCreationTimestamp()), Instant.EPOCH),
        Objects.requireNonNullElse(meta.getGeneration(), 0L),
        annotations.get(Labels.UNBLOCK),
        annotations.get(Labels.RUN_NOW));
  }
}
