package io.featurejob.operator.demo;

import io.fabric8.kubernetes.api.model.PodSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * Filters nodes for a pod the way kube-scheduler does and, when none fits, writes its FitError
 * message ({@code 0/6 nodes are available: ... no new claims to deallocate, preemption: ...}, as
 * kube-scheduler 1.36 writes it: the captured fixtures in featurejob-operator/.../demo/real-node). Pure:
 * the caller says which pools have capacity and which fitting node to take.
 */
final class PodScheduler {
  private PodScheduler() {}

  private static final String PREEMPTION_NOT_HELPFUL = "Preemption is not helpful for scheduling";
  private static final String NO_VICTIMS = "No preemption victims found for incoming pod";

  /**
   * Decides where {@code spec} goes.
   *
   * @param hasCapacity whether a pool can take another pod; nodes of a pool without capacity are
   *     full, which the scheduler reports as Insufficient cpu / memory
   * @param pick spreads pods over the fitting nodes (index modulo their count)
   */
  static SchedulingDecision schedule(
      PodSpec spec, List<SimulatedNode> nodes, Predicate<NodePool> hasCapacity, int pick) {
    if (nodes.isEmpty()) {
      return new SchedulingDecision.Unschedulable("no nodes available to schedule pods", null);
    }
    List<SimulatedNode> fitting = new ArrayList<>();
    Map<String, Integer> filterReasons = new TreeMap<>();
    Map<String, Integer> preemptionReasons = new TreeMap<>();
    NodePool shortPool = null;
    for (SimulatedNode node : nodes) {
      Optional<String> failure = PlacementRules.firstFailure(spec, node);
      List<String> tooBig = PlacementRules.exceedsAllocatable(spec, SimulatedCluster.NODE_ALLOCATABLE);
      if (failure.isPresent()) {
        filterReasons.merge(failure.get(), 1, Integer::sum);
        preemptionReasons.merge(PREEMPTION_NOT_HELPFUL, 1, Integer::sum);
      } else if (!tooBig.isEmpty()) {
        // More than a whole empty node: evicting other pods would not make room either.
        tooBig.forEach(reason -> filterReasons.merge(reason, 1, Integer::sum));
        preemptionReasons.merge(PREEMPTION_NOT_HELPFUL, 1, Integer::sum);
      } else if (!hasCapacity.test(node.pool())) {
        // Nodes that fit but are full: NodeResourcesFit reports every resource that is short.
        filterReasons.merge("Insufficient cpu", 1, Integer::sum);
        filterReasons.merge("Insufficient memory", 1, Integer::sum);
        preemptionReasons.merge(NO_VICTIMS, 1, Integer::sum);
        if (shortPool == null) {
          shortPool = node.pool();
        }
      } else {
        fitting.add(node);
      }
    }
    if (!fitting.isEmpty()) {
      return new SchedulingDecision.Scheduled(fitting.get(Math.floorMod(pick, fitting.size())));
    }
    // "no new claims to deallocate": the DynamicResources plugin's PostFilter, on by default since 1.34
    String message = "0/" + nodes.size() + " nodes are available: " + histogram(filterReasons) + "."
        + " no new claims to deallocate, preemption: 0/" + nodes.size() + " nodes are available: " + histogram(preemptionReasons) + ".";
    return new SchedulingDecision.Unschedulable(message, shortPool);
  }

  /** "count reason" strings sorted as strings, the order kube-scheduler prints them in. */
  private static String histogram(Map<String, Integer> reasons) {
    List<String> parts = new ArrayList<>();
    reasons.forEach((reason, count) -> parts.add(count + " " + reason));
    parts.sort(null);
    return String.join(", ", parts);
  }
}
