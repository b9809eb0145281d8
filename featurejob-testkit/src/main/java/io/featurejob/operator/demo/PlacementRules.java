package io.featurejob.operator.demo;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.NodeSelector;
import io.fabric8.kubernetes.api.model.NodeSelectorRequirement;
import io.fabric8.kubernetes.api.model.NodeSelectorTerm;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.Toleration;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The scheduler filters that decide placement in a spot/on-demand world: taints vs tolerations,
 * nodeSelector and required node affinity, and requests larger than a whole node. Pure functions; the failure texts are kube-scheduler's.
 */
final class PlacementRules {
  private PlacementRules() {}

  static final String AFFINITY_MISMATCH = "node(s) didn't match Pod's node affinity/selector";

  /**
   * The first filter the node fails, in kube-scheduler's default plugin order (TaintToleration
   * before NodeAffinity), or empty when the node fits.
   */
  static Optional<String> firstFailure(PodSpec spec, SimulatedNode node) {
    Optional<Taint> untolerated = firstUntoleratedTaint(node.taints(), spec.getTolerations());
    if (untolerated.isPresent()) {
      Taint taint = untolerated.get();
      String value = taint.getValue() == null ? "" : taint.getValue();
      return Optional.of("node(s) had untolerated taint {" + taint.getKey() + ": " + value + "}");
    }
    if (!matchesNodeSelector(spec.getNodeSelector(), node.labels()) || !matchesRequiredAffinity(spec, node)) {
      return Optional.of(AFFINITY_MISMATCH);
    }
    return Optional.empty();
  }

  /**
   * NodeResourcesFit on an empty node: "Insufficient cpu" / "Insufficient memory" for each resource
   * the pod's containers request more of than {@code allocatable} has; empty when it fits.
   */
  static List<String> exceedsAllocatable(PodSpec spec, Map<String, Quantity> allocatable) {
    List<String> reasons = new ArrayList<>();
    for (String resource : List.of("cpu", "memory")) {
      BigDecimal requested = BigDecimal.ZERO;
      for (Container container : spec.getContainers() == null ? List.<Container>of() : spec.getContainers()) {
        Map<String, Quantity> requests = container.getResources() == null ? null : container.getResources().getRequests();
        if (requests != null && requests.get(resource) != null) {
          requested = requested.add(requests.get(resource).getNumericalAmount());
        }
      }
      Quantity available = allocatable.get(resource);
      if (available != null && requested.compareTo(available.getNumericalAmount()) > 0) {
        reasons.add("Insufficient " + resource);
      }
    }
    return reasons;
  }

  /** Only NoSchedule and NoExecute taints keep pods off a node; PreferNoSchedule is a hint. */
  static Optional<Taint> firstUntoleratedTaint(List<Taint> taints, List<Toleration> tolerations) {
    for (Taint taint : taints) {
      if ("PreferNoSchedule".equals(taint.getEffect())) {
        continue;
      }
      boolean tolerated = tolerations != null && tolerations.stream().anyMatch(t -> tolerates(t, taint));
      if (!tolerated) {
        return Optional.of(taint);
      }
    }
    return Optional.empty();
  }

  static boolean tolerates(Toleration toleration, Taint taint) {
    String effect = toleration.getEffect();
    if (effect != null && !effect.isEmpty() && !effect.equals(taint.getEffect())) {
      return false;
    }
    String key = toleration.getKey();
    if ("Exists".equals(toleration.getOperator())) {
      return key == null || key.isEmpty() || key.equals(taint.getKey());
    }
    // Operator Equal is the default.
    String value = toleration.getValue() == null ? "" : toleration.getValue();
    String taintValue = taint.getValue() == null ? "" : taint.getValue();
    return taint.getKey().equals(key) && value.equals(taintValue);
  }

  static boolean matchesNodeSelector(Map<String, String> nodeSelector, Map<String, String> labels) {
    if (nodeSelector == null) {
      return true;
    }
    return nodeSelector.entrySet().stream().allMatch(e -> e.getValue().equals(labels.get(e.getKey())));
  }

  /** Terms are ORed, the expressions of one term are ANDed; an empty term list matches nothing. */
  static boolean matchesRequiredAffinity(PodSpec spec, SimulatedNode node) {
    if (spec.getAffinity() == null || spec.getAffinity().getNodeAffinity() == null) {
      return true;
    }
    NodeSelector required =
        spec.getAffinity().getNodeAffinity().getRequiredDuringSchedulingIgnoredDuringExecution();
    if (required == null) {
      return true;
    }
    List<NodeSelectorTerm> terms = required.getNodeSelectorTerms();
    if (terms == null || terms.isEmpty()) {
      return false;
    }
    return terms.stream().anyMatch(term -> matchesTerm(term, node));
  }

  private static boolean matchesTerm(NodeSelectorTerm term, SimulatedNode node) {
    List<NodeSelectorRequirement> expressions = term.getMatchExpressions();
    List<NodeSelectorRequirement> fields = term.getMatchFields();
    boolean noExpressions = expressions == null || expressions.isEmpty();
    boolean noFields = fields == null || fields.isEmpty();
    if (noExpressions && noFields) {
      return false; // an empty term matches no objects
    }
    boolean labelsMatch = noExpressions || expressions.stream().allMatch(r -> matches(r, node.labels()));
    // matchFields only supports metadata.name.
    boolean fieldsMatch = noFields
        || fields.stream().allMatch(r -> matches(r, Map.of("metadata.name", node.name())));
    return labelsMatch && fieldsMatch;
  }

  static boolean matches(NodeSelectorRequirement requirement, Map<String, String> labels) {
    String actual = labels.get(requirement.getKey());
    List<String> values = requirement.getValues() == null ? List.of() : requirement.getValues();
    switch (requirement.getOperator()) {
      case "In":
        return actual != null && values.contains(actual);
      case "NotIn":
        return actual == null || !values.contains(actual);
      case "Exists":
        return actual != null;
      case "DoesNotExist":
        return actual == null;
      case "Gt":
      case "Lt":
        if (actual == null || values.size() != 1) {
          return false;
        }
        try {
          long have = Long.parseLong(actual);
          long bound = Long.parseLong(values.get(0));
          return "Gt".equals(requirement.getOperator()) ? have > bound : have < bound;
        } catch (NumberFormatException e) {
          return false;
        }
      default:
        return false;
    }
  }
}
