package io.featurejob.operator.demo;

import io.fabric8.kubernetes.api.model.Taint;
import java.util.List;
import java.util.Map;

/**
 * A group of identical nodes, as a cloud node group / Karpenter NodePool provides them.
 *
 * @param name pool name, used by {@link SimulatedCluster#setCapacity(String, boolean)}
 * @param nodeLabels labels every node of the pool carries (e.g. {@code karpenter.sh/capacity-type=spot})
 * @param taints taints every node of the pool carries
 * @param nodeNames names of the pool's nodes (they also become {@code kubernetes.io/hostname})
 * @param interruptible true for spot/preemptible capacity: the pool's nodes can be reclaimed
 * @param capacityShortage what the provisioner reports when it cannot add a node to this pool
 */
public record NodePool(
    String name,
    Map<String, String> nodeLabels,
    List<Taint> taints,
    List<String> nodeNames,
    boolean interruptible,
    String capacityShortage) {

  public NodePool {
    nodeLabels = Map.copyOf(nodeLabels);
    taints = List.copyOf(taints);
    nodeNames = List.copyOf(nodeNames);
  }
}
