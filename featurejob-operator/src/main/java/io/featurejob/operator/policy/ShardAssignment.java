package io.featurejob.operator.policy;

import io.featurejob.operator.spark.Sha256;

/**
 * Which operator shard owns a FeatureJob: a pure function of the job's namespace, its name as its pods'
 * {@code featurejob.io/job} label carries it, and the number of shards. The same answer in every JVM and
 * release (SHA-256, not String.hashCode), so a restarted replica owns exactly what it owned before, and a
 * job's pods land in the same shard as the job (they carry that label, not the name).
 *
 * <p>The 64-bit key goes through Lamping and Veach's jump consistent hash ("A Fast, Minimal Memory,
 * Consistent Hash Algorithm", 2014): the shards get equal shares, and going from n to n+1 shards moves only
 * the 1/(n+1) of the jobs the new shard takes; a plain modulo would move most of them.
 */
public final class ShardAssignment {
  private ShardAssignment() {}

  /** The shard, in [0, shards), that owns the job {@code namespace/jobLabelValue}. */
  public static int shardOf(String namespace, String jobLabelValue, int shards) {
    if (shards < 1) {
      throw new IllegalArgumentException("shards must be >= 1, got " + shards);
    }
    return jump(key(namespace + "/" + jobLabelValue), shards);
  }

  /** The first 64 bits of SHA-256 of the UTF-8 text. */
  static long key(String text) {
    return Long.parseUnsignedLong(Sha256.hex(text).substring(0, 16), 16);
  }

  /** Jump consistent hash: the bucket in [0, buckets) of {@code key}, as published (64-bit LCG, unsigned). */
  static int jump(long key, int buckets) {
    long b = -1;
    long j = 0;
    while (j < buckets) {
      b = j;
      key = key * 2862933555777941757L + 1;
      j = (long) ((b + 1) * ((double) (1L << 31) / (double) ((key >>> 33) + 1)));
    }
    return (int) b;
  }
}
