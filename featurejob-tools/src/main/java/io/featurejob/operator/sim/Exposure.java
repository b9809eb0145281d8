package io.featurejob.operator.sim;

import io.featurejob.operator.api.CapacityType;
import io.featurejob.operator.api.FailureClass;
import io.featurejob.operator.policy.LaunchPlan;
import io.featurejob.operator.policy.Schedule;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;

/**
 * The calibration target, measured on the world and not on any policy's outcome: in each 30-day
 * window (the field figures' window), the share of jobs whose scheduled runs meet a transient cause
 * (executors kept off spot for longer than the 10-minute scheduling timeout, or a reclaim that kills
 * the attempt) or a permanent one (a cause in effect when a run starts), if every run were launched
 * once, on time, with the spec defaults (driver on-demand, executors on spot, base memory).
 *
 * @param transientShare mean over the windows of the share of jobs meeting a transient cause
 * @param permanentShare the same for permanent causes
 * @param windows how many whole 30-day windows the run holds (a shorter run counts as one window)
 */
public record Exposure(double transientShare, double permanentShare, int windows) {
  static final Duration WINDOW = Duration.ofDays(30);
  static final long SCHEDULING_TIMEOUT_MILLIS = Duration.ofMinutes(10).toMillis();
  static final long BASE_MEMORY_MIB = 1024;

  public static Exposure of(List<FleetJob> fleet, World world, Instant start, Instant end) {
    long from = start.toEpochMilli();
    long window = WINDOW.toMillis();
    int windows = (int) Math.max(1, (end.toEpochMilli() - from) / window);
    long until = windows == 1 ? end.toEpochMilli() : from + windows * window;
    FateModel fates = new FateModel(world, new CauseBook(world));
    int[] transientJobs = new int[windows];
    int[] permanentJobs = new int[windows];
    for (FleetJob job : fleet) {
      Schedule schedule = Schedule.parse(job.schedule(), ZoneId.of("UTC"));
      long period = job.period().toMillis();
      boolean[] metTransient = new boolean[windows];
      boolean[] metPermanent = new boolean[windows];
      for (long tick = schedule.tickAfter(start.minusMillis(1)).orElseThrow().toEpochMilli(); tick < until; tick += period) {
        int w = (int) Math.min(windows - 1, (tick - from) / window);
        LaunchPlan plan = new LaunchPlan("run", 1, "pod", Instant.ofEpochMilli(tick), Instant.ofEpochMilli(tick + period),
            CapacityType.OnDemand, CapacityType.Spot, BASE_MEMORY_MIB, BASE_MEMORY_MIB, LaunchPlan.Trigger.Schedule);
        AttemptFate f = fates.fate(job, plan, tick, BASE_MEMORY_MIB, BASE_MEMORY_MIB);
        boolean blockedTooLong = f.executorsBlockedSince() != AttemptFate.NONE
            && f.executorsStart() - f.executorsBlockedSince() > SCHEDULING_TIMEOUT_MILLIS;
        boolean reclaimed = f.failure() != null && f.failure().failureClass() == FailureClass.SpotInterruption;
        metTransient[w] |= blockedTooLong || reclaimed;
        metPermanent[w] |= f.cause() != null;
      }
      for (int w = 0; w < windows; w++) {
        transientJobs[w] += metTransient[w] ? 1 : 0;
        permanentJobs[w] += metPermanent[w] ? 1 : 0;
      }
    }
    double t = 0;
    double p = 0;
    for (int w = 0; w < windows; w++) {
      t += (double) transientJobs[w] / fleet.size() / windows;
      p += (double) permanentJobs[w] / fleet.size() / windows;
    }
    return new Exposure(t, p, windows);
  }
}
