package io.featurejob.operator.policy;

import java.time.Instant;

/**
 * The parts of a FeatureJob's metadata the policy needs.
 *
 * @param unblockToken the current value of the featurejob.io/unblock annotation, or null
 * @param runNowToken the current value of the featurejob.io/run-now annotation, or null
 */
public record JobRef(String namespace, String name, String uid, Instant createdAt, long generation, String unblockToken,
    String runNowToken) {

  public JobRef(String namespace, String name, String uid, Instant createdAt, long generation, String unblockToken) {
    this(namespace, name, uid, createdAt, generation, unblockToken, null);
  }
}
