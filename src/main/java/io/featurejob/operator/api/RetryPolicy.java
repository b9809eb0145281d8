package io.featurejob.operator.api;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.ValidationRule;

/**
 * Retry schedule. No schema defaults on purpose: an omitted field takes the operator-wide default
 * (operator config defaultInitialBackoff etc.; built in: 1m x2 up to 1h, jitter 0.1, alert at 3, cap 10),
 * which a schema default filled in by the API server would hide.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@ValidationRule(
    value = "!has(self.alertAfterFailures) || !has(self.maxConsecutiveFailures)"
        + " || self.alertAfterFailures <= self.maxConsecutiveFailures",
    message = "retryPolicy.alertAfterFailures must be <= retryPolicy.maxConsecutiveFailures")
@ValidationRule(
    value = "!has(self.initialBackoff) || !has(self.maxBackoff)"
        + " || duration(self.initialBackoff) <= duration(self.maxBackoff)",
    message = "retryPolicy.initialBackoff must be <= retryPolicy.maxBackoff")
public class RetryPolicy {
  @JsonPropertyDescription("Delay before the first retry (default 1m, or the operator's defaultInitialBackoff).")
  @Pattern(Defaults.DURATION_PATTERN)
  public String initialBackoff;

  @JsonPropertyDescription("Each further retry waits this many times longer.")
  @Min(1.0)
  @Max(10.0)
  public Double backoffMultiplier;

  @JsonPropertyDescription("Upper bound of the delay between retries.")
  @Pattern(Defaults.DURATION_PATTERN)
  public String maxBackoff;

  @JsonPropertyDescription("Random +/- fraction applied to each delay, so retries of many jobs spread out.")
  @Min(0.0)
  @Max(1.0)
  public Double jitter;

  @JsonPropertyDescription("Alert after this many consecutive failures (N).")
  @Min(1)
  public Integer alertAfterFailures;

  @JsonPropertyDescription("Park the job as PermanentlyFailed after this many consecutive failures (the cap).")
  @Min(1)
  @Max(1000)
  public Integer maxConsecutiveFailures;
}
