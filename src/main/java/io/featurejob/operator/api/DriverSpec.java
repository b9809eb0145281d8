package io.featurejob.operator.api;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;

@JsonIgnoreProperties(ignoreUnknown = true)
public class DriverSpec {
  @Default(Defaults.DRIVER_CORES)
  @Pattern(Defaults.CORES_PATTERN)
  public String cores;

  @Default(Defaults.DRIVER_MEMORY)
  @Pattern(Defaults.SPARK_MEMORY_PATTERN)
  public String memory;

  /** Default: max(384m, 10% of memory), as Spark computes it. */
  @Pattern(Defaults.SPARK_MEMORY_PATTERN)
  public String memoryOverhead;
}
