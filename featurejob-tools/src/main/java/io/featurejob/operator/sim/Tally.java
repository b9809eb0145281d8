package io.featurejob.operator.sim;

import io.featurejob.operator.api.CapacityType;
import io.featurejob.operator.api.FailureClass;
import io.featurejob.operator.api.Importance;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/** Counters of one policy's run, turned into {@link PolicyResult} figures at the end. */
final class Tally {
  long runs;
  long attempts;
  long decisions;
  long safetyNetReconciles;
  long statusWrites;
  long pagesActionable;
  long pagesRepeat;
  long pagesNoise;
  long humanUnblocks;
  long transientStreaks;
  long transientStreaksWithoutPage;
  final CostBook cost = new CostBook();
  long reclaimsSurvived;
  long reclaimsFatal;
  long oomFailures;
  final List<Double> causeToPageMinutes = new ArrayList<>();
  final List<Double> fixToFreshMinutes = new ArrayList<>();
  long causesGoneBeforePage;
  long causesHit;
  final Map<Importance, StalenessHistogram> staleness = new EnumMap<>(Importance.class);
  final double[] breachMinutes = new double[Importance.values().length];
  final int[] jobsByImportance = new int[Importance.values().length];
  int jobsWithTransientFailure;
  int jobsWithPermanentFailure;

  Tally(int maxStalenessMinutes) {
    for (Importance i : Importance.values()) {
      staleness.put(i, new StalenessHistogram(maxStalenessMinutes));
    }
  }

  /** Books an attempt that ended (its pods went away) at {@code until}. */
  void attemptEnded(AttemptFate f, long until, boolean failed) {
    cost.book(f, until, failed);
    boolean killedByReclaim = f.failure() != null && f.cause() == null && until >= f.end()
        && f.failure().failureClass() == FailureClass.SpotInterruption;
    reclaimsFatal += killedByReclaim ? 1 : 0;
    reclaimsSurvived += killedByReclaim ? 0 : f.executorsLost();
    oomFailures += failed && f.failure() != null && f.failure().failureClass() == FailureClass.OutOfMemory ? 1 : 0;
  }

  PolicyResult result(String policy, int jobs, double days, double onDemandPrice) {
    Map<Figure, double[]> f = new EnumMap<>(Figure.class);
    double perK = runs == 0 ? 0 : 1000.0 / runs;
    put(f, Figure.RUNS, runs);
    put(f, Figure.ATTEMPTS_PER_RUN, runs == 0 ? 0 : (double) attempts / runs);
    put(f, Figure.TRANSIENT_STREAKS, transientStreaks);
    put(f, Figure.TRANSIENT_RECOVERED_PCT,
        transientStreaks == 0 ? Double.NaN : 100.0 * transientStreaksWithoutPage / transientStreaks);
    put(f, Figure.PAGES_ACTIONABLE, pagesActionable * perK);
    put(f, Figure.PAGES_REPEAT, pagesRepeat * perK);
    put(f, Figure.PAGES_NOISE, pagesNoise * perK);
    put(f, Figure.HUMAN_UNBLOCKS, humanUnblocks);
    put(f, Figure.CAUSES, causesHit);
    put(f, Figure.CAUSES_FIXED_UNPAGED, causesGoneBeforePage);
    putPercentile(f, Figure.CAUSE_TO_PAGE_P50, causeToPageMinutes, 0.50);
    putPercentile(f, Figure.CAUSE_TO_PAGE_P95, causeToPageMinutes, 0.95);
    putPercentile(f, Figure.FIX_TO_FRESH_P50, fixToFreshMinutes, 0.50);
    putPercentile(f, Figure.FIX_TO_FRESH_P95, fixToFreshMinutes, 0.95);
    Figure[] stale = {Figure.STALENESS_CRITICAL, Figure.STALENESS_HIGH, Figure.STALENESS_NORMAL, Figure.STALENESS_LOW};
    Figure[] breach = {Figure.BREACH_CRITICAL, Figure.BREACH_HIGH, Figure.BREACH_NORMAL, Figure.BREACH_LOW};
    for (Importance i : Importance.values()) {
      StalenessHistogram h = staleness.get(i);
      f.put(stale[i.ordinal()], new double[] {h.percentile(0.50), h.percentile(0.99)});
      double jobMonths = jobsByImportance[i.ordinal()] * days / 30.0;
      put(f, breach[i.ordinal()], jobMonths == 0 ? Double.NaN : breachMinutes[i.ordinal()] / jobMonths);
    }
    put(f, Figure.RECLAIMS_SURVIVED, reclaimsSurvived);
    put(f, Figure.RECLAIMS_FATAL, reclaimsFatal);
    put(f, Figure.OOM_FAILURES, oomFailures);
    put(f, Figure.PENDING_POD_SECONDS, cost.seconds(CostBook.State.PENDING, CapacityType.Spot)
        + cost.seconds(CostBook.State.PENDING, CapacityType.OnDemand));
    put(f, Figure.COST_IDLE_DRIVER, cost.cost(CostBook.State.IDLE_DRIVER, onDemandPrice));
    put(f, Figure.COST_FAILED, cost.cost(CostBook.State.FAILED, onDemandPrice));
    put(f, Figure.COST_SUCCEEDED, cost.cost(CostBook.State.SUCCEEDED, onDemandPrice));
    put(f, Figure.TOTAL_COST, cost.totalCost(onDemandPrice));
    put(f, Figure.COST_EXTRA_MEMORY, cost.extraMemoryCost(onDemandPrice));
    put(f, Figure.COST_KEPT_MEMORY, cost.keptMemoryCost(onDemandPrice));
    put(f, Figure.COST_ON_DEMAND_PREMIUM, cost.onDemandExecutorPremium(onDemandPrice));
    put(f, Figure.SPOT_POD_SECONDS, cost.billedSeconds(CapacityType.Spot));
    put(f, Figure.ON_DEMAND_POD_SECONDS, cost.billedSeconds(CapacityType.OnDemand));
    put(f, Figure.EXECUTOR_ON_DEMAND_PCT, 100 * cost.executorOnDemandShare());
    put(f, Figure.STATUS_WRITES_PER_RUN, runs == 0 ? 0 : (double) statusWrites / runs);
    put(f, Figure.RECONCILES_PER_RUN, runs == 0 ? 0 : (double) (decisions + safetyNetReconciles) / runs);
    return new PolicyResult(policy, f, jobs == 0 ? 0 : (double) jobsWithTransientFailure / jobs,
        jobs == 0 ? 0 : (double) jobsWithPermanentFailure / jobs);
  }

  /** A percentile with its sample count: {value, n}. */
  private static void putPercentile(Map<Figure, double[]> f, Figure figure, List<Double> samples, double q) {
    f.put(figure, new double[] {percentile(samples, q), samples.size()});
  }

  private static void put(Map<Figure, double[]> f, Figure figure, double value) {
    f.put(figure, new double[] {value});
  }

  /** Nearest-rank percentile; NaN when there are no samples. */
  static double percentile(List<Double> samples, double q) {
    if (samples.isEmpty()) {
      return Double.NaN;
    }
    double[] sorted = samples.stream().mapToDouble(Double::doubleValue).toArray();
    Arrays.sort(sorted);
    int rank = (int) Math.ceil(q * sorted.length);
    return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
  }
}
