package io.featurejob.operator.api;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;
import java.util.Map;

@JsonIgnoreProperties(ignoreUnknown = true)
public class SparkSpec {
  @JsonPropertyDescription("Spark container image for driver and executors.")
  @Required
  @ValidationRule(value = "self.size() > 0", message = "spark.image must not be empty")
  public String image;

  @JsonPropertyDescription("Application file, e.g. local:///opt/app/features.py or a jar.")
  @Required
  @ValidationRule(value = "self.size() > 0", message = "spark.mainApplicationFile must not be empty")
  public String mainApplicationFile;

  @JsonPropertyDescription("Main class for JVM applications.")
  public String mainClass;

  @JsonPropertyDescription("Application arguments; ${WINDOW_START} and ${WINDOW_END} are substituted.")
  public List<String> arguments;

  @JsonPropertyDescription("Extra Spark configuration passed as --conf key=value.")
  public Map<String, String> sparkConf;

  @JsonPropertyDescription("ServiceAccount of the driver pod; it needs to manage executor pods.")
  @Default(Defaults.SERVICE_ACCOUNT)
  public String serviceAccountName;

  public DriverSpec driver;

  public ExecutorSpec executor;
}
