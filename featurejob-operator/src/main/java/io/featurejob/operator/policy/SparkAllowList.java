package io.featurejob.operator.policy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which ServiceAccounts and images a FeatureJob may name for its Spark pods. The operator creates
 * those pods with its own rights, so without this check anyone allowed to create a FeatureJob could
 * run any code as any ServiceAccount of the namespace (a confused deputy). The chart's
 * ValidatingAdmissionPolicy applies the same rules at admission; this check holds without it.
 *
 * <p>Image entries, matched literally against {@code spec.spark.image} (no registry normalization,
 * so write them as the FeatureJobs spell images):
 * <ul>
 *   <li>{@code *} allows every image;
 *   <li>an entry ending in {@code /} is a registry or repository prefix: {@code registry.example.com/ml/}
 *       allows every image below it;
 *   <li>any other entry names one repository: {@code apache/spark} allows {@code apache/spark},
 *       {@code apache/spark:3.5.3} and {@code apache/spark@sha256:...}, not {@code apache/spark-evil}.
 * </ul>
 *
 * @param serviceAccounts names allowed in {@code spec.spark.serviceAccountName} (exact match), or {@code *}
 * @param images image entries as above
 */
public record SparkAllowList(Set<String> serviceAccounts, List<String> images) {
  /** In either list: allow every value (an explicit opt-out). */
  public static final String ANY = "*";

  /** No restriction (the simulator and tests of other concerns). */
  public static final SparkAllowList UNRESTRICTED = new SparkAllowList(Set.of(ANY), List.of(ANY));

  public SparkAllowList {
    serviceAccounts = Set.copyOf(serviceAccounts);
    images = List.copyOf(images);
  }

  /**
   * sparkConf keys through which the driver would start executors with another image or identity
   * (the operator passes sparkConf on to spark-submit), each checked like the field it overrides.
   */
  public static final String EXECUTOR_IMAGE_CONF = "spark.kubernetes.executor.container.image";
  public static final String EXECUTOR_SERVICE_ACCOUNT_CONF = "spark.kubernetes.authenticate.executor.serviceAccountName";

  /** The problems of one spec, each naming the field; empty when everything is allowed. */
  public List<String> check(String image, String serviceAccountName, Map<String, String> sparkConf) {
    List<String> problems = new ArrayList<>();
    checkServiceAccount(problems, "spark.serviceAccountName", serviceAccountName);
    checkImage(problems, "spark.image", image);
    Map<String, String> conf = sparkConf == null ? Map.of() : sparkConf;
    if (conf.containsKey(EXECUTOR_SERVICE_ACCOUNT_CONF)) {
      checkServiceAccount(problems, "spark.sparkConf[" + EXECUTOR_SERVICE_ACCOUNT_CONF + "]",
          conf.get(EXECUTOR_SERVICE_ACCOUNT_CONF));
    }
    if (conf.containsKey(EXECUTOR_IMAGE_CONF)) {
      checkImage(problems, "spark.sparkConf[" + EXECUTOR_IMAGE_CONF + "]", conf.get(EXECUTOR_IMAGE_CONF));
    }
    return problems;
  }

  private void checkServiceAccount(List<String> problems, String field, String name) {
    if (!serviceAccounts.contains(ANY) && !serviceAccounts.contains(name)) {
      problems.add(field + ": ServiceAccount '" + name + "' is not allowed (operator option sparkServiceAccounts: "
          + String.join(",", sorted(serviceAccounts)) + ")");
    }
  }

  private void checkImage(List<String> problems, String field, String image) {
    if (image != null && !imageAllowed(image)) {
      problems.add(field + ": image '" + image + "' is not allowed (operator option sparkImages: "
          + String.join(",", images) + ")");
    }
  }

  boolean imageAllowed(String image) {
    for (String entry : images) {
      if (entry.equals(ANY)) {
        return true;
      }
      if (entry.endsWith("/") ? image.startsWith(entry) : sameRepository(image, entry)) {
        return true;
      }
    }
    return false;
  }

  private static boolean sameRepository(String image, String repository) {
    if (!image.startsWith(repository)) {
      return false;
    }
    String rest = image.substring(repository.length());
    // A tag has no '/': "host:5000/x" after the entry "host" is another registry, not a tag.
    return rest.isEmpty() || rest.startsWith("@") || (rest.startsWith(":") && !rest.contains("/"));
  }

  private static List<String> sorted(Set<String> names) {
    return names.stream().sorted().toList();
  }
}
