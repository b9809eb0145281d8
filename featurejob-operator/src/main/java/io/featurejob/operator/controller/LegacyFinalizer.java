package io.featurejob.operator.controller;

import io.featurejob.operator.api.FeatureJob;
import io.javaoperatorsdk.operator.api.reconciler.PrimaryUpdateAndCacheUtils;
import io.javaoperatorsdk.operator.api.reconciler.Context;

/**
 * The finalizer earlier versions put on every FeatureJob (JOSDK's default name). It guarded nothing the
 * API server does not clean up itself (pods and the template ConfigMap are owned by the job), only the
 * job's metric series, which now go on the informer's delete event. A job that still carries it after an
 * upgrade has it removed on its next reconcile, whether or not it is being deleted, so no deletion is
 * left waiting for a finalizer nobody removes.
 */
final class LegacyFinalizer {
  static final String NAME = "featurejobs.featurejob.io/finalizer";

  private LegacyFinalizer() {}

  static boolean present(FeatureJob job) {
    return job.hasFinalizer(NAME);
  }

  /** Removes it (JSON patch, retried on conflict); returns the job as written. */
  static FeatureJob remove(Context<FeatureJob> context) {
    return PrimaryUpdateAndCacheUtils.removeFinalizer(context, NAME);
  }
}
