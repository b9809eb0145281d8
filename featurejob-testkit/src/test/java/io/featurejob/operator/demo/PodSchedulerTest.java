package io.featurejob.operator.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.fabric8.kubernetes.api.model.NodeSelectorRequirement;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.TolerationBuilder;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** One row per placement: which pool a pod lands in, or the scheduler's exact message. */
class PodSchedulerTest {

  private static final String NO_AFFINITY_HALF = "0/6 nodes are available: 3 node(s) didn't match Pod's node"
      + " affinity/selector, 3 node(s) had untolerated taint {%s}. no new claims to deallocate, preemption: 0/6 nodes are available:"
      + " 6 Preemption is not helpful for scheduling.";

  static Stream<Arguments> placements() {
    return Stream.of(
        row("karpenter nodeSelector spot", SimulatedCluster::karpenter,
            selector("karpenter.sh/capacity-type", "spot"), "spot"),
        row("karpenter affinity In on-demand", SimulatedCluster::karpenter,
            affinity(req("karpenter.sh/capacity-type", "In", "on-demand")), "on-demand"),
        row("karpenter affinity NotIn spot", SimulatedCluster::karpenter,
            affinity(req("karpenter.sh/capacity-type", "NotIn", "spot")), "on-demand"),
        row("eks ON_DEMAND", SimulatedCluster::eks, selector("eks.amazonaws.com/capacityType", "ON_DEMAND"),
            "on-demand"),
        row("gke spot with toleration", SimulatedCluster::gke,
            tolerating(selector("cloud.google.com/gke-spot", "true"), "cloud.google.com/gke-spot"), "spot"),
        row("gke DoesNotExist gke-spot", SimulatedCluster::gke,
            affinity(req("cloud.google.com/gke-spot", "DoesNotExist")), "on-demand"),
        row("gke Exists gke-spot without toleration", SimulatedCluster::gke,
            affinity(req("cloud.google.com/gke-spot", "Exists")),
            NO_AFFINITY_HALF.formatted("cloud.google.com/gke-spot: true")),
        row("aks spot, Exists toleration", SimulatedCluster::aks,
            tolerating(affinity(req("kubernetes.azure.com/scalesetpriority", "In", "spot")),
                "kubernetes.azure.com/scalesetpriority"), "spot"),
        row("aks no placement lands on the untainted pool", SimulatedCluster::aks, new PodSpec(), "on-demand"),
        row("unknown label matches nowhere", SimulatedCluster::karpenter, selector("pool", "gpu"),
            "0/6 nodes are available: 6 node(s) didn't match Pod's node affinity/selector. no new claims to deallocate, preemption:"
                + " 0/6 nodes are available: 6 Preemption is not helpful for scheduling."));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("placements")
  void placesPodOrExplainsWhy(String name, Supplier<SimulatedCluster> flavour, PodSpec spec, String expected) {
    SimulatedCluster cluster = flavour.get();
    SchedulingDecision decision = cluster.schedule(spec);
    if (expected.startsWith("0/")) {
      SchedulingDecision.Unschedulable unschedulable = assertInstanceOf(SchedulingDecision.Unschedulable.class, decision);
      assertEquals(expected, unschedulable.message());
      assertNull(unschedulable.shortPool());
    } else {
      SchedulingDecision.Scheduled scheduled = assertInstanceOf(SchedulingDecision.Scheduled.class, decision);
      assertEquals(expected, scheduled.node().pool().name());
    }
  }

  @org.junit.jupiter.api.Test
  void poolWithoutCapacityReportsFullNodesAndTheShortPool() {
    SimulatedCluster cluster = SimulatedCluster.karpenter();
    cluster.setCapacity(SimulatedCluster.SPOT, false);
    SchedulingDecision decision = cluster.schedule(selector("karpenter.sh/capacity-type", "spot"));
    SchedulingDecision.Unschedulable unschedulable = assertInstanceOf(SchedulingDecision.Unschedulable.class, decision);
    assertEquals("0/6 nodes are available: 3 Insufficient cpu, 3 Insufficient memory, 3 node(s) didn't match"
        + " Pod's node affinity/selector. no new claims to deallocate, preemption: 0/6 nodes are available: 3 No preemption victims found"
        + " for incoming pod, 3 Preemption is not helpful for scheduling.", unschedulable.message());
    assertEquals(SimulatedCluster.SPOT, unschedulable.shortPool().name());
  }

  private static Arguments row(String name, Supplier<SimulatedCluster> flavour, PodSpec spec, String expected) {
    return Arguments.of(name, flavour, spec, expected);
  }

  private static PodSpec selector(String key, String value) {
    return new PodSpecBuilder().withNodeSelector(Map.of(key, value)).build();
  }

  private static NodeSelectorRequirement req(String key, String operator, String... values) {
    return new NodeSelectorRequirement(key, operator, List.of(values));
  }

  private static PodSpec affinity(NodeSelectorRequirement requirement) {
    return new PodSpecBuilder().withNewAffinity().withNewNodeAffinity()
        .withNewRequiredDuringSchedulingIgnoredDuringExecution()
        .addNewNodeSelectorTerm().withMatchExpressions(requirement).endNodeSelectorTerm()
        .endRequiredDuringSchedulingIgnoredDuringExecution()
        .endNodeAffinity().endAffinity().build();
  }

  private static PodSpec tolerating(PodSpec spec, String key) {
    Toleration toleration = new TolerationBuilder().withKey(key).withOperator("Exists").withEffect("NoSchedule").build();
    return new PodSpecBuilder(spec).addToTolerations(toleration).build();
  }
}
