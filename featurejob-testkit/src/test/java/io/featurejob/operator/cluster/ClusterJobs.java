package io.featurejob.operator.cluster;

import io.featurejob.operator.api.FeatureJob;
import io.featurejob.operator.testing.TestJobs;

/** FeatureJobs for the control-plane tests: back-offs of seconds, a yearly schedule. */
final class ClusterJobs {
  /**
   * Yearly: the first run covers the newest due window and no further tick falls inside a test
   * (with @hourly a test crossing the full hour saw the next window's run start).
   */
  static final String SCHEDULE = "@yearly";

  private ClusterJobs() {}

  static FeatureJob job(String name, String initialBackoff, String maxBackoff, int alertAfter, int cap) {
    FeatureJob job = TestJobs.job(name, initialBackoff, maxBackoff, alertAfter, cap);
    job.getSpec().schedule = SCHEDULE;
    return job;
  }
}
