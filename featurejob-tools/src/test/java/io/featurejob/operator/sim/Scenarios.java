package io.featurejob.operator.sim;

import io.featurejob.operator.api.Importance;
import io.featurejob.operator.events.EventReason;
import io.featurejob.operator.policy.Decision;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Hand-made worlds for one hourly job, and a recorder of what the decider said. */
final class Scenarios {
  static final Instant START = SimConfig.DEFAULT_START;
  static final FleetJob HOURLY = new FleetJob(0, "trips", "7 * * * *", Duration.ofHours(1), Importance.High, 4, 0,
      Duration.ofMinutes(12));
  /** No random failures; owners react in exactly 30 minutes; causes last as long as written. */
  static final FailureModel QUIET = FailureModel.NONE;

  private Scenarios() {}

  static long at(Duration sinceStart) {
    return START.plus(sinceStart).toEpochMilli();
  }

  static PermanentCause permission(Duration from, Duration lasts) {
    return new PermanentCause(0, 0, PermanentCause.Kind.PermissionRevoked, at(from), at(from.plus(lasts)), 0);
  }

  static World world(List<Shortage> shortages, List<PermanentCause> causes) {
    return new World(QUIET, 7, 1, shortages, causes);
  }

  /** Every decision of one run, in order. */
  static final class Trace {
    final List<Simulation.Step> steps = new ArrayList<>();
    PolicyResult result;

    long count(EventReason reason) {
      return steps.stream().flatMap(s -> s.decision().events().stream()).filter(e -> e.reason() == reason).count();
    }

    List<Long> times(EventReason reason) {
      List<Long> times = new ArrayList<>();
      for (Simulation.Step s : steps) {
        for (Decision.Event e : s.decision().events()) {
          if (e.reason() == reason) {
            times.add(s.time());
          }
        }
      }
      return times;
    }

    List<Simulation.Step> withEvent(EventReason reason) {
      return steps.stream().filter(s -> s.decision().events().stream().anyMatch(e -> e.reason() == reason)).toList();
    }
  }

  static Trace run(Policy policy, World world, Duration length) {
    return run(policy, List.of(HOURLY), world, length, false);
  }

  static Trace run(Policy policy, List<FleetJob> fleet, World world, Duration length, boolean exact) {
    Trace trace = new Trace();
    trace.result = new Simulation(fleet, world, policy, START, START.plus(length), 3.0, exact, trace.steps::add).run();
    return trace;
  }
}
