package io.featurejob.operator.sim;

/**
 * The figures reported per policy, in table order; {@code key} is the CSV column. Costs are in spot
 * pod-hour equivalents weighted by memory (an on-demand pod-hour counts the on-demand price). P50 and
 * P95 figures carry their sample count; a p95 of fewer than 20 samples is not reported.
 */
public enum Figure {
  RUNS("runs", "runs (scheduled windows launched)", Format.COUNT),
  ATTEMPTS_PER_RUN("attempts_per_run", "attempts per run", Format.RATIO),
  TRANSIENT_STREAKS("transient_streaks", "transient failure streaks (ended in success)", Format.COUNT),
  TRANSIENT_RECOVERED_PCT("transient_recovered_without_page_pct", "% of transient streaks recovered without a page", Format.PERCENT),
  PAGES_ACTIONABLE("pages_actionable_per_1k_runs", "pages / 1k runs: actionable", Format.RATE),
  PAGES_REPEAT("pages_repeat_per_1k_runs", "pages / 1k runs: repeat (same incident)", Format.RATE),
  PAGES_NOISE("pages_noise_per_1k_runs", "pages / 1k runs: noise", Format.RATE),
  HUMAN_UNBLOCKS("human_unblocks", "unblocks by a human", Format.COUNT),
  CAUSES("permanent_causes_hit", "permanent causes that failed a run", Format.COUNT),
  CAUSES_FIXED_UNPAGED("permanent_causes_resolved_without_page", "... resolved without a page (gone, or memory escalated)", Format.COUNT),
  CAUSE_TO_PAGE_P50("cause_to_page_p50_min", "permanent cause -> page p50", Format.P50),
  CAUSE_TO_PAGE_P95("cause_to_page_p95_min", "permanent cause -> page p95", Format.P95),
  FIX_TO_FRESH_P50("fix_to_fresh_p50_min", "fix -> fresh features p50", Format.P50),
  FIX_TO_FRESH_P95("fix_to_fresh_p95_min", "fix -> fresh features p95", Format.P95),
  STALENESS_CRITICAL("staleness_critical_min", "staleness p50 / p99: Critical", Format.MINUTES_PAIR),
  STALENESS_HIGH("staleness_high_min", "staleness p50 / p99: High", Format.MINUTES_PAIR),
  STALENESS_NORMAL("staleness_normal_min", "staleness p50 / p99: Normal", Format.MINUTES_PAIR),
  STALENESS_LOW("staleness_low_min", "staleness p50 / p99: Low", Format.MINUTES_PAIR),
  BREACH_CRITICAL("slo_breach_critical_min_per_job_month", "SLO breach min / job-month: Critical", Format.DECIMAL),
  BREACH_HIGH("slo_breach_high_min_per_job_month", "SLO breach min / job-month: High", Format.DECIMAL),
  BREACH_NORMAL("slo_breach_normal_min_per_job_month", "SLO breach min / job-month: Normal", Format.DECIMAL),
  BREACH_LOW("slo_breach_low_min_per_job_month", "SLO breach min / job-month: Low", Format.DECIMAL),
  RECLAIMS_SURVIVED("executors_reclaimed_survived", "executors reclaimed in attempts that survived", Format.COUNT),
  RECLAIMS_FATAL("attempts_killed_by_reclaim", "attempts killed by a reclaim (all executors or the driver)", Format.COUNT),
  OOM_FAILURES("attempts_failed_oom", "attempts that failed OutOfMemory (a spike, or memory given back too soon)",
      Format.COUNT),
  PENDING_POD_SECONDS("pending_pod_s", "pod-h pending for a node (not billed)", Format.POD_HOURS),
  COST_IDLE_DRIVER("cost_idle_driver_s", "cost: drivers idle, waiting for executors", Format.POD_HOURS),
  COST_FAILED("cost_failed_s", "cost: attempts that failed", Format.POD_HOURS),
  COST_SUCCEEDED("cost_succeeded_s", "cost: attempts that succeeded", Format.POD_HOURS),
  TOTAL_COST("cost_total_s", "cost: total (idle + failed + succeeded)", Format.POD_HOURS),
  COST_EXTRA_MEMORY("cost_extra_memory_s", "... of which memory above the jobs' base (escalation)", Format.POD_HOURS),
  COST_KEPT_MEMORY("cost_kept_memory_s", "... ... paid with no data spike in effect (kept after it ended)",
      Format.POD_HOURS),
  COST_ON_DEMAND_PREMIUM("cost_on_demand_premium_s", "... of which executors' on-demand premium over spot (fallback)",
      Format.POD_HOURS),
  SPOT_POD_SECONDS("billed_spot_pod_s", "billed pod-h on spot", Format.POD_HOURS),
  ON_DEMAND_POD_SECONDS("billed_on_demand_pod_s", "billed pod-h on on-demand", Format.POD_HOURS),
  EXECUTOR_ON_DEMAND_PCT("executor_on_demand_pct", "% of executor pod-h on on-demand (fallback)", Format.PERCENT),
  STATUS_WRITES_PER_RUN("status_writes_per_run", "status writes per run", Format.RATIO),
  RECONCILES_PER_RUN("reconciles_per_run", "reconciles per run (incl. 10m safety net)", Format.RATIO);

  public enum Format { COUNT, RATIO, PERCENT, RATE, P50, P95, MINUTES_PAIR, DECIMAL, POD_HOURS }

  /** Fewer samples than this and a p95 is just the largest one or two: not reported. */
  public static final int MIN_P95_SAMPLES = 20;

  public final String key;
  public final String label;
  public final Format format;

  Figure(String key, String label, Format format) {
    this.key = key;
    this.label = label;
    this.format = format;
  }
}
