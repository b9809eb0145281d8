package io.featurejob.operator.sim;

import io.featurejob.operator.api.CapacityType;
import io.featurejob.operator.api.FailureClass;
import io.featurejob.operator.classify.Classification;
import io.featurejob.operator.policy.LaunchPlan;

/**
 * Decides an attempt's fate when its pod is created: when its pods get nodes (the pool's capacity
 * checks, then a drawn node start-up), which reclaims hit it mid-run and whether Spark survives them,
 * whether a permanent cause still holds, whether it OOMs with the memory it got. On-demand capacity
 * is always available (the premise of the fallback).
 *
 * <p>Reclaims as Spark handles them: losing some executors reschedules their tasks on the others (a
 * task failure from a killed executor does not count toward {@code spark.task.maxFailures}) while a
 * replacement executor waits for a node, so the run takes longer; losing every executor at once, or a
 * driver on spot, ends the attempt.
 */
final class FateModel {
  /** Runs are kept below the default runTimeout (2h): timeouts are not part of the field mix. */
  static final long LONGEST_RUN_MILLIS = 100 * 60_000;
  static final double RUN_TIME_SIGMA = 0.25;
  /** Work redone after losing executors: their tasks in flight, about half a wave of a 10-wave run. */
  static final double RERUN_SHARE = 0.05;
  static final int MAX_RECLAIMS = 32;
  private static final long SALT_DURATION = 11;
  private static final long SALT_NODE = 12;
  private static final long SALT_RECLAIM = 14;
  private static final long SALT_CO_RECLAIM = 15;

  private final World world;
  private final CauseBook causes;

  FateModel(World world, CauseBook causes) {
    this.world = world;
    this.causes = causes;
  }

  AttemptFate fate(FleetJob job, LaunchPlan plan, long launch, long baseDriverMemoryMiB, long baseExecutorMemoryMiB) {
    long run = plan.windowStart().toEpochMilli();
    long attempt = plan.attempt();
    long seed = world.seed;
    int j = job.index();

    long driverStart = nodeReady(job, plan.driverCapacity(), launch, run, attempt, 0);
    boolean driverBlocked = driverStart > launch + nodeStart(j, run, attempt, 0);
    long executorsAsked = driverStart;
    long executorsStart = nodeReady(job, plan.executorCapacity(), executorsAsked, run, attempt, 1);
    long normalStart = executorsAsked + nodeStart(j, run, attempt, 1);
    long blockedSince = executorsStart > normalStart ? executorsAsked : AttemptFate.NONE;

    // Each run's length varies around the job's typical time; all attempts of a run process the same data.
    double noise = Math.exp(RUN_TIME_SIGMA * Draws.normal(seed, j, run, 0, SALT_DURATION));
    long duration = Math.min(LONGEST_RUN_MILLIS, Math.max(30_000, (long) (job.typicalDuration().toMillis() * noise)));
    long end = executorsStart + duration;
    Classification failure = null;
    PermanentCause cause = causes.activeAt(j, executorsStart);
    boolean spikeInEffect = cause != null && cause.kind() == PermanentCause.Kind.DataSpike;
    if (cause != null) {
      long failsAt = switch (cause.kind()) {
        case PermissionRevoked -> executorsStart + 60_000; // the first read fails
        case CodeBug -> executorsStart + (long) (duration * 0.4);
        case DataSpike -> executorsStart + (long) (duration * 0.7);
      };
      boolean fails = cause.kind() != PermanentCause.Kind.DataSpike
          || plan.executorMemoryMiB() < cause.memoryNeedFactor() * baseExecutorMemoryMiB;
      if (fails) {
        end = failsAt;
        failure = classification(cause.kind().failureClass, cause.kind().message);
      } else {
        cause = null;
      }
    }
    Reclaims r = reclaims(job, plan, run, attempt, executorsStart, end, duration);
    if (r.fatalAt < r.end) {
      failure = classification(FailureClass.SpotInterruption,
          "executor lost: node " + "ip-10-0-" + job.pool() + "-17 was reclaimed (DisruptionTarget: TerminationByKubelet)");
      cause = null;
      end = r.fatalAt;
    } else {
      end = r.end;
    }
    return new AttemptFate(plan.podName(), launch, driverStart, driverBlocked, blockedSince, executorsStart, end, failure, cause,
        plan.driverCapacity(), plan.executorCapacity(), job.executors(), r.executorsLost,
        (double) plan.driverMemoryMiB() / baseDriverMemoryMiB, (double) plan.executorMemoryMiB() / baseExecutorMemoryMiB,
        spikeInEffect);
  }

  /** When a pod asked for at t runs: once its pool has capacity (spot) and a node has started. */
  private long nodeReady(FleetJob job, CapacityType capacity, long t, long run, long attempt, long which) {
    long available = capacity == CapacityType.Spot ? world.capacityFrom(job.pool(), t) : t;
    return available + nodeStart(job.index(), run, attempt, which);
  }

  /** A node's start-up time, log-uniform between the model's bounds. */
  long nodeStart(int job, long run, long attempt, long which) {
    return (long) Draws.logUniform(Draws.unit(world.seed, job, run, attempt * 8 + which, SALT_NODE),
        world.model.nodeStartMin().toMillis(), world.model.nodeStartMax().toMillis());
  }

  /** The run's end after the reclaims it survives, when a reclaim killed it (MAX_VALUE if none did), executors lost. */
  record Reclaims(long end, long fatalAt, int executorsLost) {}

  private Reclaims reclaims(FleetJob job, LaunchPlan plan, long run, long attempt, long from, long end, long duration) {
    int executors = plan.executorCapacity() == CapacityType.Spot ? job.executors() : 0;
    int driver = plan.driverCapacity() == CapacityType.Spot ? 1 : 0;
    if (executors + driver == 0) {
      return new Reclaims(end, Long.MAX_VALUE, 0);
    }
    double hazard = world.model.reclaimsPerNodeHour(job.pool()) * (executors + driver)
        * (world.shortageAt(job.pool(), from) != null ? world.model.interruptionShortageMultiplier() : 1);
    long t = from;
    int lost = 0;
    for (int k = 0; k < MAX_RECLAIMS; k++) {
      long key = attempt * 64 + k;
      double hours = Draws.exponential(Draws.unit(world.seed, job.index(), run, key, SALT_RECLAIM), hazard);
      if (hours > 1e6) {
        break;
      }
      t += (long) (hours * 3_600_000);
      if (t >= end) {
        break;
      }
      // Which node the reclaim hit: the driver's (if on spot) or one of the executors'.
      double u = Draws.unit(world.seed, job.index(), run, key, SALT_RECLAIM + 1);
      if (u * (executors + driver) >= executors) {
        return new Reclaims(end, t, lost);
      }
      int gone = 1;
      for (int e = 1; e < executors; e++) {
        gone += Draws.unit(world.seed, job.index(), run, key * 16 + e, SALT_CO_RECLAIM) < world.model.coReclaimShare() ? 1 : 0;
      }
      lost += gone;
      if (gone == executors) {
        return new Reclaims(end, t, lost);
      }
      // The others carry on at (executors - gone)/executors of the pace until replacements have nodes,
      // and redo the lost executors' tasks in flight.
      long replaced = world.capacityFrom(job.pool(), t) + nodeStart(job.index(), run, attempt, 2 + k);
      end += (long) ((replaced - t) * (double) gone / executors + duration * RERUN_SHARE);
    }
    return new Reclaims(end, Long.MAX_VALUE, lost);
  }

  private static Classification classification(FailureClass c, String message) {
    return new Classification(c, "sim:" + c, "simulated", message, c == FailureClass.SpotInterruption ? 143 : 1,
        c == FailureClass.OutOfMemory ? Classification.MemoryTarget.Executor : null);
  }
}
