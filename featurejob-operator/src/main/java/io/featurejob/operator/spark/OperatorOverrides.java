package io.featurejob.operator.spark;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.featurejob.operator.api.CapacityType;
import io.featurejob.operator.api.FeatureJob;
import io.featurejob.operator.api.FeatureJobSpec;
import io.featurejob.operator.policy.LaunchPlan;
import io.featurejob.operator.policy.ResolvedSpec;
import io.featurejob.operator.policy.SpecResolver;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What of a user's spec the operator will override or ignore, one entry each, for the
 * {@code SpecAdjusted} condition and event (see policy.SpecAdjustments): reserved sparkConf keys, and
 * what {@link PodTemplateMerge} drops from spark.driver / spark.executor. The merge runs against the
 * pods the operator would build on either capacity type, so the report and the launched pods agree.
 * Names only, never values: a value may be a secret.
 */
public final class OperatorOverrides implements SpecResolver.Overrides {
  private final CapacityProfile profile;
  private final boolean restrictedSecurityContext;

  public OperatorOverrides(CapacityProfile profile, boolean restrictedSecurityContext) {
    this.profile = profile;
    this.restrictedSecurityContext = restrictedSecurityContext;
  }

  @Override
  public List<String> of(FeatureJobSpec spec, ResolvedSpec resolved) {
    List<String> overrides = new ArrayList<>();
    List<String> ignored = SparkSubmitArgs.ignoredUserConf(spec.spark == null ? null : spec.spark.sparkConf);
    if (!ignored.isEmpty()) {
      overrides.add("spark.sparkConf keys set by the operator are ignored: " + String.join(", ", ignored));
    }
    FeatureJob probe = new FeatureJob();
    probe.setMetadata(new ObjectMetaBuilder().withName("probe").withNamespace("probe").withUid("probe").build());
    probe.setSpec(spec);
    Set<String> dropped = new LinkedHashSet<>();
    for (CapacityType capacity : CapacityType.values()) {
      LaunchPlan plan = new LaunchPlan("probe", 1, null, Instant.EPOCH, Instant.EPOCH, capacity, capacity,
          resolved.spark().driverMemoryMiB(), resolved.spark().executorMemoryMiB(), LaunchPlan.Trigger.Schedule);
      dropped.addAll(PodTemplateMerge.forDriver(
          DriverPodBuilder.operatorPod(probe, resolved, plan, profile, restrictedSecurityContext), spec).overridden());
      dropped.addAll(PodTemplateMerge.forExecutors(
          ExecutorPodTemplate.operatorPod(probe, plan, profile, restrictedSecurityContext), spec).overridden());
    }
    if (!dropped.isEmpty()) {
      overrides.add("pod fields set by the operator or Spark are ignored: " + String.join(", ", dropped));
    }
    return overrides;
  }
}
