package io.featurejob.operator.demo;

/** The outcome of one scheduling attempt: a node, or the reason why no node fits. */
public sealed interface SchedulingDecision {

  /** The pod fits {@code node}. */
  record Scheduled(SimulatedNode node) implements SchedulingDecision {}

  /**
   * No node fits. {@code message} is what the scheduler writes into the PodScheduled condition;
   * {@code shortPool} is the pool that would have fit had it had capacity (null when none would).
   */
  record Unschedulable(String message, NodePool shortPool) implements SchedulingDecision {}
}
