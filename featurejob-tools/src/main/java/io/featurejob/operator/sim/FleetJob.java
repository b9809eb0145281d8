package io.featurejob.operator.sim;

import io.featurejob.operator.api.Importance;
import java.time.Duration;

/**
 * One synthetic FeatureJob: what its owner wrote (schedule, importance, size) and how long its runs
 * usually take. Immutable; the same fleet is replayed under every policy.
 *
 * @param pool the spot pool its executors land on (0 .. spotPools-1)
 * @param period the schedule's period, for reports and for sizing durations
 * @param typicalDuration median run time once executors run; each run varies around it
 */
public record FleetJob(
    int index,
    String name,
    String schedule,
    Duration period,
    Importance importance,
    int executors,
    int pool,
    Duration typicalDuration) {}
