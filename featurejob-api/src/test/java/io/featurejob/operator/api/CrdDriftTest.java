package io.featurejob.operator.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceColumnDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** crds/ is checked in; it must be exactly what the build generates from the Java classes. */
class CrdDriftTest {
  static final Path GENERATED = Path.of("featurejob-api/target/classes/META-INF/fabric8/featurejobs.featurejob.io-v1.yml");
  static final Path CHECKED_IN = Path.of("crds/featurejobs.featurejob.io-v1.yml");

  @Test
  void checkedInCrdMatchesTheGeneratedOne() throws Exception {
    assertEquals(Files.readString(GENERATED), Files.readString(CHECKED_IN),
        "crds/ drifted from the Java API classes: run `make crds` and commit the result");
  }

  @Test
  void printerColumnsFollowTheContractOrder() throws Exception {
    CustomResourceDefinition crd = Serialization.unmarshal(Files.readString(CHECKED_IN), CustomResourceDefinition.class);
    assertEquals(CrdPostProcessor.COLUMN_ORDER, crd.getSpec().getVersions().get(0).getAdditionalPrinterColumns()
        .stream().map(CustomResourceColumnDefinition::getName).collect(Collectors.toList()));
  }

  @Test
  void schemaCarriesTheValidationsTheContractAsksFor() throws Exception {
    CustomResourceDefinition crd = Serialization.unmarshal(Files.readString(CHECKED_IN), CustomResourceDefinition.class);
    JSONSchemaProps spec = crd.getSpec().getVersions().get(0).getSchema().getOpenAPIV3Schema().getProperties().get("spec");
    assertTrue(spec.getRequired().contains("spark"));
    assertTrue(spec.getProperties().get("spark").getRequired().containsAll(java.util.List.of("image", "mainApplicationFile")));
    JSONSchemaProps retry = spec.getProperties().get("retryPolicy");
    assertTrue(retry.getXKubernetesValidations().stream()
        .anyMatch(v -> v.getRule().contains("self.alertAfterFailures : 3) <= (has(self.maxConsecutiveFailures)")));
    assertEquals(Defaults.DURATION_PATTERN, retry.getProperties().get("initialBackoff").getPattern());
    assertEquals(java.util.Set.of("Critical", "High", "Normal", "Low"),
        spec.getProperties().get("importance").getEnum().stream().map(n -> n.asText()).collect(Collectors.toSet()));
    assertEquals(Defaults.SPARK_MEMORY_PATTERN,
        spec.getProperties().get("spark").getProperties().get("driver").getProperties().get("memory").getPattern());
    assertTrue(crd.getSpec().getVersions().get(0).getSubresources().getStatus() != null, "status subresource");
    assertEquals(java.util.List.of("fj"), crd.getSpec().getNames().getShortNames());
  }
}
