package io.featurejob.operator.controller;

import io.featurejob.operator.api.FeatureJob;
import io.featurejob.operator.policy.SpecResolver;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Each job's spec as {@link SpecResolver} resolved it, kept for the generation it was resolved at. A spec only
 * changes with metadata.generation, and resolving it (the overrides check builds the driver and executor pods on
 * both capacity types, the cron expression is parsed) was a quarter of the operator's CPU in the storm, where
 * most reconciles are pod events and timers on an unchanged spec. A {@link SpecResolver.Result} holds no
 * reference to the spec it came from: its lists and maps are copies.
 */
final class ResolvedSpecs {
  private record Resolved(long generation, SpecResolver.Result result) {}

  private final SpecResolver resolver;
  private final Map<String, Resolved> byUid = new ConcurrentHashMap<>();

  ResolvedSpecs(SpecResolver resolver) {
    this.resolver = resolver;
  }

  /** The job's resolved spec: resolved again when its generation changed (or is unknown: no uid, no generation). */
  SpecResolver.Result of(FeatureJob job) {
    String uid = job.getMetadata().getUid();
    Long generation = job.getMetadata().getGeneration();
    if (uid == null || generation == null) {
      return resolver.resolve(job.getSpec());
    }
    Resolved kept = byUid.get(uid);
    if (kept != null && kept.generation() == generation) {
      return kept.result();
    }
    SpecResolver.Result result = resolver.resolve(job.getSpec());
    byUid.put(uid, new Resolved(generation, result));
    return result;
  }

  /** The job is gone. */
  void forget(String uid) {
    if (uid != null) {
      byUid.remove(uid);
    }
  }

  int size() {
    return byUid.size();
  }
}
