package io.featurejob.operator.chart;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.TemplateCommand;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/** The chart under helm/, rendered in-process by helm-java (no helm binary), and its objects. */
public final class HelmChart {
  static final Path DIR = Path.of("helm/featurejob-operator");
  /** What deploy/ is rendered with: the README's release name and namespace. */
  static final String RELEASE = "featurejob-operator";
  static final String NAMESPACE = "featurejob-system";

  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();
  private static final Pattern DOCUMENT_SEPARATOR = Pattern.compile("(?m)^---\\s*$");

  private HelmChart() {}

  /**
   * {@code helm template featurejob-operator helm/featurejob-operator -n featurejob-system -f values.yaml}.
   * Values go through a file because helm-java's {@code set} passes every value as a string.
   *
   * @param valuesYaml the values to override, as YAML ("" = the chart's defaults)
   * @throws IllegalStateException with helm's message when the values or the templates are rejected
   */
  static String template(String valuesYaml) {
    return template(RELEASE, NAMESPACE, valuesYaml);
  }

  /** {@code helm template RELEASE helm/featurejob-operator -n NAMESPACE -f values.yaml}; see {@link #template(String)}. */
  public static String template(String release, String namespace, String valuesYaml) {
    TemplateCommand command = new Helm(DIR).template().withName(release).withNamespace(namespace);
    if (!valuesYaml.isBlank()) {
      try {
        Path file = Files.createTempFile("values-", ".yaml");
        file.toFile().deleteOnExit();
        Files.writeString(file, valuesYaml);
        command.withValuesFile(file);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return command.call();
  }

  static Rendered render(String valuesYaml) {
    return new Rendered(parse(template(valuesYaml)));
  }

  static Rendered render() {
    return render("");
  }

  /** Every YAML document of a multi-document stream, each as its typed fabric8 model. */
  public static List<HasMetadata> parse(String yaml) {
    List<HasMetadata> objects = new ArrayList<>();
    for (String document : DOCUMENT_SEPARATOR.split(yaml)) {
      if (document.lines().allMatch(l -> l.isBlank() || l.trim().startsWith("#"))) {
        continue;
      }
      objects.add(SERIALIZATION.unmarshal(document, HasMetadata.class));
    }
    return objects;
  }

  /** The objects of one rendering. */
  record Rendered(List<HasMetadata> objects) {
    <T extends HasMetadata> List<T> all(Class<T> type) {
      return objects.stream().filter(type::isInstance).map(type::cast).toList();
    }

    <T extends HasMetadata> Optional<T> find(Class<T> type, String namespace, String name) {
      return all(type).stream()
          .filter(o -> name.equals(o.getMetadata().getName()))
          .filter(o -> java.util.Objects.equals(namespace, o.getMetadata().getNamespace()))
          .findFirst();
    }

    <T extends HasMetadata> T get(Class<T> type, String namespace, String name) {
      return find(type, namespace, name).orElseThrow(() -> new AssertionError(
          "no " + type.getSimpleName() + " " + namespace + "/" + name + " in " + describe()));
    }

    <T extends HasMetadata> T single(Class<T> type) {
      List<T> all = all(type);
      if (all.size() != 1) {
        throw new AssertionError("expected one " + type.getSimpleName() + ", got " + all.size() + " in " + describe());
      }
      return all.get(0);
    }

    List<String> describe() {
      return objects.stream().map(o -> o.getKind() + " " + o.getMetadata().getNamespace() + "/"
          + o.getMetadata().getName()).toList();
    }
  }
}
