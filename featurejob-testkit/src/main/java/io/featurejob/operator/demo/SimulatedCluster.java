package io.featurejob.operator.demo;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.TaintBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Node pools of a simulated cluster and their capacity switches. The factories follow the label
 * conventions of Karpenter, EKS managed node groups, GKE and AKS; each names its pools
 * {@link #SPOT} and {@link #ON_DEMAND}, so tests toggle capacity the same way on every flavour.
 * Thread-safe: tests flip capacity while the kubelet schedules.
 */
public final class SimulatedCluster {

  public static final String SPOT = "spot";
  public static final String ON_DEMAND = "on-demand";

  private static final String[] ZONES = {"a", "b", "c"};

  private final List<NodePool> pools;
  /** What every node offers (an m5.2xlarge): a pod requesting more never fits, whatever is free. */
  static final Map<String, Quantity> NODE_ALLOCATABLE = Map.of(
      "cpu", new Quantity("8"), "memory", new Quantity("32Gi"), "pods", new Quantity("110"));

  private final List<SimulatedNode> nodes;
  private final Map<String, Boolean> capacity = new ConcurrentHashMap<>();
  private final List<Runnable> capacityListeners = new CopyOnWriteArrayList<>();
  private final AtomicInteger spread = new AtomicInteger();

  /** A cluster of the given pools, all with capacity; nodes are placed in zones of {@code region}. */
  public SimulatedCluster(String region, List<NodePool> pools) {
    this.pools = List.copyOf(pools);
    List<SimulatedNode> all = new ArrayList<>();
    for (int p = 0; p < this.pools.size(); p++) {
      NodePool pool = this.pools.get(p);
      capacity.put(pool.name(), true);
      for (int n = 0; n < pool.nodeNames().size(); n++) {
        String name = pool.nodeNames().get(n);
        Map<String, String> labels = new LinkedHashMap<>(pool.nodeLabels());
        labels.put("kubernetes.io/hostname", name);
        labels.put("kubernetes.io/os", "linux");
        labels.put("kubernetes.io/arch", "amd64");
        labels.put("topology.kubernetes.io/region", region);
        labels.put("topology.kubernetes.io/zone", region + ZONES[n % ZONES.length]);
        all.add(new SimulatedNode(name, pool, Map.copyOf(labels), pool.taints(), nodeIp(p, n), all.size()));
      }
    }
    this.nodes = List.copyOf(all);
  }

  /** Karpenter on AWS: NodePools selected by {@code karpenter.sh/capacity-type}, no taints. */
  public static SimulatedCluster karpenter() {
    return new SimulatedCluster("us-east-1", List.of(
        awsPool(SPOT, 0, Map.of("karpenter.sh/capacity-type", "spot", "karpenter.sh/nodepool", SPOT), true),
        awsPool(ON_DEMAND, 1,
            Map.of("karpenter.sh/capacity-type", "on-demand", "karpenter.sh/nodepool", ON_DEMAND), false)));
  }

  /** EKS managed node groups: {@code eks.amazonaws.com/capacityType=SPOT|ON_DEMAND}. */
  public static SimulatedCluster eks() {
    return new SimulatedCluster("us-east-1", List.of(
        awsPool(SPOT, 0, Map.of("eks.amazonaws.com/capacityType", "SPOT", "eks.amazonaws.com/nodegroup", SPOT), true),
        awsPool(ON_DEMAND, 1,
            Map.of("eks.amazonaws.com/capacityType", "ON_DEMAND", "eks.amazonaws.com/nodegroup", ON_DEMAND), false)));
  }

  /** GKE: Spot nodes carry {@code cloud.google.com/gke-spot=true} and the matching NoSchedule taint. */
  public static SimulatedCluster gke() {
    String exhausted = "ZONE_RESOURCE_POOL_EXHAUSTED: The zone 'projects/features/zones/us-central1-a' does not"
        + " have enough resources available to fulfill the request. Try a different zone, or try again later.";
    NodePool spot = new NodePool(SPOT,
        Map.of("cloud.google.com/gke-spot", "true", "cloud.google.com/gke-nodepool", "spot-pool"),
        List.of(taint("cloud.google.com/gke-spot", "true")),
        names(n -> "gke-features-spot-pool-5d3c9a1e-" + suffix(n)), true, exhausted);
    NodePool onDemand = new NodePool(ON_DEMAND,
        Map.of("cloud.google.com/gke-nodepool", "default-pool"), List.of(),
        names(n -> "gke-features-default-pool-8b2f7e40-" + suffix(n)), false, exhausted);
    return new SimulatedCluster("us-central1", List.of(spot, onDemand));
  }

  /** AKS: Spot scale sets carry {@code kubernetes.azure.com/scalesetpriority=spot} and its taint. */
  public static SimulatedCluster aks() {
    String allocationFailed = "AllocationFailed: Allocation failed. We do not have sufficient capacity for the"
        + " requested VM size in this region.";
    NodePool spot = new NodePool(SPOT,
        Map.of("kubernetes.azure.com/scalesetpriority", "spot", "kubernetes.azure.com/agentpool", "spotpool",
            "agentpool", "spotpool"),
        List.of(taint("kubernetes.azure.com/scalesetpriority", "spot")),
        names(n -> "aks-spotpool-31415926-vmss00000" + n), true, allocationFailed);
    NodePool onDemand = new NodePool(ON_DEMAND,
        Map.of("kubernetes.azure.com/agentpool", "userpool", "agentpool", "userpool",
            "kubernetes.azure.com/mode", "user"),
        List.of(), names(n -> "aks-userpool-27182818-vmss00000" + n), false, allocationFailed);
    return new SimulatedCluster("eastus", List.of(spot, onDemand));
  }

  /** Switches a pool's capacity; pods waiting for it are re-scheduled when it comes back. */
  public void setCapacity(String pool, boolean available) {
    pool(pool); // fail fast on a typo
    Boolean before = capacity.put(pool, available);
    if (before == null || before != available) {
      capacityListeners.forEach(Runnable::run);
    }
  }

  public boolean hasCapacity(String pool) {
    return capacity.getOrDefault(pool, false);
  }

  public NodePool pool(String name) {
    return pools.stream().filter(p -> p.name().equals(name)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no node pool " + name + " in " + pools));
  }

  public List<NodePool> pools() {
    return pools;
  }

  public List<SimulatedNode> nodes() {
    return nodes;
  }

  public SimulatedNode node(String name) {
    return nodes.stream().filter(n -> n.name().equals(name)).findFirst().orElse(null);
  }

  /** Runs {@code listener} (on the caller's thread) whenever a pool's capacity changes. */
  public void onCapacityChange(Runnable listener) {
    capacityListeners.add(listener);
  }

  void removeCapacityListener(Runnable listener) {
    capacityListeners.remove(listener);
  }

  /** Where kube-scheduler would put a pod with this spec right now; spreads pods over fitting nodes. */
  public SchedulingDecision schedule(PodSpec spec) {
    return PodScheduler.schedule(spec, nodes, p -> hasCapacity(p.name()), spread.getAndIncrement());
  }

  /** Registers the nodes as Node objects, as each node's kubelet would, so {@code kubectl get nodes} works. */
  public void registerNodes(KubernetesClient client) {
    registerNodes(client, false);
  }

  /**
   * As {@link #registerNodes(KubernetesClient)}; on a real API server ({@code realApiServer}) the
   * status of a created Node is dropped, so it is written again through the status subresource.
   */
  public void registerNodes(KubernetesClient client, boolean realApiServer) {
    for (SimulatedNode node : nodes) {
      Node wanted = toNode(node);
      Node stored = client.nodes().resource(wanted).createOr(NonDeletingOperation::update);
      if (realApiServer) {
        stored.setStatus(wanted.getStatus());
        client.nodes().resource(stored).updateStatus();
      }
    }
  }

  private static Node toNode(SimulatedNode node) {
    Map<String, Quantity> resources = NODE_ALLOCATABLE;
    return new NodeBuilder()
        .withNewMetadata().withName(node.name()).withLabels(node.labels()).endMetadata()
        .withNewSpec().withTaints(node.taints()).endSpec()
        .withNewStatus()
          .addNewCondition().withType("Ready").withStatus("True").withReason("KubeletReady")
            .withMessage("kubelet is posting ready status").endCondition()
          .addNewAddress().withType("InternalIP").withAddress(node.internalIp()).endAddress()
          .addNewAddress().withType("Hostname").withAddress(node.name()).endAddress()
          .withCapacity(resources).withAllocatable(resources)
          .withNewNodeInfo().withKubeletVersion("v1.31.4").withContainerRuntimeVersion("containerd://1.7.24")
            .withOperatingSystem("linux").withArchitecture("amd64").endNodeInfo()
        .endStatus()
        .build();
  }

  private static NodePool awsPool(String name, int poolIndex, Map<String, String> labels, boolean spot) {
    String shortage = spot
        ? "InsufficientInstanceCapacity: There is no Spot capacity available that matches your request."
        : "InsufficientInstanceCapacity: We currently do not have sufficient m5.2xlarge capacity in the"
            + " Availability Zone you requested (us-east-1a).";
    Map<String, String> withType = new LinkedHashMap<>(labels);
    withType.put("node.kubernetes.io/instance-type", "m5.2xlarge");
    // EC2 private DNS names spell out the node's IP.
    return new NodePool(name, withType, List.of(),
        names(n -> "ip-" + nodeIp(poolIndex, n).replace('.', '-') + ".ec2.internal"), spot, shortage);
  }

  private static Taint taint(String key, String value) {
    return new TaintBuilder().withKey(key).withValue(value).withEffect("NoSchedule").build();
  }

  private static List<String> names(java.util.function.IntFunction<String> name) {
    List<String> result = new ArrayList<>();
    for (int n = 0; n < 3; n++) {
      result.add(name.apply(n));
    }
    return result;
  }

  private static String suffix(int n) {
    return new String[] {"x7k2", "q9m4", "h3t8"}[n % 3];
  }

  private static String nodeIp(int poolIndex, int nodeIndex) {
    return "10.0." + (poolIndex + 1) + "." + (10 + nodeIndex * 17);
  }
}
