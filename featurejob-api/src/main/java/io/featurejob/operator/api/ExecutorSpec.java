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
public class ExecutorSpec extends PodOptions {
  @JsonPropertyDescription("Number of executor pods.")
  @Default("2")
  @Min(1)
  @Max(1000)
  public Integer instances;

  @JsonPropertyDescription("CPU of each executor: whole or fractional cores (0.5) or millicores (500m); more than 0.")
  @Default(Defaults.EXECUTOR_CORES)
  @Pattern(Defaults.CORES_PATTERN)
  @Size(max = Defaults.MAX_CORES_LENGTH)
  @ValidationRule(value = Defaults.CORES_RULE, message = Defaults.CORES_MESSAGE)
  public String cores;

  @JsonPropertyDescription("JVM heap of each executor in Spark's units (512m, 4g; a bare number is MiB), at least 384m.")
  @Default(Defaults.EXECUTOR_MEMORY)
  @Pattern(Defaults.SPARK_MEMORY_PATTERN)
  @Size(max = Defaults.MAX_MEMORY_LENGTH)
  @ValidationRule(value = Defaults.MEMORY_MIN_RULE, message = Defaults.MEMORY_MIN_MESSAGE)
  @ValidationRule(value = Defaults.MEMORY_MAX_RULE, message = Defaults.MEMORY_MAX_MESSAGE)
  public String memory;

  /** Default: max(384m, 10% of memory), as Spark computes it. */
  @JsonPropertyDescription("Non-heap memory of each executor added to the pod (Spark size); default max(384m, 10% of memory).")
  @Pattern(Defaults.SPARK_MEMORY_PATTERN)
  @Size(max = Defaults.MAX_MEMORY_LENGTH)
  @ValidationRule(value = Defaults.MEMORY_MAX_RULE, message = Defaults.MEMORY_MAX_MESSAGE)
  public String memoryOverhead;
}
