package io.featurejob.operator.controller;

import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.featurejob.operator.api.FeatureJob;
import io.featurejob.operator.api.Labels;
import io.javaoperatorsdk.operator.processing.event.source.filter.OnUpdateFilter;
import java.util.Map;
import java.util.Objects;

/**
 * Which updates of a FeatureJob trigger a reconcile. JOSDK's default (generation-aware) reacts to
 * spec changes only, but the API server does not bump {@code metadata.generation} for metadata:
 * {@code kubectl annotate fj NAME featurejob.io/unblock=...} (docs/design.md §6) on a parked job would then
 * wait for the next periodic reconcile, hours away. So the reconciler turns generation awareness
 * off and uses this filter instead: spec (generation), the unblock and run-now annotations, labels (the owner
 * labels of featurejob_info), finalizers and deletion. The operator's own status writes change none
 * of these and trigger nothing.
 */
public final class ReconcileTriggers implements OnUpdateFilter<FeatureJob> {

  @Override
  public boolean accept(FeatureJob newJob, FeatureJob oldJob) {
    ObjectMeta now = newJob.getMetadata();
    ObjectMeta before = oldJob.getMetadata();
    return !Objects.equals(now.getGeneration(), before.getGeneration())
        || !Objects.equals(annotation(now, Labels.UNBLOCK), annotation(before, Labels.UNBLOCK))
        || !Objects.equals(annotation(now, Labels.RUN_NOW), annotation(before, Labels.RUN_NOW))
        || !Objects.equals(orEmpty(now.getLabels()), orEmpty(before.getLabels()))
        || !Objects.equals(now.getFinalizers(), before.getFinalizers())
        || !Objects.equals(now.getDeletionTimestamp(), before.getDeletionTimestamp());
  }

  private static String annotation(ObjectMeta meta, String key) {
    return meta.getAnnotations() == null ? null : meta.getAnnotations().get(key);
  }

  private static Map<String, String> orEmpty(Map<String, String> map) {
    return map == null ? Map.of() : map;
  }
}
