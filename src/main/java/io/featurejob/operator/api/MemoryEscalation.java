package io.featurejob.operator.api;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;

@JsonIgnoreProperties(ignoreUnknown = true)
public class MemoryEscalation {
  @JsonPropertyDescription("After an OutOfMemory failure the affected memory is multiplied by this; 1 = never.")
  @Default("1.5")
  @Min(1.0)
  @Max(4.0)
  public Double factor;

  @Default(Defaults.MAX_DRIVER_MEMORY)
  @Pattern(Defaults.SPARK_MEMORY_PATTERN)
  public String maxDriverMemory;

  @Default(Defaults.MAX_EXECUTOR_MEMORY)
  @Pattern(Defaults.SPARK_MEMORY_PATTERN)
  public String maxExecutorMemory;
}
