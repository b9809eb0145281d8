package io.featurejob.operator.e2e;

import io.featurejob.operator.api.FeatureJob;
import io.featurejob.operator.demo.Stories;
import java.util.Map;

/** FeatureJobs for the end-to-end tests: hourly, with back-offs of seconds. */
final class TestJobs {
  /** A driver log tail the classifier files under UserCodeError (a Python Traceback). */
  static final String TRACEBACK = Stories.TRACEBACK;

  private TestJobs() {}

  static FeatureJob hourly(String name, String initialBackoff, String maxBackoff, int alertAfter, int cap) {
    FeatureJob job = Stories.job(name, name.replace('-', '_'), null, Map.of("team", "e2e"));
    job.getSpec().retryPolicy = Stories.retry(initialBackoff, 1.5, maxBackoff, 0.1, alertAfter, cap);
    return job;
  }
}
