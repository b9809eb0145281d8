package io.featurejob.operator.controller;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.featurejob.operator.api.Labels;
import io.featurejob.operator.policy.ShardAssignment;
import io.featurejob.operator.spark.PodNames;
import java.util.Map;

/**
 * This operator's shard ({@code shardIndex} of {@code shardCount}) as predicates on what its informers
 * see: a FeatureJob by its namespace and name, a pod by the {@code featurejob.io/job} label the operator puts
 * on it (or, without it, its FeatureJob owner), both through {@link ShardAssignment}. One shard owns
 * everything. The informers keep other shards' objects as stubs only ({@link CacheTrimming}) and drop their
 * events.
 */
record ShardFilter(int index, int count) {

  static final ShardFilter ALL = new ShardFilter(0, 1);

  boolean all() {
    return count == 1;
  }

  boolean ownsJob(HasMetadata job) {
    return all() || owns(job.getMetadata().getNamespace(), PodNames.jobLabelValue(job.getMetadata().getName()));
  }

  boolean ownsPod(Pod pod) {
    return all() || owns(pod.getMetadata().getNamespace(), jobLabelValue(pod));
  }

  private boolean owns(String namespace, String jobLabelValue) {
    return jobLabelValue != null && ShardAssignment.shardOf(namespace, jobLabelValue, count) == index;
  }

  /** The pod's job as its label value; null for a pod that names none (no shard owns it). */
  static String jobLabelValue(Pod pod) {
    Map<String, String> labels = pod.getMetadata().getLabels();
    String label = labels == null ? null : labels.get(Labels.JOB);
    if (label != null) {
      return label;
    }
    for (OwnerReference owner : pod.getMetadata().getOwnerReferences()) {
      if ("FeatureJob".equals(owner.getKind())) {
        return PodNames.jobLabelValue(owner.getName());
      }
    }
    return null;
  }

  @Override
  public String toString() {
    return "shard " + index + " of " + count;
  }
}
