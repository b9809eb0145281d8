package io.featurejob.operator.e2e;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.featurejob.operator.api.FeatureJob;
import io.featurejob.operator.api.FeatureJobSpec;
import io.featurejob.operator.api.RetryPolicy;
import io.featurejob.operator.api.SparkSpec;
import java.util.List;
import java.util.Map;

/** FeatureJobs for the end-to-end tests: hourly, with back-offs of seconds. */
final class TestJobs {
  /** A driver log tail the classifier files under UserCodeError (a Python Traceback). */
  static final String TRACEBACK = "Traceback (most recent call last):\n"
      + "  File \"/opt/app/features.py\", line 42, in <module>\n"
      + "    df = transform(raw)\n"
      + "ValueError: invalid literal for int() with base 10: 'n/a'";

  private TestJobs() {}

  static FeatureJob hourly(String name, String initialBackoff, String maxBackoff, int alertAfter, int cap) {
    FeatureJob job = new FeatureJob();
    job.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(E2eHarness.NAMESPACE)
        .withLabels(Map.of("team", "e2e")).build());
    FeatureJobSpec spec = new FeatureJobSpec();
    spec.featureView = name.replace('-', '_');
    spec.schedule = "@daily"; // not @hourly: a test crossing the full hour would see the next window start
    spec.spark = new SparkSpec();
    spec.spark.image = "apache/spark:3.5.3";
    spec.spark.mainApplicationFile = "local:///opt/app/features.py";
    spec.spark.arguments = List.of("--start", "${WINDOW_START}", "--end", "${WINDOW_END}");
    RetryPolicy retry = new RetryPolicy();
    retry.initialBackoff = initialBackoff;
    retry.backoffMultiplier = 1.5;
    retry.maxBackoff = maxBackoff;
    retry.jitter = 0.1;
    retry.alertAfterFailures = alertAfter;
    retry.maxConsecutiveFailures = cap;
    spec.retryPolicy = retry;
    job.setSpec(spec);
    return job;
  }
}
