package io.featurejob.operator.api;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.Volume;
import java.util.List;
import java.util.Map;

@JsonIgnoreProperties(ignoreUnknown = true)
public class SparkSpec {
  @JsonPropertyDescription("Spark container image for driver and executors.")
  @Required
  @ValidationRule(value = "self.size() > 0", message = "spark.image must not be empty")
  @Size(max = Defaults.MAX_IMAGE_LENGTH)
  public String image;

  @JsonPropertyDescription("Application file, e.g. local:///opt/app/features.py or a jar.")
  @Required
  @ValidationRule(value = "self.size() > 0", message = "spark.mainApplicationFile must not be empty")
  @Size(max = Defaults.MAX_PATH_LENGTH)
  public String mainApplicationFile;

  @JsonPropertyDescription("Main class for JVM applications.")
  @Size(max = Defaults.MAX_IMAGE_LENGTH)
  public String mainClass;

  @JsonPropertyDescription("Application arguments; ${WINDOW_START} and ${WINDOW_END} are substituted.")
  @Size(max = Defaults.MAX_ARGUMENTS)
  public List<@Size(max = Defaults.MAX_ARGUMENT_LENGTH) String> arguments;

  @JsonPropertyDescription("Extra Spark configuration passed as --conf key=value.")
  @Size(max = Defaults.MAX_SPARK_CONF)
  @ValidationRule(value = "self.all(k, k.size() <= " + Defaults.MAX_SPARK_CONF_KEY_LENGTH + ")",
      message = "sparkConf keys must be at most " + Defaults.MAX_SPARK_CONF_KEY_LENGTH + " characters")
  public Map<String, @Size(max = Defaults.MAX_ARGUMENT_LENGTH) String> sparkConf;

  @JsonPropertyDescription("ServiceAccount of the driver pod; it needs to manage executor pods.")
  @Default(Defaults.SERVICE_ACCOUNT)
  @Size(max = Defaults.MAX_NAME_LENGTH)
  public String serviceAccountName;

  @JsonPropertyDescription("The driver pod: size, and what to add to it (env, mounts, labels, placement, sidecars).")
  public DriverSpec driver;

  @JsonPropertyDescription("The executor pods: count, size, and what to add to each (env, mounts, labels, placement, sidecars).")
  public ExecutorSpec executor;

  @JsonPropertyDescription("Volumes of the driver and executor pods (a Secret, a ConfigMap, an emptyDir scratch space);"
      + " mount them with driver.volumeMounts and executor.volumeMounts.")
  @Size(max = 64)
  public List<Volume> volumes;

  @JsonPropertyDescription("Secrets with registry credentials for pulling spark.image (and sidecar images).")
  @Size(max = 16)
  public List<LocalObjectReference> imagePullSecrets;
}
