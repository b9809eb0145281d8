package io.featurejob.operator.demo;

import io.fabric8.kubernetes.api.model.Pod;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Decides what a job's driver does. Called once per driver pod, when the pod has been bound to a
 * node (so {@code driver.getSpec().getNodeName()} is set); may look at the pod and the cluster.
 * Installed per job with {@link SimulatedKubelet#script(String, DriverScript)}.
 */
@FunctionalInterface
public interface DriverScript {

  DriverBehaviour behaviourFor(Pod driver, SimulatedCluster cluster);

  /** Every driver of the job behaves the same way. */
  static DriverScript always(DriverBehaviour behaviour) {
    return (driver, cluster) -> behaviour;
  }

  /** The n-th driver of the job gets the n-th behaviour; the last one repeats. */
  static DriverScript sequence(DriverBehaviour... behaviours) {
    if (behaviours.length == 0) {
      throw new IllegalArgumentException("a sequence needs at least one behaviour");
    }
    List<DriverBehaviour> steps = List.of(behaviours);
    AtomicInteger next = new AtomicInteger();
    return (driver, cluster) -> steps.get(Math.min(next.getAndIncrement(), steps.size() - 1));
  }
}
