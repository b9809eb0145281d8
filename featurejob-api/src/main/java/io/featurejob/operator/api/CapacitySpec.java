package io.featurejob.operator.api;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

@JsonIgnoreProperties(ignoreUnknown = true)
public class CapacitySpec {
  @JsonPropertyDescription("Capacity type of the driver pod.")
  @Default(Defaults.DRIVER_CAPACITY)
  public CapacityType driver;

  @JsonPropertyDescription("Capacity type of the executor pods.")
  @Default(Defaults.EXECUTOR_CAPACITY)
  public CapacityType executors;

  @JsonPropertyDescription("When spot pods move to on-demand (until the next success).")
  public OnDemandFallback onDemandFallback;

  @JsonPropertyDescription("A pod pending or unschedulable this long fails the attempt as CapacityUnavailable.")
  @Default(Defaults.SCHEDULING_TIMEOUT)
  @Pattern(Defaults.DURATION_PATTERN)
  @Size(max = Defaults.MAX_DURATION_LENGTH)
  @ValidationRule(value = Defaults.TIMEOUT_MIN_RULE, message = Defaults.TIMEOUT_MIN_MESSAGE)
  @ValidationRule(value = Defaults.DURATION_MAX_RULE, message = Defaults.DURATION_MAX_MESSAGE)
  public String schedulingTimeout;

  @JsonPropertyDescription("While a capacity shortage is seen on the executors' spot pool (other jobs' pods there"
      + " failed as CapacityUnavailable or SpotInterruption recently), spot pods fail after this instead"
      + " (at most schedulingTimeout), so the on-demand fallback comes sooner; 0s (the default) = not shortened.")
  @Default(Defaults.SHORTAGE_SCHEDULING_TIMEOUT)
  @Pattern(Defaults.DURATION_PATTERN)
  @Size(max = Defaults.MAX_DURATION_LENGTH)
  @ValidationRule(value = Defaults.TIMEOUT_OFF_OR_MIN_RULE, message = Defaults.TIMEOUT_OFF_OR_MIN_MESSAGE)
  @ValidationRule(value = Defaults.DURATION_MAX_RULE, message = Defaults.DURATION_MAX_MESSAGE)
  public String shortageSchedulingTimeout;
}
