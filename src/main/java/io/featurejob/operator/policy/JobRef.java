package io.featurejob.operator.policy;

import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.featurejob.operator.api.FeatureJob;
import io.featurejob.operator.api.Labels;
import io.featurejob.operator.api.Times;
import java.time.Instant;
import java.util.Objects;

/**
 * The parts of a FeatureJob's metadata the policy needs.
 *
 * @param unblockToken the current value of the featurejob.io/unblock annotation, or null
 */
public record JobRef(String namespace, String name, String uid, Instant createdAt, long generation, String unblockToken) {

  public static JobRef of(FeatureJob job) {
    ObjectMeta meta = job.getMetadata();
    return new JobRef(
        meta.getNamespace(),
        meta.getName(),
        meta.getUid(),
        Objects.requireNonNullElse(Times.parse(meta.getCreationTimestamp()), Instant.EPOCH),
        Objects.requireNonNullElse(meta.getGeneration(), 0L),
        meta.getAnnotations() == null ? null : meta.getAnnotations().get(Labels.UNBLOCK));
  }
}
