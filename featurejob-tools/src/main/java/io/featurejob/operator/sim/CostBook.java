package io.featurejob.operator.sim;

import io.featurejob.operator.api.CapacityType;

/**
 * Pod-seconds by state and capacity type, weighted by memory relative to the job's base (an escalated
 * attempt costs its extra memory). Pending pods wait for a node and are not billed; an idle driver
 * (up, executors not yet running), and the pods of attempts that end failed or succeeded, are.
 */
final class CostBook {
  enum State { PENDING, IDLE_DRIVER, FAILED, SUCCEEDED }

  private final double[][] seconds = new double[State.values().length][CapacityType.values().length];
  private final double[] executorSeconds = new double[CapacityType.values().length];
  /** Billed pod-seconds of memory above the job's base (weight - 1), by capacity type: what escalation added. */
  private final double[] extraMemorySeconds = new double[CapacityType.values().length];
  /** The part of extraMemorySeconds booked with no data spike in effect: memory kept after the spike ended. */
  private final double[] keptMemorySeconds = new double[CapacityType.values().length];

  /** Books an attempt whose pods went away at {@code until}. */
  void book(AttemptFate f, long until, boolean failed) {
    add(State.PENDING, f.driverCapacity(), f.pendingSeconds(until) * f.driverMemoryWeight());
    add(State.IDLE_DRIVER, f.driverCapacity(), f.idleDriverSeconds(until) * f.driverMemoryWeight());
    State ran = failed ? State.FAILED : State.SUCCEEDED;
    add(ran, f.driverCapacity(), f.runningDriverSeconds(until) * f.driverMemoryWeight());
    double executors = f.executorSeconds(until) * f.executorMemoryWeight();
    add(ran, f.executorCapacity(), executors);
    executorSeconds[f.executorCapacity().ordinal()] += executors;
    bookExtraMemory(extraMemorySeconds, f, until);
    if (!f.spikeInEffect()) {
      bookExtraMemory(keptMemorySeconds, f, until);
    }
  }

  private static void bookExtraMemory(double[] into, AttemptFate f, long until) {
    double billedDriver = f.idleDriverSeconds(until) + f.runningDriverSeconds(until);
    into[f.driverCapacity().ordinal()] += billedDriver * (f.driverMemoryWeight() - 1);
    into[f.executorCapacity().ordinal()] += f.executorSeconds(until) * (f.executorMemoryWeight() - 1);
  }

  private void add(State s, CapacityType c, double podSeconds) {
    seconds[s.ordinal()][c.ordinal()] += podSeconds;
  }

  double seconds(State s, CapacityType c) {
    return seconds[s.ordinal()][c.ordinal()];
  }

  /** Spot pod-second equivalents of a state: on-demand seconds count {@code onDemandPrice} times. */
  double cost(State s, double onDemandPrice) {
    return seconds(s, CapacityType.Spot) + onDemandPrice * seconds(s, CapacityType.OnDemand);
  }

  /** Everything billed: idle drivers and the pods of failed and succeeded attempts. */
  double totalCost(double onDemandPrice) {
    return cost(State.IDLE_DRIVER, onDemandPrice) + cost(State.FAILED, onDemandPrice)
        + cost(State.SUCCEEDED, onDemandPrice);
  }

  double billedSeconds(CapacityType c) {
    return seconds(State.IDLE_DRIVER, c) + seconds(State.FAILED, c) + seconds(State.SUCCEEDED, c);
  }

  /** The part of {@link #totalCost} that paid for memory above the jobs' base (escalation). */
  double extraMemoryCost(double onDemandPrice) {
    return priced(extraMemorySeconds, onDemandPrice);
  }

  /** The part of {@link #extraMemoryCost} paid with no data spike in effect: kept after the spike ended. */
  double keptMemoryCost(double onDemandPrice) {
    return priced(keptMemorySeconds, onDemandPrice);
  }

  private static double priced(double[] byCapacity, double onDemandPrice) {
    return byCapacity[CapacityType.Spot.ordinal()] + onDemandPrice * byCapacity[CapacityType.OnDemand.ordinal()];
  }

  /**
   * The part of {@link #totalCost} that executors on on-demand paid above the spot price (executors run on
   * spot unless a fallback moved them): the price of the fallbacks. Overlaps {@link #extraMemoryCost} where an
   * escalated executor ran on on-demand (the premium on its extra memory is in both), so the two do not add up.
   */
  double onDemandExecutorPremium(double onDemandPrice) {
    return (onDemandPrice - 1) * executorSeconds[CapacityType.OnDemand.ordinal()];
  }

  double executorOnDemandShare() {
    double all = executorSeconds[0] + executorSeconds[1];
    return all == 0 ? 0 : executorSeconds[CapacityType.OnDemand.ordinal()] / all;
  }
}
