package io.featurejob.operator.sim;

import io.featurejob.operator.api.CapacityType;
import io.featurejob.operator.api.FailureClass;
import io.featurejob.operator.classify.Classification;
import io.featurejob.operator.policy.LaunchPlan;

/**
 * Decides an attempt's fate when its pod is created: is there capacity on its pool now, is it
 * interrupted mid-run, does a permanent cause still hold, does it OOM with the memory it got.
 * On-demand capacity is always available (the premise of the fallback).
 */
final class FateModel {
  static final long POD_START_MILLIS = 30_000;
  /** Runs are kept below the default runTimeout (2h): timeouts are not part of the field mix. */
  static final long LONGEST_RUN_MILLIS = 100 * 60_000;
  static final double RUN_TIME_SIGMA = 0.25;
  private static final long SALT_DURATION = 11;
  private static final long SALT_DRIVER_BLOCK = 12;
  private static final long SALT_EXECUTOR_BLOCK = 13;
  private static final long SALT_INTERRUPT = 14;

  private final World world;
  private final CauseBook causes;

  FateModel(World world, CauseBook causes) {
    this.world = world;
    this.causes = causes;
  }

  AttemptFate fate(FleetJob job, LaunchPlan plan, long launch, long baseExecutorMemoryMiB) {
    long run = plan.windowStart().toEpochMilli();
    long attempt = plan.attempt();
    long seed = world.seed;
    int j = job.index();

    long driverStart = launch + POD_START_MILLIS;
    if (plan.driverCapacity() == CapacityType.Spot) {
      driverStart = waitForSpot(job, launch, run, attempt, SALT_DRIVER_BLOCK, driverStart);
    }
    long blockedSince = AttemptFate.NONE;
    long executorsStart = driverStart + POD_START_MILLIS;
    if (plan.executorCapacity() == CapacityType.Spot) {
      long start = waitForSpot(job, driverStart, run, attempt, SALT_EXECUTOR_BLOCK, executorsStart);
      if (start != executorsStart) {
        blockedSince = driverStart;
        executorsStart = start;
      }
    }

    // Each run's length varies around the job's typical time; all attempts of a run process the same data.
    double noise = Math.exp(RUN_TIME_SIGMA * Draws.normal(seed, j, run, 0, SALT_DURATION));
    long duration = Math.min(LONGEST_RUN_MILLIS, Math.max(30_000, (long) (job.typicalDuration().toMillis() * noise)));
    long end = executorsStart + duration;
    Classification failure = null;
    PermanentCause cause = causes.activeAt(j, executorsStart);
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
    long interruptedAt = interruption(job, plan, run, attempt, executorsStart);
    if (interruptedAt < end) {
      end = interruptedAt;
      failure = classification(FailureClass.SpotInterruption,
          "executor lost: node " + "ip-10-0-" + job.pool() + "-17 was reclaimed (DisruptionTarget: TerminationByKubelet)");
      cause = null;
    }
    return new AttemptFate(plan.podName(), launch, driverStart, blockedSince, executorsStart, end, failure, cause,
        plan.driverCapacity(), plan.executorCapacity(), job.executors());
  }

  /** When a spot pod asked for at t gets a node: right away, or when the shortage blocking it ends. */
  private long waitForSpot(FleetJob job, long t, long run, long attempt, long salt, long unblocked) {
    Shortage s = world.shortageAt(job.pool(), t);
    if (s != null && Draws.unit(world.seed, job.index(), run, attempt, salt) < s.severity()) {
      return s.end() + POD_START_MILLIS;
    }
    return unblocked;
  }

  private long interruption(FleetJob job, LaunchPlan plan, long run, long attempt, long from) {
    int spotPods = (plan.executorCapacity() == CapacityType.Spot ? job.executors() : 0)
        + (plan.driverCapacity() == CapacityType.Spot ? 1 : 0);
    if (spotPods == 0) {
      return Long.MAX_VALUE;
    }
    double hazard = world.model.interruptionsPerExecutorHour() * spotPods
        * (world.shortageAt(job.pool(), from) != null ? world.model.interruptionShortageMultiplier() : 1);
    double hours = Draws.exponential(Draws.unit(world.seed, job.index(), run, attempt, SALT_INTERRUPT), hazard);
    return hours > 1e6 ? Long.MAX_VALUE : from + (long) (hours * 3_600_000);
  }

  private static Classification classification(FailureClass c, String message) {
    return new Classification(c, "sim:" + c, "simulated", message, c == FailureClass.SpotInterruption ? 143 : 1,
        c == FailureClass.OutOfMemory ? Classification.MemoryTarget.Executor : null);
  }
}
