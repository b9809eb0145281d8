package io.featurejob.operator.demo;

import io.fabric8.kubernetes.api.model.Taint;
import java.util.List;
import java.util.Map;

/**
 * One node of a {@link NodePool}: the labels and taints the scheduler looks at, and its address.
 *
 * @param name node name
 * @param pool the pool it belongs to
 * @param labels pool labels plus the per-node well-known labels (hostname, zone)
 * @param taints the pool's taints
 * @param internalIp the node's InternalIP, which pods on it report as {@code hostIP}
 * @param index the node's position in the cluster, used to derive pod IPs on it
 */
public record SimulatedNode(
    String name, NodePool pool, Map<String, String> labels, List<Taint> taints, String internalIp, int index) {}
