package io.featurejob.operator.api;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

@JsonIgnoreProperties(ignoreUnknown = true)
public class ExecutorSpec extends PodOptions {
  @Default("2")
  @Min(1)
  @Max(1000)
  public Integer instances;

  @Default(Defaults.EXECUTOR_CORES)
  @Pattern(Defaults.CORES_PATTERN)
  @Size(max = Defaults.MAX_CORES_LENGTH)
  @ValidationRule(value = Defaults.CORES_RULE, message = Defaults.CORES_MESSAGE)
  public String cores;

  @Default(Defaults.EXECUTOR_MEMORY)
  @Pattern(Defaults.SPARK_MEMORY_PATTERN)
  @Size(max = Defaults.MAX_MEMORY_LENGTH)
  @ValidationRule(value = Defaults.MEMORY_MIN_RULE, message = Defaults.MEMORY_MIN_MESSAGE)
  @ValidationRule(value = Defaults.MEMORY_MAX_RULE, message = Defaults.MEMORY_MAX_MESSAGE)
  public String memory;

  /** Default: max(384m, 10% of memory), as Spark computes it. */
  @Pattern(Defaults.SPARK_MEMORY_PATTERN)
  @Size(max = Defaults.MAX_MEMORY_LENGTH)
  @ValidationRule(value = Defaults.MEMORY_MAX_RULE, message = Defaults.MEMORY_MAX_MESSAGE)
  public String memoryOverhead;
}
