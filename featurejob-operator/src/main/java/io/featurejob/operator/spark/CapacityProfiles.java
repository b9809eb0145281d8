package io.featurejob.operator.spark;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.NodeSelectorRequirementBuilder;
import io.fabric8.kubernetes.api.model.NodeSelectorTerm;
import io.fabric8.kubernetes.api.model.NodeSelectorTermBuilder;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.TolerationBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Capacity profile presets for the common node provisioners, and loading of a custom profile.
 * Label and taint names are the vendors' own: Karpenter's {@code karpenter.sh/capacity-type}, EKS
 * managed node groups' {@code eks.amazonaws.com/capacityType}, GKE's {@code cloud.google.com/gke-spot}
 * (label and the taint GKE recommends/applies on spot pools) and AKS's
 * {@code kubernetes.azure.com/scalesetpriority} (label and the taint AKS puts on spot pools).
 */
public final class CapacityProfiles {
  private CapacityProfiles() {}

  static final String KARPENTER_KEY = "karpenter.sh/capacity-type";
  static final String EKS_KEY = "eks.amazonaws.com/capacityType";
  static final String GKE_SPOT_KEY = "cloud.google.com/gke-spot";
  static final String AKS_PRIORITY_KEY = "kubernetes.azure.com/scalesetpriority";

  // Strict: a typo in a hand-written profile must fail loudly, not silently drop a constraint.
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private static final Map<String, CapacityProfile> PRESETS = presets();

  /** Preset names, in the order error messages list them. */
  public static Set<String> names() {
    return PRESETS.keySet();
  }

  /**
   * @throws IllegalArgumentException naming the valid presets when {@code name} is not one of them.
   */
  public static CapacityProfile named(String name) {
    CapacityProfile profile = name == null ? null : PRESETS.get(name.trim().toLowerCase(Locale.ROOT));
    if (profile == null) {
      throw new IllegalArgumentException("unknown capacity profile '" + name + "'; valid names: "
          + String.join(", ", PRESETS.keySet()) + " (or a path to a profile YAML file)");
    }
    return profile;
  }

  /**
   * Loads a custom profile (see {@link CapacityProfile} for the format). The profile's name defaults
   * to the file name.
   *
   * @throws IllegalArgumentException when the file does not parse as a profile
   * @throws UncheckedIOException when it cannot be read
   */
  public static CapacityProfile load(Path yaml) {
    String text;
    try {
      text = Files.readString(yaml);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read capacity profile " + yaml, e);
    }
    CapacityProfile parsed;
    try {
      parsed = YAML.readValue(text, CapacityProfile.class);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("capacity profile " + yaml + " is invalid: " + e.getOriginalMessage(), e);
    }
    if (parsed == null) {
      throw new IllegalArgumentException("capacity profile " + yaml + " is empty");
    }
    if (parsed.name() == null || parsed.name().isBlank()) {
      String fileName = yaml.getFileName().toString().replaceFirst("\\.ya?ml$", "");
      return new CapacityProfile(fileName, parsed.onDemand(), parsed.spot());
    }
    return parsed;
  }

  private static Map<String, CapacityProfile> presets() {
    Map<String, CapacityProfile> presets = new LinkedHashMap<>();
    presets.put("karpenter", new CapacityProfile("karpenter",
        selector(KARPENTER_KEY, "on-demand"),
        selector(KARPENTER_KEY, "spot")));
    presets.put("eks", new CapacityProfile("eks",
        selector(EKS_KEY, "ON_DEMAND"),
        selector(EKS_KEY, "SPOT")));
    // GKE labels only spot nodes, so on-demand means "not a spot node".
    presets.put("gke", new CapacityProfile("gke",
        new NodePlacement(Map.of(), List.of(), List.of(notLabelled(GKE_SPOT_KEY, null))),
        new NodePlacement(Map.of(GKE_SPOT_KEY, "true"), List.of(noSchedule(GKE_SPOT_KEY, "true")), List.of())));
    // AKS labels every pool with its priority (Regular or spot), but only spot is a stable value.
    presets.put("aks", new CapacityProfile("aks",
        new NodePlacement(Map.of(), List.of(), List.of(notLabelled(AKS_PRIORITY_KEY, "spot"))),
        new NodePlacement(Map.of(AKS_PRIORITY_KEY, "spot"), List.of(noSchedule(AKS_PRIORITY_KEY, "spot")), List.of())));
    presets.put("none", new CapacityProfile("none", NodePlacement.anywhere(), NodePlacement.anywhere()));
    return Collections.unmodifiableMap(presets);
  }

  private static NodePlacement selector(String key, String value) {
    return new NodePlacement(Map.of(key, value), List.of(), List.of());
  }

  private static Toleration noSchedule(String key, String value) {
    return new TolerationBuilder().withKey(key).withOperator("Equal").withValue(value).withEffect("NoSchedule").build();
  }

  /** value null: the label must be absent (DoesNotExist); else it must not have that value (NotIn). */
  private static NodeSelectorTerm notLabelled(String key, String value) {
    NodeSelectorRequirementBuilder requirement = new NodeSelectorRequirementBuilder().withKey(key);
    if (value == null) {
      requirement.withOperator("DoesNotExist");
    } else {
      requirement.withOperator("NotIn").withValues(value);
    }
    return new NodeSelectorTermBuilder().withMatchExpressions(requirement.build()).build();
  }
}
