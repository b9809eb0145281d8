package io.featurejob.operator.sim;

import io.featurejob.operator.api.FeatureJobSpec;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * A retry/alert/remediation policy as a parameter set for the operator's own decision core, plus the
 * two differences the core's parameters cannot express, applied by the simulator around the decider:
 *
 * @param tune sets spec fields (retryPolicy, capacity, memoryEscalation, timeouts) on each job's spec
 * @param newRunPerTick CronJob-style tools create a fresh object per schedule tick: a run that failed
 *     for good does not stop the next tick's run, which starts with a clean failure count. Emulated by
 *     a new unblock token at the first tick after the job parks (and a fresh remediation state)
 * @param linearRetryInterval Kubeflow's {@code onFailureRetryInterval x attempts}: the core only backs
 *     off geometrically, so the simulator rewrites {@code status.nextRunTime} after each failure
 *     (null = the core's own schedule)
 * @param retryOnFix the operator's retry on a fix ({@code policy.RetryOnFix}): an owner's fix that edits the
 *     spec or a referenced Secret reaches the job at once, and the warning alert carries the unblock command,
 *     which the owner runs after a fix outside the cluster. The other tools apply an edit to the next run
 *     only (a CronJob's or ScheduledSparkApplication's template) and page only when the run failed for good
 * @param watchReferences the operator's {@code watchReferences} (off by default: it needs list/watch on
 *     Secrets): a rotated credential in a referenced Secret then reaches the job without the owner's unblock
 */
public record Policy(
    String name,
    String summary,
    Consumer<FeatureJobSpec> tune,
    boolean newRunPerTick,
    Duration linearRetryInterval,
    boolean retryOnFix,
    boolean watchReferences) {

  public Policy(String name, String summary, Consumer<FeatureJobSpec> tune, boolean newRunPerTick,
      Duration linearRetryInterval, boolean retryOnFix) {
    this(name, summary, tune, newRunPerTick, linearRetryInterval, retryOnFix, false);
  }
}
