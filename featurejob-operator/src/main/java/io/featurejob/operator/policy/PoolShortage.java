package io.featurejob.operator.policy;

import java.time.Instant;

/**
 * A capacity shortage seen on one spot pool: attempts of jobs there failed as CapacityUnavailable or
 * SpotInterruption, the first at {@code since}, the newest at {@code lastSeen}. An input of the decision
 * ({@link CapacityAwareness}); {@link PoolShortages} keeps them for the process.
 *
 * @param pool the pool's key ({@link PoolShortages#poolOf})
 * @param observations failures seen on the pool since {@code since}
 */
public record PoolShortage(String pool, Instant since, Instant lastSeen, int observations) {}
