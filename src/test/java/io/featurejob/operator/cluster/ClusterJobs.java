package io.featurejob.operator.cluster;

import io.featurejob.operator.api.FeatureJob;
import io.featurejob.operator.demo.Stories;
import java.util.Map;

/** FeatureJobs for the control-plane tests: back-offs of seconds. */
final class ClusterJobs {
  static final String TRACEBACK = Stories.TRACEBACK;

  /**
   * Yearly: the first run covers the newest due window and no further tick falls inside a test
   * (with @hourly a test crossing the full hour saw the next window's run start).
   */
  static final String SCHEDULE = "@yearly";

  private ClusterJobs() {}

  static FeatureJob job(String name, String initialBackoff, String maxBackoff, int alertAfter, int cap) {
    FeatureJob job = Stories.job(name, name.replace('-', '_'), null, Map.of("team", "e2e"));
    job.getSpec().schedule = SCHEDULE;
    job.getSpec().retryPolicy = Stories.retry(initialBackoff, 1.5, maxBackoff, 0.1, alertAfter, cap);
    return job;
  }
}
