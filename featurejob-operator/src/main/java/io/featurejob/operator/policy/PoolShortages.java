package io.featurejob.operator.policy;

import io.featurejob.operator.api.CapacityType;
import io.featurejob.operator.api.FailureClass;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The one piece of state the decisions of different jobs share: which spot pools are short of capacity
 * right now. Fed with the attempts that end in each decision ({@link #observe}), read before the next
 * decision ({@link #shortage}); an entry expires {@code ttl} after its newest observation. Time is
 * passed in (from the caller's injected Clock), so expiry is exact in tests and in the simulator. One
 * instance per operator process; a restarted process starts with none (a shortage is seen again
 * within one scheduling timeout). Thread-safe: reconciles of different jobs run in parallel.
 */
public final class PoolShortages {
  /** How long a pool counts as short after its newest CapacityUnavailable or SpotInterruption. */
  public static final Duration DEFAULT_TTL = Duration.ofMinutes(30);

  private final Duration ttl;
  private final Map<String, PoolShortage> byPool = new ConcurrentHashMap<>();

  public PoolShortages(Duration ttl) {
    if (ttl == null || ttl.isNegative() || ttl.isZero()) {
      throw new IllegalArgumentException("pool shortage ttl must be positive, got " + ttl);
    }
    this.ttl = ttl;
  }

  public PoolShortages() {
    this(DEFAULT_TTL);
  }

  /**
   * The key of the spot pool a job's executors land on: the capacity profile's spot placement is the same
   * for every job, so jobs differ only by the node labels their executors add (executor nodeSelector).
   */
  public static String poolOf(Map<String, String> executorNodeSelector) {
    return executorNodeSelector == null || executorNodeSelector.isEmpty() ? "spot"
        : "spot" + new TreeMap<>(executorNodeSelector);
  }

  /**
   * Records the attempts a decision finished: a failure for capacity of pods on spot marks the pool short. A
   * driver on on-demand that found no node, or whose node shut down, says nothing about the spot pool.
   */
  public void observe(String pool, Iterable<Decision.FinishedAttempt> finished, Instant at) {
    for (Decision.FinishedAttempt f : finished) {
      if (signalsShortage(f)) {
        byPool.merge(pool, new PoolShortage(pool, at, at, 1), (old, now) -> expired(old, at)
            ? now : new PoolShortage(pool, old.since(), latest(old.lastSeen(), at), old.observations() + 1));
      }
    }
  }

  /** The shortage on the pool at {@code now}, or null when none was seen within the ttl. */
  public PoolShortage shortage(String pool, Instant now) {
    PoolShortage s = byPool.get(Objects.requireNonNull(pool, "pool"));
    if (s != null && expired(s, now)) {
      byPool.remove(pool, s);
      return null;
    }
    return s;
  }

  /** How many pools are short at {@code now} (for metrics and tests); drops expired entries. */
  public int size(Instant now) {
    byPool.values().removeIf(s -> expired(s, now));
    return byPool.size();
  }

  static boolean signalsShortage(Decision.FinishedAttempt f) {
    return f.failedOn() == CapacityType.Spot
        && (f.failureClass() == FailureClass.CapacityUnavailable || f.failureClass() == FailureClass.SpotInterruption);
  }

  private boolean expired(PoolShortage s, Instant now) {
    return !now.isBefore(s.lastSeen().plus(ttl));
  }

  private static Instant latest(Instant a, Instant b) {
    return a.isAfter(b) ? a : b;
  }
}
