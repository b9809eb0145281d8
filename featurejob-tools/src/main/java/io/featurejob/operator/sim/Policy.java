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
 */
public record Policy(
    String name,
    String summary,
    Consumer<FeatureJobSpec> tune,
    boolean newRunPerTick,
    Duration linearRetryInterval) {}
