package io.featurejob.operator.sim;

import static io.featurejob.operator.sim.Scenarios.HOURLY;
import static io.featurejob.operator.sim.Scenarios.at;
import static io.featurejob.operator.sim.Scenarios.permission;
import static io.featurejob.operator.sim.Scenarios.world;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.featurejob.operator.api.CapacityType;
import io.featurejob.operator.api.Phase;
import io.featurejob.operator.events.EventReason;
import io.featurejob.operator.policy.Decision;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;

/** The invariants of the issue, each on a world made for it, through the operator's own decider. */
class SimulationTest {

  @Test
  void withoutPermanentCausesTheDefaultsNeverPage() {
    // Far more shortages and reclaims than the field sees, and not a single permanent cause.
    FailureModel stormy = FailureModel.FIELD.withTransient(1.0, 0.003).withPermanentRate(0);
    List<FleetJob> fleet = Fleet.generate(150, stormy.spotPools(), 3);
    World world = World.generate(fleet, stormy, 3, Scenarios.START, Scenarios.START.plus(Duration.ofDays(5)));
    Scenarios.Trace t = Scenarios.run(Policies.OPERATOR_DEFAULTS, fleet, world, Duration.ofDays(5), false);

    assertTrue(t.result.value(Figure.TRANSIENT_STREAKS) > 20, "the storm caused failures");
    assertEquals(0, t.count(EventReason.AlertThresholdReached));
    assertEquals(0, t.count(EventReason.PermanentlyFailed));
    assertEquals(100.0, t.result.value(Figure.TRANSIENT_RECOVERED_PCT));
    assertTrue(t.count(EventReason.CapacityFallback) > 0, "spot failures moved pods to on-demand");
  }

  @Test
  void aGrantOutsideTheClusterIsFollowedByTheUnblockCommandTheAlertCarries() {
    // Revoked at 02:00 for ten days unless someone fixes it; the owner acts 30 minutes after the page.
    World w = world(List.of(), List.of(permission(Duration.ofHours(2), Duration.ofDays(10))));
    Scenarios.Trace t = Scenarios.run(Policies.OPERATOR_DEFAULTS, w, Duration.ofDays(1));

    List<Long> alerts = t.times(EventReason.AlertThresholdReached);
    assertEquals(1, alerts.size());
    long fixed = alerts.get(0) + Duration.ofMinutes(30).toMillis();
    // The GRANT is invisible to the operator: the owner runs the command from the alert, right after it.
    assertEquals(List.of(fixed), t.times(EventReason.Unblocked));
    assertEquals(1.0, t.result.value(Figure.HUMAN_UNBLOCKS));
    assertEquals(0, t.count(EventReason.PermanentlyFailed));
    assertEquals(1.0, t.result.value(Figure.CAUSES));
    assertTrue(t.result.value(Figure.PAGES_ACTIONABLE) > 0);
    assertEquals(0.0, t.result.value(Figure.PAGES_NOISE));
    // No wait for the back-off in progress: the run launched at the unblock is the one that succeeds.
    long succeeded = t.times(EventReason.RunSucceeded).stream().filter(time -> time > fixed).findFirst().orElseThrow();
    assertTrue(succeeded - fixed < Duration.ofMinutes(20).toMillis(), "fix -> fresh " + (succeeded - fixed) / 60_000 + "m");
  }

  @ParameterizedTest(name = "{0}")
  @org.junit.jupiter.params.provider.EnumSource(value = PermanentCause.Kind.class, names = {"CodeBug", "DataSpike"})
  void aFixThatEditsTheSpecRetriesAtOnceWithoutAnUnblockByAHuman(PermanentCause.Kind kind) {
    PermanentCause cause = new PermanentCause(0, 0, kind, Scenarios.at(Duration.ofHours(2)),
        Scenarios.at(Duration.ofDays(10)), 20.0);
    Scenarios.Trace t = Scenarios.run(Policies.OPERATOR_DEFAULTS, world(List.of(), List.of(cause)), Duration.ofDays(1));
    long fixed = t.times(EventReason.AlertThresholdReached).get(0) + Duration.ofMinutes(30).toMillis();
    assertEquals(List.of(fixed), t.times(EventReason.Unblocked), "the new generation unblocks at the fix");
    assertEquals(0.0, t.result.value(Figure.HUMAN_UNBLOCKS));
    long succeeded = t.times(EventReason.RunSucceeded).stream().filter(time -> time > fixed).findFirst().orElseThrow();
    assertTrue(succeeded - fixed < Duration.ofMinutes(20).toMillis(), "fix -> fresh " + (succeeded - fixed) / 60_000 + "m");

    // The defaults before issue 17 waited for the back-off in progress.
    Scenarios.Trace before = Scenarios.run(Policies.OPERATOR_PREVIOUS, world(List.of(), List.of(cause)), Duration.ofDays(1));
    assertEquals(0, before.count(EventReason.Unblocked));
    assertTrue(before.result.value(Figure.FIX_TO_FRESH_P50) > t.result.value(Figure.FIX_TO_FRESH_P50),
        before.result.value(Figure.FIX_TO_FRESH_P50) + " vs " + t.result.value(Figure.FIX_TO_FRESH_P50));
  }

  @Test
  void aCauseOutlastingTheCapParksTheJobUntilItsOwnerUnblocksIt() {
    World w = new World(FailureModel.NONE.withReaction(Duration.ofHours(10)), 7, 1, List.of(),
        List.of(permission(Duration.ofHours(2), Duration.ofDays(10))));
    Scenarios.Trace t = Scenarios.run(Policies.OPERATOR_DEFAULTS, w, Duration.ofDays(1));

    assertEquals(1, t.count(EventReason.PermanentlyFailed));
    assertEquals(1, t.count(EventReason.Unblocked));
    assertEquals(1.0, t.result.value(Figure.HUMAN_UNBLOCKS));
    long unblocked = t.times(EventReason.Unblocked).get(0);
    assertEquals(t.times(EventReason.AlertThresholdReached).get(0) + Duration.ofHours(10).toMillis(), unblocked);
    // The unblock reset the count, so the success that follows is a plain RunSucceeded.
    assertTrue(t.times(EventReason.RunSucceeded).stream().anyMatch(time -> time > unblocked));
    assertTrue(t.result.value(Figure.PAGES_REPEAT) > 0, "the park page repeats the alert for the same cause");
  }

  @Test
  void cronJobStylePoliciesStartAfreshAtTheNextTick() {
    World w = new World(FailureModel.NONE.withReaction(Duration.ofHours(10)), 7, 1, List.of(),
        List.of(permission(Duration.ofHours(2), Duration.ofDays(10))));
    Scenarios.Trace t = Scenarios.run(Policies.KUBERNETES_JOB, w, Duration.ofDays(1));

    List<Decision> restarts = t.withEvent(EventReason.Unblocked).stream().map(Simulation.Step::decision)
        .filter(d -> d.status().lastUnblockToken.startsWith("tick-")).toList();
    assertTrue(restarts.size() >= 5, "a new Job every hour while the permission is missing: " + restarts.size());
    // No alert before the cap: every page is a Job that failed 7 times (one notification per Job).
    List<Simulation.Step> pages = t.withEvent(EventReason.PermanentlyFailed);
    assertEquals(pages.size(), t.count(EventReason.AlertThresholdReached));
    pages.forEach(p -> assertEquals(7, p.decision().status().consecutiveFailures));
    assertTrue(t.result.value(Figure.PAGES_REPEAT) > 0);
  }

  @Test
  void kubeflowRetriesAfterIntervalTimesAttempts() {
    World w = new World(FailureModel.NONE.withReaction(Duration.ofHours(10)), 7, 1, List.of(),
        List.of(permission(Duration.ofHours(2), Duration.ofDays(10))));
    Scenarios.Trace t = Scenarios.run(Policies.KUBEFLOW_SPARK, w, Duration.ofHours(3));

    List<Simulation.Step> steps = t.steps;
    int checked = 0;
    for (int i = 0; i < steps.size() && checked < 3; i++) {
      Decision d = steps.get(i).decision();
      if (d.status().phase == Phase.BackingOff && !d.finished().isEmpty()) {
        long failedAt = steps.get(i).time();
        int failures = d.status().consecutiveFailures;
        long relaunch = steps.stream().filter(s -> s.time() > failedAt && s.decision().launch() != null)
            .findFirst().orElseThrow().time();
        assertEquals(10_000L * failures, relaunch - failedAt, "retry after failure " + failures);
        checked++;
      }
    }
    assertEquals(3, checked);
  }

  @Test
  void eagerRetryPagesForAShortageTheDefaultsRideOut() {
    // Every spot launch on pool 0 is blocked from 02:00 to 05:00.
    World w = world(List.of(new Shortage(0, at(Duration.ofHours(2)), at(Duration.ofHours(5)), 1.0)), List.of());

    Scenarios.Trace eager = Scenarios.run(Policies.EAGER, w, Duration.ofDays(1));
    assertTrue(eager.result.value(Figure.PAGES_NOISE) > 0, "paged while features were still within their SLO");
    assertTrue(eager.result.value(Figure.HUMAN_UNBLOCKS) > 0);

    Scenarios.Trace defaults = Scenarios.run(Policies.OPERATOR_DEFAULTS, w, Duration.ofDays(1));
    assertEquals(0, defaults.count(EventReason.AlertThresholdReached));
    // Each hourly run inside the shortage (02:07, 03:07, 04:07): two scheduling timeouts, then on-demand
    // (a success reverts the fallback, so the next run tries spot again).
    assertEquals(3, defaults.count(EventReason.CapacityFallback));
    assertEquals(6, defaults.count(EventReason.RunFailed));
    // The features never were at risk: no failure counted, so no Recovered either.
    assertEquals(0, defaults.count(EventReason.Recovered));
    assertEquals(3, defaults.steps.stream().filter(s -> s.decision().events().stream()
        .anyMatch(e -> e.reason() == EventReason.RunSucceeded) && s.time() < at(Duration.ofHours(5))
        && s.time() > at(Duration.ofHours(2))).count());
    Simulation.Step onDemand = defaults.steps.stream()
        .filter(s -> s.decision().launch() != null && s.decision().launch().executorCapacity() == CapacityType.OnDemand)
        .findFirst().orElseThrow();
    assertTrue(onDemand.time() < at(Duration.ofHours(3)), "fell back within the hour");
    assertTrue(defaults.result.value(Figure.COST_IDLE_DRIVER) > 0, "the drivers waited on on-demand nodes");
    assertTrue(defaults.result.value(Figure.PENDING_POD_SECONDS) > 0, "blocked executors waited");
  }

  /**
   * Two jobs on pool 0 during a shortage: the hourly one's capacity failures mark the pool short, and the
   * 15-minute one (SLO 30m: stale 15m after each launch, before two 10m timeouts could move it) then
   * starts on on-demand at once instead of failing first. The hourly job (SLO 2h) stays on spot.
   */
  @Test
  void aShortageSeenOnThePoolMovesOnlyTheJobsThatCannotWait() {
    FleetJob quarterHourly = new FleetJob(1, "clicks", "2-59/15 * * * *", Duration.ofMinutes(15),
        io.featurejob.operator.api.Importance.Low, 2, 0, Duration.ofMinutes(4));
    World w = new World(Scenarios.QUIET, 7, 2, List.of(new Shortage(0, at(Duration.ofHours(2)), at(Duration.ofHours(5)), 1.0)),
        List.of());
    Scenarios.Trace aware = Scenarios.run(Policies.OPERATOR_DEFAULTS, List.of(HOURLY, quarterHourly), w, Duration.ofDays(1), false);
    Scenarios.Trace blind = Scenarios.run(Policies.OPERATOR_POOL_BLIND, List.of(HOURLY, quarterHourly), w, Duration.ofDays(1), false);

    List<Simulation.Step> poolFallbacks = aware.withEvent(EventReason.CapacityFallback).stream()
        .filter(s -> s.decision().events().stream().anyMatch(e -> e.message().contains("capacity shortage on pool pool-0")))
        .toList();
    assertTrue(poolFallbacks.size() > 0, "the short pool moved a job at risk to on-demand");
    assertTrue(poolFallbacks.stream().allMatch(s -> s.job().index() == 1), "only the job that could not wait");
    assertEquals(0, blind.withEvent(EventReason.CapacityFallback).stream()
        .filter(s -> s.decision().events().stream().anyMatch(e -> e.message().contains("capacity shortage"))).count());
    long failedAware = failures(aware, 1);
    long failedBlind = failures(blind, 1);
    assertTrue(failedAware < failedBlind, "fewer failed attempts of the 15-minute job: " + failedAware + " vs " + failedBlind);
    assertTrue(aware.result.value(Figure.BREACH_LOW) <= blind.result.value(Figure.BREACH_LOW));
  }

  private static long failures(Scenarios.Trace t, int job) {
    return t.withEvent(EventReason.RunFailed).stream().filter(s -> s.job().index() == job).count();
  }

  @Test
  void waitingPoliciesDoNotFailInAShortageButGoStale() {
    World w = world(List.of(new Shortage(0, at(Duration.ofHours(2)), at(Duration.ofHours(7)), 1.0)), List.of());
    Scenarios.Trace k8s = Scenarios.run(Policies.KUBERNETES_JOB, w, Duration.ofDays(1));
    assertEquals(0, k8s.count(EventReason.RunFailed));
    assertTrue(k8s.result.value(Figure.BREACH_HIGH) > 0, "five hours without executors breach a 2h SLO");
    Scenarios.Trace defaults = Scenarios.run(Policies.OPERATOR_DEFAULTS, w, Duration.ofDays(1));
    assertEquals(0.0, defaults.result.value(Figure.BREACH_HIGH));
  }

  @Test
  void skippingSafetyNetRequeuesChangesNoFigure() {
    FailureModel busy = FailureModel.FIELD.withTransient(0.5, 0.002).withPermanentRate(0.02);
    List<FleetJob> fleet = Fleet.generate(60, busy.spotPools(), 11);
    World world = World.generate(fleet, busy, 11, Scenarios.START, Scenarios.START.plus(Duration.ofDays(3)));
    for (Policy p : List.of(Policies.OPERATOR_DEFAULTS, Policies.KUBEFLOW_SPARK)) {
      Scenarios.Trace fast = Scenarios.run(p, fleet, world, Duration.ofDays(3), false);
      Scenarios.Trace exact = Scenarios.run(p, fleet, world, Duration.ofDays(3), true);
      assertTrue(exact.steps.size() > fast.steps.size(), "the exact run made the idle requeues");
      assertTrue(fast.result.value(Figure.CAUSES) > 0 && fast.result.value(Figure.TRANSIENT_STREAKS) > 0);
      for (Figure f : Figure.values()) {
        assertArrayEquals(exact.result.values(f), fast.result.values(f), 1e-9, p.name() + " " + f);
      }
    }
  }

  @Test
  void theSameSeedGivesTheSameNumbers() {
    SimConfig c = SimConfig.defaults().withJobs(80, Duration.ofDays(2)).withModel(FailureModel.FIELD.withTransient(0.5, 0.002));
    String first = Report.markdown(Simulator.run(c));
    String again = Report.markdown(Simulator.run(c.withThreads(1)));
    String other = Report.markdown(Simulator.run(c.withSeed(2)));
    assertEquals(first, again);
    assertTrue(!first.equals(other), "another seed, another fleet");
  }
}
