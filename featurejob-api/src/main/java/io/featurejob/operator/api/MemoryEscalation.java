package io.featurejob.operator.api;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

@JsonIgnoreProperties(ignoreUnknown = true)
public class MemoryEscalation {
  @JsonPropertyDescription("After an OutOfMemory failure the affected memory is multiplied by this; 1 = never.")
  @Default("1.5")
  @Min(1.0)
  @Max(4.0)
  public Double factor;

  @JsonPropertyDescription("Ceiling of the driver's escalated memory (Spark size; a bare number is MiB).")
  @Default(Defaults.MAX_DRIVER_MEMORY)
  @Pattern(Defaults.SPARK_MEMORY_PATTERN)
  @Size(max = Defaults.MAX_MEMORY_LENGTH)
  @ValidationRule(value = Defaults.MEMORY_MIN_RULE, message = Defaults.MEMORY_MIN_MESSAGE)
  @ValidationRule(value = Defaults.MEMORY_MAX_RULE, message = Defaults.MEMORY_MAX_MESSAGE)
  public String maxDriverMemory;

  @JsonPropertyDescription("Ceiling of each executor's escalated memory (Spark size; a bare number is MiB).")
  @Default(Defaults.MAX_EXECUTOR_MEMORY)
  @Pattern(Defaults.SPARK_MEMORY_PATTERN)
  @Size(max = Defaults.MAX_MEMORY_LENGTH)
  @ValidationRule(value = Defaults.MEMORY_MIN_RULE, message = Defaults.MEMORY_MIN_MESSAGE)
  @ValidationRule(value = Defaults.MEMORY_MAX_RULE, message = Defaults.MEMORY_MAX_MESSAGE)
  public String maxExecutorMemory;

  @JsonPropertyDescription("Give escalated memory back at the first success this long after the last OutOfMemory"
      + " (a Go duration, default 6h); 0s keeps it.")
  @Default(Defaults.KEEP_ESCALATED_MEMORY_FOR)
  @Pattern(Defaults.DURATION_PATTERN)
  @Size(max = Defaults.MAX_DURATION_LENGTH)
  public String keepFor;
}
