package io.featurejob.operator.spark;

import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.featurejob.operator.api.FeatureJob;

/** Owner references from the objects the operator creates to their FeatureJob. */
public final class OwnerReferences {
  private OwnerReferences() {}

  /**
   * controller=true lets JOSDK map pod events back to the job; blockOwnerDeletion=true keeps the
   * job around (foreground deletion) until its pods are gone.
   */
  public static OwnerReference controlledBy(FeatureJob job) {
    return new OwnerReferenceBuilder()
        .withApiVersion(FeatureJob.GROUP + "/" + FeatureJob.VERSION)
        .withKind("FeatureJob")
        .withName(job.getMetadata().getName())
        .withUid(job.getMetadata().getUid())
        .withController(true)
        .withBlockOwnerDeletion(true)
        .build();
  }
}
