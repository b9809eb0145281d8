package io.featurejob.operator.spark;

import io.fabric8.kubernetes.api.model.AffinityBuilder;
import io.fabric8.kubernetes.api.model.NodeSelectorTerm;
import io.fabric8.kubernetes.api.model.NodeSelectorTermBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.TolerationBuilder;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Where pods of one capacity type go: a nodeSelector, tolerations and required node-affinity terms
 * (terms are ORed by Kubernetes, the nodeSelector is ANDed with them). Missing parts load as empty.
 */
public record NodePlacement(
    Map<String, String> nodeSelector,
    List<Toleration> tolerations,
    List<NodeSelectorTerm> requiredNodeAffinity) {

  public NodePlacement {
    nodeSelector = nodeSelector == null ? Map.of() : Map.copyOf(nodeSelector);
    tolerations = tolerations == null ? List.of() : List.copyOf(tolerations);
    requiredNodeAffinity = requiredNodeAffinity == null ? List.of() : List.copyOf(requiredNodeAffinity);
  }

  /** No constraints: pods go wherever the scheduler puts them. */
  public static NodePlacement anywhere() {
    return new NodePlacement(Map.of(), List.of(), List.of());
  }

  /**
   * Sets nodeSelector (sorted, for a stable pod spec), tolerations and affinity on {@code spec},
   * replacing what was there. Copies, so changing the pod never changes a shared preset.
   */
  public void applyTo(PodSpec spec) {
    spec.setNodeSelector(nodeSelector.isEmpty() ? null : new TreeMap<>(nodeSelector));
    spec.setTolerations(tolerations.isEmpty()
        ? null
        : tolerations.stream().map(t -> new TolerationBuilder(t).build()).toList());
    spec.setAffinity(requiredNodeAffinity.isEmpty()
        ? null
        : new AffinityBuilder()
            .withNewNodeAffinity()
            .withNewRequiredDuringSchedulingIgnoredDuringExecution()
            .withNodeSelectorTerms(requiredNodeAffinity.stream().map(t -> new NodeSelectorTermBuilder(t).build()).toList())
            .endRequiredDuringSchedulingIgnoredDuringExecution()
            .endNodeAffinity()
            .build());
  }
}
