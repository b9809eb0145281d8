package io.featurejob.operator.metrics;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** Turns Kubernetes label keys into Prometheus label names: app.kubernetes.io/part-of -> app_kubernetes_io_part_of. */
final class MetricLabels {
  private MetricLabels() {}

  /** A FeatureJob label key and the Prometheus label name it is exported as. */
  record OwnerLabel(String key, String promName) {}

  static String sanitize(String key) {
    String snake = key.replaceAll("([a-z0-9])([A-Z])", "$1_$2")
        .replaceAll("[^A-Za-z0-9]+", "_")
        .replaceAll("^_+|_+$", "")
        .toLowerCase(Locale.ROOT);
    if (snake.isEmpty()) {
      throw new IllegalArgumentException("label key '" + key + "' has no usable characters for a metric label");
    }
    // Prometheus label names may not start with a digit.
    return Character.isDigit(snake.charAt(0)) ? "label_" + snake : snake;
  }

  /**
   * @throws IllegalArgumentException when two keys, or a key and one of {@code reserved}, map to the
   *     same Prometheus label name (the series would silently lose one of them)
   */
  static List<OwnerLabel> ownerLabels(List<String> keys, Set<String> reserved) {
    Set<String> taken = new HashSet<>(reserved);
    List<OwnerLabel> out = new ArrayList<>();
    for (String key : keys) {
      String name = sanitize(key);
      if (!taken.add(name)) {
        throw new IllegalArgumentException("owner label key '" + key + "' maps to metric label '" + name
            + "', which is already used; choose other metricsOwnerLabels");
      }
      out.add(new OwnerLabel(key, name));
    }
    return List.copyOf(out);
  }
}
