package io.featurejob.operator.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.featurejob.operator.api.CapacityType;
import io.featurejob.operator.api.FailureClass;
import io.featurejob.operator.api.Importance;
import io.featurejob.operator.observe.Observation;
import io.featurejob.operator.policy.Schedule;
import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The simulator's parts: fleet, world, fates, staleness. */
class PartsTest {

  @Test
  void theFleetIsReproducibleAndMixed() {
    List<FleetJob> a = Fleet.generate(4000, 8, 5);
    assertEquals(a, Fleet.generate(4000, 8, 5));
    Map<Duration, Long> periods = a.stream().collect(Collectors.groupingBy(FleetJob::period, Collectors.counting()));
    assertEquals(6, periods.size(), "5m, 15m, 30m, 1h, 6h, 1d");
    assertTrue(periods.get(Duration.ofHours(1)) > 1300 && periods.get(Duration.ofHours(1)) < 1750);
    Map<Importance, Long> importance = a.stream().collect(Collectors.groupingBy(FleetJob::importance, Collectors.counting()));
    assertTrue(importance.get(Importance.Critical) > 300 && importance.get(Importance.Critical) < 500);
    for (FleetJob j : a) {
      // Every cron expression parses and ticks at the job's period.
      Schedule s = Schedule.parse(j.schedule(), ZoneId.of("UTC"));
      assertEquals(j.period(), s.periodAround(Scenarios.START), j.schedule());
    }
  }

  @Test
  void theWorldIsReproducibleAndShortagesDoNotOverlapOnAPool() {
    List<FleetJob> fleet = Fleet.generate(500, 8, 9);
    FailureModel m = FailureModel.FIELD.withTransient(0.5, 0.001).withPermanentRate(0.01);
    World w = World.generate(fleet, m, 9, Scenarios.START, Scenarios.START.plus(Duration.ofDays(30)));
    World again = World.generate(fleet, m, 9, Scenarios.START, Scenarios.START.plus(Duration.ofDays(30)));
    assertEquals(w.causes, again.causes);
    assertTrue(w.shortageCount() > 60 && w.shortageCount() < 180, "about 0.5 x 8 pools x 30 days: " + w.shortageCount());
    Map<PermanentCause.Kind, Long> kinds = w.causes.stream()
        .collect(Collectors.groupingBy(PermanentCause::kind, Collectors.counting()));
    assertEquals(3, kinds.size());
    long t = Scenarios.START.toEpochMilli();
    for (long step = 0; step < 30L * 1440; step += 7) {
      Shortage s = w.shortageAt(3, t + step * 60_000);
      if (s != null) {
        assertTrue(s.covers(t + step * 60_000));
      }
    }
  }

  @Test
  void aBlockedAttemptShowsUnschedulableExecutorsUntilTheShortageEnds() {
    long start = Scenarios.at(Duration.ZERO);
    World w = Scenarios.world(List.of(new Shortage(0, start, start + 3_600_000, 1.0)), List.of());
    FateModel model = new FateModel(w, new CauseBook(w));
    var plan = new io.featurejob.operator.policy.LaunchPlan("run", 1, "pod-1", Scenarios.START, Scenarios.START,
        CapacityType.OnDemand, CapacityType.Spot, 2048, 2048, io.featurejob.operator.policy.LaunchPlan.Trigger.Schedule);
    AttemptFate f = model.fate(Scenarios.HOURLY, plan, start, 2048, 2048);

    assertEquals(start + 30_000, f.driverStart());
    assertEquals(start + 30_000, f.executorsBlockedSince());
    assertEquals(start + 3_600_000 + 30_000, f.executorsStart());
    assertInstanceOf(Observation.Running.class, f.observe(start + 60_000));
    assertEquals(f.executorsBlockedSince(), ((Observation.Running) f.observe(start + 60_000)).executorsUnschedulableSince()
        .toEpochMilli());
    assertNull(((Observation.Running) f.observe(f.executorsStart())).executorsUnschedulableSince());
    assertInstanceOf(Observation.Succeeded.class, f.observe(f.end()));
    assertEquals(f.executorsStart(), f.nextChangeAfter(start + 60_000));
    assertEquals(0, f.executorSeconds(f.executorsStart()), "no executor ran while blocked");
  }

  @Test
  void aDataSpikeFailsOnlyAttemptsWithTooLittleMemory() {
    long start = Scenarios.at(Duration.ZERO);
    PermanentCause spike = new PermanentCause(0, 0, PermanentCause.Kind.DataSpike, start, start + 86_400_000, 1.8);
    World w = Scenarios.world(List.of(), List.of(spike));
    FateModel model = new FateModel(w, new CauseBook(w));
    Function<Long, AttemptFate> withMemory = mib -> model.fate(Scenarios.HOURLY,
        new io.featurejob.operator.policy.LaunchPlan("run", 1, "pod", Scenarios.START, Scenarios.START,
            CapacityType.OnDemand, CapacityType.OnDemand, 2048, mib, io.featurejob.operator.policy.LaunchPlan.Trigger.Schedule),
        start, 2048, 2048);
    assertEquals(FailureClass.OutOfMemory, withMemory.apply(2048L).failure().failureClass());
    assertEquals(FailureClass.OutOfMemory, withMemory.apply(3072L).failure().failureClass());
    assertNull(withMemory.apply(4608L).failure(), "1.8 x 2g fits in 4.5g");
  }

  @Test
  void stalenessPercentilesAreTimeWeighted() {
    StalenessHistogram h = new StalenessHistogram(1000);
    h.addSegment(0, 60); // an hourly job: staleness climbs 0 -> 60 minutes
    assertEquals(30, h.percentile(0.5), 1e-9);
    assertEquals(59.4, h.percentile(0.99), 1e-9);
    h.addSegment(10.5, 10.75);
    assertEquals(60.25, h.totalMinutes(), 1e-9);
    StalenessHistogram empty = new StalenessHistogram(10);
    assertTrue(Double.isNaN(empty.percentile(0.5)));
  }

  @Test
  void percentilesAreNearestRank() {
    assertEquals(2.0, Tally.percentile(List.of(4.0, 1.0, 2.0, 3.0), 0.5));
    assertEquals(4.0, Tally.percentile(List.of(4.0, 1.0, 2.0, 3.0), 0.95));
    assertTrue(Double.isNaN(Tally.percentile(List.of(), 0.5)));
  }
}
