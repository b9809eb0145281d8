package io.featurejob.operator.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.NodeSelectorRequirement;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Toleration;
import io.featurejob.operator.api.CapacityType;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class CapacityProfilesTest {

  /** profile, capacity, nodeSelector, toleration "key=value:Effect" or null, affinity "key op [values]" or null. */
  static Stream<Arguments> presets() {
    return Stream.of(
        Arguments.of("karpenter", CapacityType.OnDemand, Map.of("karpenter.sh/capacity-type", "on-demand"), null, null),
        Arguments.of("karpenter", CapacityType.Spot, Map.of("karpenter.sh/capacity-type", "spot"), null, null),
        Arguments.of("eks", CapacityType.OnDemand, Map.of("eks.amazonaws.com/capacityType", "ON_DEMAND"), null, null),
        Arguments.of("eks", CapacityType.Spot, Map.of("eks.amazonaws.com/capacityType", "SPOT"), null, null),
        Arguments.of("gke", CapacityType.OnDemand, Map.of(), null, "cloud.google.com/gke-spot DoesNotExist []"),
        Arguments.of("gke", CapacityType.Spot, Map.of("cloud.google.com/gke-spot", "true"),
            "cloud.google.com/gke-spot=true:NoSchedule", null),
        Arguments.of("aks", CapacityType.OnDemand, Map.of(), null, "kubernetes.azure.com/scalesetpriority NotIn [spot]"),
        Arguments.of("aks", CapacityType.Spot, Map.of("kubernetes.azure.com/scalesetpriority", "spot"),
            "kubernetes.azure.com/scalesetpriority=spot:NoSchedule", null),
        Arguments.of("none", CapacityType.OnDemand, Map.of(), null, null),
        Arguments.of("none", CapacityType.Spot, Map.of(), null, null));
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("presets")
  void presetPlacement(String profile, CapacityType type, Map<String, String> nodeSelector, String toleration,
      String affinity) {
    NodePlacement placement = CapacityProfiles.named(profile).placement(type);
    assertEquals(nodeSelector, placement.nodeSelector());
    assertEquals(toleration == null ? List.of() : List.of(toleration),
        placement.tolerations().stream().map(CapacityProfilesTest::describe).toList());
    assertEquals(affinity == null ? List.of() : List.of(affinity),
        placement.requiredNodeAffinity().stream()
            .flatMap(t -> t.getMatchExpressions().stream())
            .map(CapacityProfilesTest::describe)
            .toList());
  }

  static String describe(Toleration t) {
    assertEquals("Equal", t.getOperator());
    return t.getKey() + "=" + t.getValue() + ":" + t.getEffect();
  }

  static String describe(NodeSelectorRequirement r) {
    return r.getKey() + " " + r.getOperator() + " " + (r.getValues() == null ? List.of() : r.getValues());
  }

  @Test
  void namesAreCaseInsensitiveAndListed() {
    assertSame(CapacityProfiles.named("karpenter"), CapacityProfiles.named(" Karpenter "));
    assertEquals(List.of("karpenter", "eks", "gke", "aks", "none"), List.copyOf(CapacityProfiles.names()));
  }

  @Test
  void unknownNameListsTheValidOnes() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CapacityProfiles.named("gcp"));
    assertTrue(e.getMessage().contains("'gcp'"), e.getMessage());
    assertTrue(e.getMessage().contains("karpenter, eks, gke, aks, none"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> CapacityProfiles.named(null));
  }

  @Test
  void loadsCustomProfileFromYaml(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("pools.yaml");
    Files.writeString(file, """
        name: my-pools
        onDemand:
          nodeSelector: {pool: general}
        spot:
          nodeSelector: {pool: batch-spot}
          tolerations:
            - {key: spot, operator: Exists, effect: NoSchedule}
          requiredNodeAffinity:
            - matchExpressions:
                - {key: topology.kubernetes.io/zone, operator: In, values: [eu-west-1a, eu-west-1b]}
        """);
    CapacityProfile profile = CapacityProfiles.load(file);
    assertEquals("my-pools", profile.name());
    assertEquals(Map.of("pool", "general"), profile.onDemand().nodeSelector());
    assertEquals(List.of(), profile.onDemand().tolerations());
    assertEquals(Map.of("pool", "batch-spot"), profile.spot().nodeSelector());
    Toleration toleration = profile.spot().tolerations().get(0);
    assertEquals("spot", toleration.getKey());
    assertEquals("Exists", toleration.getOperator());
    assertEquals("NoSchedule", toleration.getEffect());
    assertEquals(List.of("topology.kubernetes.io/zone In [eu-west-1a, eu-west-1b]"),
        profile.spot().requiredNodeAffinity().get(0).getMatchExpressions().stream()
            .map(CapacityProfilesTest::describe).toList());
  }

  @Test
  void unnamedProfileIsNamedAfterItsFileAndMissingPartsAreEmpty(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("spot-only.yml");
    Files.writeString(file, "spot:\n  nodeSelector: {lifecycle: spot}\n");
    CapacityProfile profile = CapacityProfiles.load(file);
    assertEquals("spot-only", profile.name());
    assertEquals(NodePlacement.anywhere(), profile.onDemand());
    assertEquals(Map.of("lifecycle", "spot"), profile.placement(CapacityType.Spot).nodeSelector());
  }

  @Test
  void typoInProfileFailsLoudly(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("typo.yaml");
    Files.writeString(file, "spot:\n  nodeselector: {lifecycle: spot}\n");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CapacityProfiles.load(file));
    assertTrue(e.getMessage().contains("nodeselector"), e.getMessage());
    assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
  }

  @Test
  void emptyAndMissingFilesAreErrors(@TempDir Path dir) throws Exception {
    Path empty = dir.resolve("empty.yaml");
    Files.writeString(empty, "");
    assertThrows(IllegalArgumentException.class, () -> CapacityProfiles.load(empty));
    assertThrows(UncheckedIOException.class, () -> CapacityProfiles.load(dir.resolve("absent.yaml")));
  }

  @Test
  void applyingAPresetCopiesIt() {
    NodePlacement spot = CapacityProfiles.named("gke").spot();
    PodSpec spec = new PodSpec();
    spot.applyTo(spec);
    spec.getTolerations().get(0).setValue("changed");
    spec.getNodeSelector().put("extra", "x");
    assertEquals("true", CapacityProfiles.named("gke").spot().tolerations().get(0).getValue());
    assertEquals(Map.of("cloud.google.com/gke-spot", "true"), CapacityProfiles.named("gke").spot().nodeSelector());
  }

  @Test
  void applyingAnEmptyPlacementClearsConstraints() {
    PodSpec spec = new PodSpec();
    CapacityProfiles.named("aks").onDemand().applyTo(spec);
    assertTrue(spec.getAffinity() != null);
    NodePlacement.anywhere().applyTo(spec);
    assertNull(spec.getAffinity());
    assertNull(spec.getNodeSelector());
    assertNull(spec.getTolerations());
  }
}
