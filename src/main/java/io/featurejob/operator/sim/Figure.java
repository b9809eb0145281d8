package io.featurejob.operator.sim;

/** The figures reported per policy, in table order; {@code key} is the CSV column. */
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
  CAUSE_TO_PAGE_P50("cause_to_page_p50_min", "permanent cause -> page p50", Format.MINUTES),
  CAUSE_TO_PAGE_P95("cause_to_page_p95_min", "permanent cause -> page p95", Format.MINUTES),
  FIX_TO_FRESH_P50("fix_to_fresh_p50_min", "fix -> fresh features p50", Format.MINUTES),
  FIX_TO_FRESH_P95("fix_to_fresh_p95_min", "fix -> fresh features p95", Format.MINUTES),
  STALENESS_CRITICAL("staleness_critical_min", "staleness p50 / p99: Critical", Format.MINUTES_PAIR),
  STALENESS_HIGH("staleness_high_min", "staleness p50 / p99: High", Format.MINUTES_PAIR),
  STALENESS_NORMAL("staleness_normal_min", "staleness p50 / p99: Normal", Format.MINUTES_PAIR),
  STALENESS_LOW("staleness_low_min", "staleness p50 / p99: Low", Format.MINUTES_PAIR),
  BREACH_CRITICAL("slo_breach_critical_min_per_job_month", "SLO breach min / job-month: Critical", Format.DECIMAL),
  BREACH_HIGH("slo_breach_high_min_per_job_month", "SLO breach min / job-month: High", Format.DECIMAL),
  BREACH_NORMAL("slo_breach_normal_min_per_job_month", "SLO breach min / job-month: Normal", Format.DECIMAL),
  BREACH_LOW("slo_breach_low_min_per_job_month", "SLO breach min / job-month: Low", Format.DECIMAL),
  FAILED_SPOT_SECONDS("failed_compute_spot_s", "compute on failed attempts, spot (pod-h)", Format.POD_HOURS),
  FAILED_ON_DEMAND_SECONDS("failed_compute_on_demand_s", "compute on failed attempts, on-demand (pod-h)", Format.POD_HOURS),
  FAILED_COST("failed_compute_cost_spot_s", "cost of failed attempts (spot pod-h equivalent)", Format.POD_HOURS),
  TOTAL_COST("total_compute_cost_spot_s", "cost of all attempts (spot pod-h equivalent)", Format.POD_HOURS),
  ON_DEMAND_SHARE_PCT("on_demand_share_pct", "% of compute on on-demand", Format.PERCENT),
  STATUS_WRITES_PER_RUN("status_writes_per_run", "status writes per run", Format.RATIO),
  RECONCILES_PER_RUN("reconciles_per_run", "reconciles per run (incl. 10m safety net)", Format.RATIO);

  public enum Format { COUNT, RATIO, PERCENT, RATE, MINUTES, MINUTES_PAIR, DECIMAL, POD_HOURS }

  public final String key;
  public final String label;
  public final Format format;

  Figure(String key, String label, Format format) {
    this.key = key;
    this.label = label;
    this.format = format;
  }
}
