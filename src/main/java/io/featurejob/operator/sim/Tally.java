package io.featurejob.operator.sim;

import io.featurejob.operator.api.CapacityType;
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
  final double[] failedSeconds = new double[CapacityType.values().length];
  final double[] allSeconds = new double[CapacityType.values().length];
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

  void compute(CapacityType capacity, double seconds, boolean failed) {
    allSeconds[capacity.ordinal()] += seconds;
    if (failed) {
      failedSeconds[capacity.ordinal()] += seconds;
    }
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
    put(f, Figure.CAUSE_TO_PAGE_P50, percentile(causeToPageMinutes, 0.50));
    put(f, Figure.CAUSE_TO_PAGE_P95, percentile(causeToPageMinutes, 0.95));
    put(f, Figure.FIX_TO_FRESH_P50, percentile(fixToFreshMinutes, 0.50));
    put(f, Figure.FIX_TO_FRESH_P95, percentile(fixToFreshMinutes, 0.95));
    Figure[] stale = {Figure.STALENESS_CRITICAL, Figure.STALENESS_HIGH, Figure.STALENESS_NORMAL, Figure.STALENESS_LOW};
    Figure[] breach = {Figure.BREACH_CRITICAL, Figure.BREACH_HIGH, Figure.BREACH_NORMAL, Figure.BREACH_LOW};
    for (Importance i : Importance.values()) {
      StalenessHistogram h = staleness.get(i);
      f.put(stale[i.ordinal()], new double[] {h.percentile(0.50), h.percentile(0.99)});
      double jobMonths = jobsByImportance[i.ordinal()] * days / 30.0;
      put(f, breach[i.ordinal()], jobMonths == 0 ? Double.NaN : breachMinutes[i.ordinal()] / jobMonths);
    }
    double failedSpot = failedSeconds[CapacityType.Spot.ordinal()];
    double failedOnDemand = failedSeconds[CapacityType.OnDemand.ordinal()];
    double allSpot = allSeconds[CapacityType.Spot.ordinal()];
    double allOnDemand = allSeconds[CapacityType.OnDemand.ordinal()];
    put(f, Figure.FAILED_SPOT_SECONDS, failedSpot);
    put(f, Figure.FAILED_ON_DEMAND_SECONDS, failedOnDemand);
    put(f, Figure.FAILED_COST, failedSpot + onDemandPrice * failedOnDemand);
    put(f, Figure.TOTAL_COST, allSpot + onDemandPrice * allOnDemand);
    put(f, Figure.ON_DEMAND_SHARE_PCT, allSpot + allOnDemand == 0 ? 0 : 100.0 * allOnDemand / (allSpot + allOnDemand));
    put(f, Figure.STATUS_WRITES_PER_RUN, runs == 0 ? 0 : (double) statusWrites / runs);
    put(f, Figure.RECONCILES_PER_RUN, runs == 0 ? 0 : (double) (decisions + safetyNetReconciles) / runs);
    return new PolicyResult(policy, f, jobs == 0 ? 0 : (double) jobsWithTransientFailure / jobs,
        jobs == 0 ? 0 : (double) jobsWithPermanentFailure / jobs);
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
