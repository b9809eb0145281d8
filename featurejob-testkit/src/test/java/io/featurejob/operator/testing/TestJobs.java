package io.featurejob.operator.testing;

import io.featurejob.operator.api.FeatureJob;
import io.featurejob.operator.demo.DriverBehaviour;
import io.featurejob.operator.demo.DriverScript;
import io.featurejob.operator.demo.Stories;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/** FeatureJobs for the end-to-end tests: the demo's job (daily schedule) with back-offs of seconds. */
public final class TestJobs {
  /** A driver log tail the classifier files under UserCodeError (a Python Traceback). */
  public static final String TRACEBACK = Stories.TRACEBACK;

  private TestJobs() {}

  /** Drivers fail with {@link #TRACEBACK} (UserCodeError) until {@code fixed} is set, then succeed. */
  public static DriverScript userCodeErrorUntil(AtomicBoolean fixed) {
    return (driver, cluster) -> fixed.get()
        ? DriverBehaviour.succeedAfter(Duration.ofMillis(500))
        : DriverBehaviour.failAfter(Duration.ofMillis(300), 1, TRACEBACK);
  }

  public static FeatureJob job(String name, String initialBackoff, String maxBackoff, int alertAfter, int cap) {
    FeatureJob job = Stories.job(name, name.replace('-', '_'), null, Map.of("team", "e2e"));
    job.getSpec().retryPolicy = Stories.retry(initialBackoff, 1.5, maxBackoff, 0.1, alertAfter, cap);
    return job;
  }
}
