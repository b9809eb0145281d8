package io.featurejob.operator.policy;

import io.featurejob.operator.api.Defaults;
import io.featurejob.operator.api.GoDuration;
import java.time.Duration;

/** Operator-wide retry policy used for fields a FeatureJob leaves out (operator config may change it). */
public record RetryDefaults(
    Duration initialBackoff,
    double backoffMultiplier,
    Duration maxBackoff,
    double jitter,
    int alertAfterFailures,
    int maxConsecutiveFailures) {

  public static RetryDefaults builtIn() {
    return new RetryDefaults(
        GoDuration.parse(Defaults.INITIAL_BACKOFF),
        Defaults.BACKOFF_MULTIPLIER,
        GoDuration.parse(Defaults.MAX_BACKOFF),
        Defaults.JITTER,
        Defaults.ALERT_AFTER_FAILURES,
        Defaults.MAX_CONSECUTIVE_FAILURES);
  }
}
