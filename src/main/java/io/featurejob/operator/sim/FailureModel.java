package io.featurejob.operator.sim;

import java.time.Duration;

/**
 * The world's failure parameters. {@link #FIELD} is calibrated so that, under the operator's defaults
 * over 30 days, about 3.7% of jobs see a transient failure and 0.5% a permanent one (the field's mix;
 * the simulator prints the realized shares so a change here is checked against it).
 *
 * @param spotPools spot node pools; each job's executors use one. Shortages are per pool, so they hit
 *     every job on the pool at once (correlated), as real capacity shortages do
 * @param shortagesPerPoolPerDay rate of shortage episodes on each pool
 * @param shortageMin shortest episode; lengths are log-uniform between min and max
 * @param shortageMax longest episode
 * @param severityMin share of launches an episode blocks, uniform in [min, max]
 * @param severityMax see severityMin
 * @param interruptionsPerExecutorHour spot reclaim hazard of one executor in normal times
 * @param interruptionShortageMultiplier the hazard during a shortage on the pool (reclaims cluster there)
 * @param permanentCausesPerJobDay rate of permission revocations, code bugs and data spikes per job
 * @param permissionShare share of permanent causes that are permission revocations
 * @param userCodeShare share that are code bugs; the rest are data spikes that cause OOMs
 * @param unpromptedFixMedian owners notice and fix a cause without any page after a lognormal time
 *     with this median (dashboards, stale-feature reports, the next business day)
 * @param spikeMedian a data spike subsides by itself after a lognormal time with this median
 * @param spikeMemoryMax a spike needs between 1.2x and this times the job's executor memory (log-uniform)
 * @param reactionMedian time from a page to the owner acting on it (fix and, if parked, unblock)
 * @param lognormalSigma spread of the lognormal times above (0 = always the median; tests use 0)
 */
public record FailureModel(
    int spotPools,
    double shortagesPerPoolPerDay,
    Duration shortageMin,
    Duration shortageMax,
    double severityMin,
    double severityMax,
    double interruptionsPerExecutorHour,
    double interruptionShortageMultiplier,
    double permanentCausesPerJobDay,
    double permissionShare,
    double userCodeShare,
    Duration unpromptedFixMedian,
    Duration spikeMedian,
    double spikeMemoryMax,
    Duration reactionMedian,
    double lognormalSigma) {

  public static final FailureModel FIELD = new FailureModel(
      8, 0.012, Duration.ofMinutes(10), Duration.ofHours(6), 0.02, 0.2,
      0.00002, 10,
      0.007 / 30, 0.4, 0.35,
      Duration.ofHours(24), Duration.ofHours(12), 10.0,
      Duration.ofMinutes(30), 1.0);

  /** No random failures (scenarios add their own); owners react in exactly the median time. */
  public static final FailureModel NONE = new FailureModel(
      FIELD.spotPools(), 0, FIELD.shortageMin(), FIELD.shortageMax(), FIELD.severityMin(), FIELD.severityMax(),
      0, FIELD.interruptionShortageMultiplier(), 0, FIELD.permissionShare(), FIELD.userCodeShare(),
      FIELD.unpromptedFixMedian(), FIELD.spikeMedian(), FIELD.spikeMemoryMax(), FIELD.reactionMedian(), 0);

  public FailureModel withTransient(double shortagesPerPoolPerDay, double interruptionsPerExecutorHour) {
    return new FailureModel(spotPools, shortagesPerPoolPerDay, shortageMin, shortageMax, severityMin, severityMax,
        interruptionsPerExecutorHour, interruptionShortageMultiplier, permanentCausesPerJobDay, permissionShare,
        userCodeShare, unpromptedFixMedian, spikeMedian, spikeMemoryMax, reactionMedian, lognormalSigma);
  }

  /** Every failure rate times k (a stress test; the calibration holds only for k = 1). */
  public FailureModel scaled(double k) {
    return withTransient(shortagesPerPoolPerDay * k, interruptionsPerExecutorHour * k)
        .withPermanentRate(permanentCausesPerJobDay * k);
  }

  public FailureModel withReaction(Duration reactionMedian) {
    return new FailureModel(spotPools, shortagesPerPoolPerDay, shortageMin, shortageMax, severityMin, severityMax,
        interruptionsPerExecutorHour, interruptionShortageMultiplier, permanentCausesPerJobDay, permissionShare,
        userCodeShare, unpromptedFixMedian, spikeMedian, spikeMemoryMax, reactionMedian, lognormalSigma);
  }

  public FailureModel withPermanentRate(double permanentCausesPerJobDay) {
    return new FailureModel(spotPools, shortagesPerPoolPerDay, shortageMin, shortageMax, severityMin, severityMax,
        interruptionsPerExecutorHour, interruptionShortageMultiplier, permanentCausesPerJobDay, permissionShare,
        userCodeShare, unpromptedFixMedian, spikeMedian, spikeMemoryMax, reactionMedian, lognormalSigma);
  }
}
