package io.featurejob.operator.policy;

import java.time.Instant;

/**
 * The parts of a FeatureJob's metadata the policy needs.
 *
 * @param unblockToken the current value of the featurejob.io/unblock annotation, or null
 */
public record JobRef(String namespace, String name, String uid, Instant createdAt, long generation, String unblockToken) {}
