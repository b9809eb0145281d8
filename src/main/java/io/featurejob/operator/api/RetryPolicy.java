package io.featurejob.operator.api;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.ValidationRule;

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
  @JsonPropertyDescription("Delay before the first retry.")
  @Default(Defaults.INITIAL_BACKOFF)
  @Pattern(Defaults.DURATION_PATTERN)
  public String initialBackoff;

  @JsonPropertyDescription("Each further retry waits this many times longer.")
  @Default("2.0")
  @Min(1.0)
  @Max(10.0)
  public Double backoffMultiplier;

  @JsonPropertyDescription("Upper bound of the delay between retries.")
  @Default(Defaults.MAX_BACKOFF)
  @Pattern(Defaults.DURATION_PATTERN)
  public String maxBackoff;

  @JsonPropertyDescription("Random +/- fraction applied to each delay, so retries of many jobs spread out.")
  @Default("0.1")
  @Min(0.0)
  @Max(1.0)
  public Double jitter;

  @JsonPropertyDescription("Alert after this many consecutive failures (N).")
  @Default("3")
  @Min(1)
  public Integer alertAfterFailures;

  @JsonPropertyDescription("Park the job as PermanentlyFailed after this many consecutive failures (the cap).")
  @Default("10")
  @Min(1)
  @Max(1000)
  public Integer maxConsecutiveFailures;
}
