package io.featurejob.operator.api;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceColumnDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;

/**
 * Build step after fabric8's CRD generator (see pom.xml): the generator sorts printer columns by JSON
 * path, but `kubectl get fj` must show them in the order of docs/design.md §2. Rewrites the generated file in
 * place; `make crds` copies it to crds/ and CrdDriftTest fails when the two differ.
 */
public final class CrdPostProcessor {
  /** Column order of `kubectl get fj`. */
  public static final List<String> COLUMN_ORDER =
      List.of("Feature View", "Phase", "Failures", "Last Failure", "Next Run", "Last Success", "Age");
  static final String HEADER = "# Generated from the Java API classes by fabric8's CRD generator and CrdPostProcessor;"
      + " do not edit: run `make crds`.\n";

  private CrdPostProcessor() {}

  public static void main(String[] args) throws IOException {
    for (String file : args) {
      Path path = Path.of(file);
      Files.writeString(path, process(Files.readString(path, StandardCharsets.UTF_8)), StandardCharsets.UTF_8);
    }
  }

  public static String process(String yaml) {
    if (yaml.startsWith(HEADER)) {
      return yaml; // already processed (incremental build)
    }
    CustomResourceDefinition crd = Serialization.unmarshal(yaml, CustomResourceDefinition.class);
    for (CustomResourceDefinitionVersion version : crd.getSpec().getVersions()) {
      List<CustomResourceColumnDefinition> columns = version.getAdditionalPrinterColumns();
      if (columns != null) {
        columns.sort(Comparator.comparingInt(c -> {
          int i = COLUMN_ORDER.indexOf(c.getName());
          return i < 0 ? Integer.MAX_VALUE : i;
        }));
      }
    }
    return HEADER + Serialization.asYaml(crd).replaceFirst("^---\n", "");
  }
}
