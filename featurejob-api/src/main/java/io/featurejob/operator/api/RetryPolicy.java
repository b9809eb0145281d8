package io.featurejob.operator.api;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/**
 * Retry schedule. No schema defaults on purpose: an omitted field takes the operator-wide default
 * (operator config defaultInitialBackoff etc.; built in: 1m x2 up to 1h, jitter 0.1, alert at 3, cap 10),
 * which a schema default filled in by the API server would hide. The schema's cross-field rules compare
 * an omitted side against the built-in default; the operator compares against its configured one.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
// An omitted side is compared against its built-in default, so a lone alertAfterFailures: 20 is caught.
@ValidationRule(
    value = "(has(self.alertAfterFailures) ? self.alertAfterFailures : " + Defaults.ALERT_AFTER_FAILURES + ")"
        + " <= (has(self.maxConsecutiveFailures) ? self.maxConsecutiveFailures : " + Defaults.MAX_CONSECUTIVE_FAILURES + ")",
    message = "retryPolicy.alertAfterFailures must be <= retryPolicy.maxConsecutiveFailures (default "
        + Defaults.MAX_CONSECUTIVE_FAILURES + "; alertAfterFailures default " + Defaults.ALERT_AFTER_FAILURES + ")")
@ValidationRule(
    // A malformed side already has its pattern error: skip the comparison rather than fail to convert it.
    value = "(has(self.initialBackoff) && !self.initialBackoff.matches('" + Defaults.DURATION_PATTERN + "'))"
        + " || (has(self.maxBackoff) && !self.maxBackoff.matches('" + Defaults.DURATION_PATTERN + "'))"
        + " || duration(has(self.initialBackoff) ? self.initialBackoff : '" + Defaults.INITIAL_BACKOFF + "')"
        + " <= duration(has(self.maxBackoff) ? self.maxBackoff : '" + Defaults.MAX_BACKOFF + "')",
    message = "retryPolicy.initialBackoff must be <= retryPolicy.maxBackoff (default " + Defaults.MAX_BACKOFF
        + "; initialBackoff default " + Defaults.INITIAL_BACKOFF + ")")
public class RetryPolicy {
  @JsonPropertyDescription("Delay before the first retry (default 1m, or the operator's defaultInitialBackoff).")
  @Pattern(Defaults.DURATION_PATTERN)
  @Size(max = Defaults.MAX_DURATION_LENGTH)
  @ValidationRule(value = Defaults.BACKOFF_MIN_RULE, message = Defaults.BACKOFF_MIN_MESSAGE)
  @ValidationRule(value = Defaults.DURATION_MAX_RULE, message = Defaults.DURATION_MAX_MESSAGE)
  public String initialBackoff;

  @JsonPropertyDescription("Each further retry waits this many times longer.")
  @Min(1.0)
  @Max(10.0)
  public Double backoffMultiplier;

  @JsonPropertyDescription("Upper bound of the delay between retries.")
  @Pattern(Defaults.DURATION_PATTERN)
  @Size(max = Defaults.MAX_DURATION_LENGTH)
  @ValidationRule(value = Defaults.BACKOFF_MIN_RULE, message = Defaults.BACKOFF_MIN_MESSAGE)
  @ValidationRule(value = Defaults.DURATION_MAX_RULE, message = Defaults.DURATION_MAX_MESSAGE)
  public String maxBackoff;

  @JsonPropertyDescription("Random +/- fraction applied to each delay, so retries of many jobs spread out.")
  @Min(0.0)
  @Max(1.0)
  public Double jitter;

  @JsonPropertyDescription("Alert after this many consecutive failures (N).")
  @Min(1)
  public Integer alertAfterFailures;

  @JsonPropertyDescription("Whether SpotInterruption and CapacityUnavailable failures count toward alertAfterFailures"
      + " and maxConsecutiveFailures. false: they back off (further each time) but never alert or park the job.")
  public Boolean countInfrastructureFailures;

  @JsonPropertyDescription("Whether counted SpotInterruption and CapacityUnavailable failures count also while the"
      + " features stay fresh. false (default): they count only when the features are stale or the retry would land"
      + " after the freshness SLO, so capacity storms alert nobody whose features are still fresh.")
  public Boolean countInfrastructureFailuresWhileFresh;

  @JsonPropertyDescription("Park the job as PermanentlyFailed after this many consecutive failures (the cap).")
  @Min(1)
  @Max(1000)
  public Integer maxConsecutiveFailures;
}
