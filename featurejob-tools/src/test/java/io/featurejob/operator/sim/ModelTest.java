package io.featurejob.operator.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.featurejob.operator.api.CapacityType;
import io.featurejob.operator.api.FailureClass;
import io.featurejob.operator.policy.LaunchPlan;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The fair model's parts: one capacity process, reclaims as Spark handles them, cost by state, exposure. */
class ModelTest {
  private static final long MINUTE = 60_000;

  private static LaunchPlan plan(String pod, long attempt, CapacityType executors, long executorMiB) {
    return new LaunchPlan("run", (int) attempt, pod, Scenarios.START, Scenarios.START, CapacityType.OnDemand, executors,
        1024, executorMiB, LaunchPlan.Trigger.Schedule);
  }

  @Test
  void aPendingPodAndANewLaunchGetTheSameAnswerAtEveryCheck() {
    long start = Scenarios.at(Duration.ZERO);
    long end = start + Duration.ofHours(6).toMillis();
    World w = Scenarios.world(List.of(new Shortage(0, start, end, 0.6)), List.of());
    int blockedChecks = 0;
    int checks = 0;
    for (long t = start; t < end; t += 37_000) {
      long pendingUntil = w.capacityFrom(0, t);
      // Every pod that arrives while this one still waits gets capacity at the very same check.
      for (long later = t + 1_000; later < pendingUntil; later += 29_000) {
        assertEquals(pendingUntil, w.capacityFrom(0, later));
      }
      assertTrue(pendingUntil - t <= end - start);
      if (pendingUntil > t) {
        blockedChecks++;
      }
      checks++;
    }
    // Independent checks every 2 minutes: a 0.6 severity blocks about 60% of arrivals.
    double blocked = (double) blockedChecks / checks;
    assertTrue(blocked > 0.5 && blocked < 0.7, "share blocked " + blocked);
    assertEquals(end + 5, w.capacityFrom(0, end + 5), "no shortage, no wait");
  }

  @Test
  void losingOneExecutorSlowsTheRunButTheAttemptSurvives() {
    // A reclaim every ~20 minutes per node, and each reclaim takes only the executor it hit.
    FailureModel often = FailureModel.NONE.withTransient(0, 3.0).withCoReclaimShare(0);
    World w = new World(often, 7, 1, List.of(), List.of());
    AttemptFate f = new FateModel(w, new CauseBook(w)).fate(Scenarios.HOURLY, plan("p", 1, CapacityType.Spot, 1024),
        Scenarios.at(Duration.ZERO), 1024, 1024);
    World calm = new World(FailureModel.NONE, 7, 1, List.of(), List.of());
    AttemptFate undisturbed = new FateModel(calm, new CauseBook(calm)).fate(Scenarios.HOURLY,
        plan("p", 1, CapacityType.Spot, 1024), Scenarios.at(Duration.ZERO), 1024, 1024);

    assertTrue(f.executorsLost() > 0, "executors were reclaimed");
    assertNull(f.failure(), "Spark rescheduled their tasks; the attempt succeeded");
    assertTrue(f.end() > undisturbed.end(), "but it took longer");
  }

  @Test
  void losingEveryExecutorAtOnceKillsTheAttempt() {
    FailureModel together = FailureModel.NONE.withTransient(0, 3.0).withCoReclaimShare(1.0);
    World w = new World(together, 7, 1, List.of(), List.of());
    AttemptFate f = new FateModel(w, new CauseBook(w)).fate(Scenarios.HOURLY, plan("p", 1, CapacityType.Spot, 1024),
        Scenarios.at(Duration.ZERO), 1024, 1024);
    assertEquals(FailureClass.SpotInterruption, f.failure().failureClass());
    assertEquals(Scenarios.HOURLY.executors(), f.executorsLost());
    AttemptFate onDemand = new FateModel(w, new CauseBook(w)).fate(Scenarios.HOURLY,
        plan("p", 1, CapacityType.OnDemand, 1024), Scenarios.at(Duration.ZERO), 1024, 1024);
    assertNull(onDemand.failure(), "on-demand nodes are not reclaimed");
  }

  @Test
  void costByStateAddsUpToTheTotalAndEscalatedMemoryCostsMore() {
    FailureModel busy = FailureModel.FIELD.withTransient(0.5, 0.002).withPermanentRate(0.02);
    List<FleetJob> fleet = Fleet.generate(60, busy.spotPools(), 11);
    World world = World.generate(fleet, busy, 11, Scenarios.START, Scenarios.START.plus(Duration.ofDays(3)));
    PolicyResult r = Scenarios.run(Policies.OPERATOR_DEFAULTS, fleet, world, Duration.ofDays(3), false).result;
    double parts = r.value(Figure.COST_IDLE_DRIVER) + r.value(Figure.COST_FAILED) + r.value(Figure.COST_SUCCEEDED);
    assertTrue(r.value(Figure.COST_IDLE_DRIVER) > 0 && r.value(Figure.COST_FAILED) > 0);
    assertEquals(r.value(Figure.TOTAL_COST), parts, 1e-6 * parts);
    assertEquals(r.value(Figure.TOTAL_COST),
        r.value(Figure.SPOT_POD_SECONDS) + 3.0 * r.value(Figure.ON_DEMAND_POD_SECONDS), 1e-6 * parts);

    World calm = new World(FailureModel.NONE, 7, 1, List.of(), List.of());
    FateModel fates = new FateModel(calm, new CauseBook(calm));
    long t = Scenarios.at(Duration.ZERO);
    CostBook base = new CostBook();
    AttemptFate plain = fates.fate(Scenarios.HOURLY, plan("p", 1, CapacityType.Spot, 1024), t, 1024, 1024);
    base.book(plain, plain.end(), false);
    CostBook escalated = new CostBook();
    AttemptFate bigger = fates.fate(Scenarios.HOURLY, plan("p", 1, CapacityType.Spot, 1536), t, 1024, 1024);
    escalated.book(bigger, bigger.end(), false);
    double executors = plain.executorSeconds(plain.end());
    assertEquals(0.5 * executors, escalated.totalCost(3) - base.totalCost(3), 1e-6, "1.5x memory costs 1.5x");
    assertEquals(0, base.extraMemoryCost(3));
    assertEquals(0.5 * executors, escalated.extraMemoryCost(3), 1e-6, "the escalation's part of the cost");
    assertEquals(0, escalated.onDemandExecutorPremium(3), "executors on spot: no premium");
    assertEquals(escalated.extraMemoryCost(3), escalated.keptMemoryCost(3), 1e-6, "no data spike: memory kept after one");

    // The same escalated attempt while a spike needing 1.2x is in effect: the extra memory was needed.
    World spiky = Scenarios.world(List.of(), List.of(new PermanentCause(0, Scenarios.HOURLY.index(),
        PermanentCause.Kind.DataSpike, Scenarios.at(Duration.ZERO), Scenarios.at(Duration.ofHours(12)), 1.2)));
    AttemptFate duringSpike = new FateModel(spiky, new CauseBook(spiky)).fate(Scenarios.HOURLY,
        plan("p", 1, CapacityType.Spot, 1536), t, 1024, 1024);
    assertNull(duringSpike.failure(), "1.5x is enough for a 1.2x spike");
    CostBook needed = new CostBook();
    needed.book(duringSpike, duringSpike.end(), false);
    assertEquals(escalated.extraMemoryCost(3), needed.extraMemoryCost(3), 1e-6);
    assertEquals(0, needed.keptMemoryCost(3), "paid while the spike needed it");

    CostBook fallback = new CostBook();
    AttemptFate onDemand = fates.fate(Scenarios.HOURLY, plan("p", 1, CapacityType.OnDemand, 1536), t, 1024, 1024);
    fallback.book(onDemand, onDemand.end(), false);
    double onDemandExecutors = 1.5 * onDemand.executorSeconds(onDemand.end());
    assertEquals(2 * onDemandExecutors, fallback.onDemandExecutorPremium(3), 1e-6, "(3 - 1) x the executors' pod-seconds");
    assertEquals(3 * 0.5 * onDemand.executorSeconds(onDemand.end()), fallback.extraMemoryCost(3), 1e-6,
        "the executors' extra memory at the on-demand price (the driver kept its base memory)");
  }

  @Test
  void exposureCountsWorldEventsNotOutcomes() {
    long start = Scenarios.at(Duration.ZERO);
    World w = Scenarios.world(List.of(), List.of(Scenarios.permission(Duration.ofHours(2), Duration.ofHours(3))));
    Exposure e = Exposure.of(List.of(Scenarios.HOURLY), w, Scenarios.START, Scenarios.START.plus(Duration.ofDays(60)));
    assertEquals(2, e.windows());
    assertEquals(0.5, e.permanentShare(), 1e-9, "one job, met a cause in one of two windows");
    assertEquals(0, e.transientShare());
    World blocked = Scenarios.world(List.of(new Shortage(0, start, start + 60 * MINUTE, 1.0)), List.of());
    Exposure b = Exposure.of(List.of(Scenarios.HOURLY), blocked, Scenarios.START, Scenarios.START.plus(Duration.ofDays(1)));
    assertEquals(1.0, b.transientShare(), "an hour without spot capacity keeps the 00:07 run's executors out > 10m");
    assertEquals(Instant.ofEpochMilli(start), Scenarios.START);
  }

  @Test
  void intervalsAreStudentTOverSeeds() {
    SeedTable.Estimate e = SeedTable.Estimate.of(List.of(1.0, 2.0, 3.0));
    assertEquals(2.0, e.mean(), 1e-12);
    assertEquals(4.303 / Math.sqrt(3), e.halfWidth(), 1e-9);
    assertTrue(Double.isNaN(SeedTable.Estimate.of(List.of(5.0)).halfWidth()));
  }
}
