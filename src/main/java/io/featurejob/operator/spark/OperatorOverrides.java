package io.featurejob.operator.spark;

import io.featurejob.operator.api.FeatureJobSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * What of a user's spec the operator will override or ignore, one line each, for the
 * {@code SpecAdjusted} condition and event (see policy.SpecAdjustments). Names only, never values:
 * a value may be a secret.
 */
public final class OperatorOverrides implements Function<FeatureJobSpec, List<String>> {

  @Override
  public List<String> apply(FeatureJobSpec spec) {
    List<String> overrides = new ArrayList<>();
    if (spec.spark != null) {
      List<String> ignored = SparkSubmitArgs.ignoredUserConf(spec.spark.sparkConf);
      if (!ignored.isEmpty()) {
        overrides.add("spark.sparkConf keys set by the operator are ignored: " + String.join(", ", ignored));
      }
    }
    return overrides;
  }
}
