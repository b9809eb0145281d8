package io.featurejob.operator.sim;

import java.time.Duration;

/**
 * The world's failure parameters; docs/simulator.md ("The model") gives the source of
 * each. {@link #FIELD} is calibrated on world events: in a 30-day window about 3.7% of jobs meet a
 * transient cause and 0.5% a permanent one (see {@link Exposure}).
 *
 * @param spotPools spot node pools; each job's executors use one. Shortages are per pool, so they hit
 *     every job on the pool at once (correlated), as real capacity shortages do
 * @param shortagesPerPoolPerDay rate of shortage episodes on each pool
 * @param shortageMin shortest episode; lengths are log-uniform between min and max
 * @param shortageMax longest episode
 * @param severityMin share of capacity checks an episode fails, uniform in [min, max]. Every spot pod
 *     waiting for a node (a new launch or one already pending) checks every {@code recheck}; all pods of
 *     the pool get the same answer in the same check (availability is binary per pool)
 * @param severityMax see severityMin
 * @param recheck how often a pending pod is retried against the pool (one capacity draw per pool per check)
 * @param interruptionsPerExecutorHour fleet-mean spot reclaim hazard of one node; each pool's rate is
 *     this times its weight in {@link #POOL_RECLAIM_WEIGHTS} (pools sit in different advisor bands)
 * @param interruptionShortageMultiplier the hazard during a shortage on the pool (reclaims cluster there)
 * @param coReclaimShare when a reclaim hits one of a job's executors, the chance that each of its other
 *     executors goes with it (co-interruptions in the same instance type and zone)
 * @param nodeStartMin a node for a pod starts in a log-uniform time between min and max
 * @param nodeStartMax see nodeStartMin
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
    Duration recheck,
    double interruptionsPerExecutorHour,
    double interruptionShortageMultiplier,
    double coReclaimShare,
    Duration nodeStartMin,
    Duration nodeStartMax,
    double permanentCausesPerJobDay,
    double permissionShare,
    double userCodeShare,
    Duration unpromptedFixMedian,
    Duration spikeMedian,
    double spikeMemoryMax,
    Duration reactionMedian,
    double lognormalSigma) {

  /**
   * Share of capacity reclaimed per month by pool, the middle of an AWS Spot Instance Advisor band
   * each: four pools in "<5%", two in "5-10%", one in "10-15%", one in "15-20%".
   */
  static final double[] POOL_MONTHLY_RECLAIM = {0.025, 0.025, 0.025, 0.025, 0.075, 0.075, 0.125, 0.175};
  static final double MEAN_MONTHLY_RECLAIM = 0.06875;

  /**
   * Share of revoked-permission fixes that are a new credential in a Secret the job references (a rotated
   * or re-issued password); the rest are a GRANT in the database. An assumption: no public figure.
   */
  static final double PERMISSION_FIX_IN_SECRET = 0.5;

  /** The advisor bands as a per-node hazard: a share s reclaimed in a 30-day month is s / 720 per hour. */
  static final double ADVISOR_HAZARD_PER_HOUR = MEAN_MONTHLY_RECLAIM / 720;

  public static final FailureModel FIELD = new FailureModel(
      8, 0.007, Duration.ofMinutes(10), Duration.ofHours(6), 0.3, 1.0, Duration.ofMinutes(2),
      ADVISOR_HAZARD_PER_HOUR, 3, 0.5, Duration.ofSeconds(15), Duration.ofMinutes(2),
      0.0052 / 30, 0.4, 0.35,
      Duration.ofHours(24), Duration.ofHours(12), 10.0,
      Duration.ofMinutes(30), 1.0);

  /** No random failures (scenarios add their own); nodes start in 30 s; owners react in exactly the median. */
  public static final FailureModel NONE = new FailureModel(
      FIELD.spotPools(), 0, FIELD.shortageMin(), FIELD.shortageMax(), FIELD.severityMin(), FIELD.severityMax(),
      FIELD.recheck(), 0, FIELD.interruptionShortageMultiplier(), FIELD.coReclaimShare(), Duration.ofSeconds(30),
      Duration.ofSeconds(30), 0, FIELD.permissionShare(), FIELD.userCodeShare(),
      FIELD.unpromptedFixMedian(), FIELD.spikeMedian(), FIELD.spikeMemoryMax(), FIELD.reactionMedian(), 0);

  /** The reclaim hazard of one node on the pool, per hour. */
  double reclaimsPerNodeHour(int pool) {
    double weight = POOL_MONTHLY_RECLAIM[pool % POOL_MONTHLY_RECLAIM.length] / MEAN_MONTHLY_RECLAIM;
    return interruptionsPerExecutorHour * weight;
  }

  public FailureModel withTransient(double shortagesPerPoolPerDay, double interruptionsPerExecutorHour) {
    return new FailureModel(spotPools, shortagesPerPoolPerDay, shortageMin, shortageMax, severityMin, severityMax,
        recheck, interruptionsPerExecutorHour, interruptionShortageMultiplier, coReclaimShare, nodeStartMin,
        nodeStartMax, permanentCausesPerJobDay, permissionShare, userCodeShare, unpromptedFixMedian, spikeMedian,
        spikeMemoryMax, reactionMedian, lognormalSigma);
  }

  /** Every failure rate times k (a stress test; the calibration holds only for k = 1). */
  public FailureModel scaled(double k) {
    return withTransient(shortagesPerPoolPerDay * k, interruptionsPerExecutorHour * k)
        .withPermanentRate(permanentCausesPerJobDay * k);
  }

  public FailureModel withReaction(Duration reactionMedian) {
    return new FailureModel(spotPools, shortagesPerPoolPerDay, shortageMin, shortageMax, severityMin, severityMax,
        recheck, interruptionsPerExecutorHour, interruptionShortageMultiplier, coReclaimShare, nodeStartMin,
        nodeStartMax, permanentCausesPerJobDay, permissionShare, userCodeShare, unpromptedFixMedian, spikeMedian,
        spikeMemoryMax, reactionMedian, lognormalSigma);
  }

  public FailureModel withPermanentRate(double permanentCausesPerJobDay) {
    return new FailureModel(spotPools, shortagesPerPoolPerDay, shortageMin, shortageMax, severityMin, severityMax,
        recheck, interruptionsPerExecutorHour, interruptionShortageMultiplier, coReclaimShare, nodeStartMin,
        nodeStartMax, permanentCausesPerJobDay, permissionShare, userCodeShare, unpromptedFixMedian, spikeMedian,
        spikeMemoryMax, reactionMedian, lognormalSigma);
  }

  public FailureModel withCoReclaimShare(double coReclaimShare) {
    return new FailureModel(spotPools, shortagesPerPoolPerDay, shortageMin, shortageMax, severityMin, severityMax,
        recheck, interruptionsPerExecutorHour, interruptionShortageMultiplier, coReclaimShare, nodeStartMin,
        nodeStartMax, permanentCausesPerJobDay, permissionShare, userCodeShare, unpromptedFixMedian, spikeMedian,
        spikeMemoryMax, reactionMedian, lognormalSigma);
  }
}
