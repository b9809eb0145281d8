package io.featurejob.operator.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class ShardAssignmentTest {

  /**
   * The published algorithm's test vectors, as github.com/dgryski/go-jump's jump_test.go lists them
   * (key, buckets, bucket): the same function as every other implementation of it.
   */
  @ParameterizedTest
  @CsvSource({
      "1, 1, 0",
      "42, 57, 43",
      "3735883980, 1, 0", // 0xDEAD10CC
      "3735883980, 666, 361",
      "256, 1024, 520"})
  void jumpHashMatchesTheReferenceVectors(long key, int buckets, int bucket) {
    assertEquals(bucket, ShardAssignment.jump(key, buckets));
  }

  /** The key is the first 64 bits of SHA-256, as {@code printf ml/daily-features | sha256sum} prints it. */
  @Test
  void theKeyIsSha256() {
    assertEquals(Long.parseUnsignedLong("c50308f88d3247b4", 16), ShardAssignment.key("ml/daily-features"));
  }

  /**
   * Pinned assignments: a release that changed any of these would move running jobs to another shard on
   * upgrade (the key is SHA-256, so no JVM or platform changes them).
   */
  @ParameterizedTest
  @CsvSource({
      "ml, daily-features, 1, 0",
      "ml, daily-features, 2, 1",
      "ml, daily-features, 3, 1",
      "ml, hourly-clicks, 2, 1",
      "ml, hourly-clicks, 3, 2",
      "team-a, daily-features, 2, 0",
      "team-a, daily-features, 3, 0"})
  void assignmentsAreStable(String namespace, String job, int shards, String shard) {
    assertEquals(Integer.parseInt(shard), ShardAssignment.shardOf(namespace, job, shards));
  }

  @Test
  void theNamespaceIsPartOfTheKey() {
    int differ = 0;
    for (int i = 0; i < 1000; i++) {
      if (ShardAssignment.shardOf("a", "job-" + i, 2) != ShardAssignment.shardOf("b", "job-" + i, 2)) {
        differ++;
      }
    }
    assertTrue(differ > 400 && differ < 600, "jobs of the same name in two namespaces split independently: " + differ);
  }

  /** 10,000 names: every shard within 3% of an equal share. */
  @ParameterizedTest
  @ValueSource(ints = {2, 3, 4, 5, 8})
  void tenThousandJobsSpreadEvenly(int shards) {
    int jobs = 10_000;
    int[] counts = new int[shards];
    for (int i = 0; i < jobs; i++) {
      counts[ShardAssignment.shardOf("ns-" + (i % 7), "features-" + i, shards)]++;
    }
    double share = (double) jobs / shards;
    for (int s = 0; s < shards; s++) {
      assertTrue(Math.abs(counts[s] - share) <= 0.03 * share,
          "shard " + s + " of " + shards + " has " + counts[s] + " jobs, equal share " + share);
    }
  }

  /** Adding a shard moves only the jobs the new shard takes (about 1/(n+1)), none between old shards. */
  @ParameterizedTest
  @ValueSource(ints = {1, 2, 3, 7})
  void addingAShardMovesOnlyItsShare(int shards) {
    int jobs = 10_000;
    int moved = 0;
    for (int i = 0; i < jobs; i++) {
      int before = ShardAssignment.shardOf("ml", "job-" + i, shards);
      int after = ShardAssignment.shardOf("ml", "job-" + i, shards + 1);
      if (before != after) {
        assertEquals(shards, after, "job-" + i + " moved from " + before + " to an old shard " + after);
        moved++;
      }
    }
    double expected = (double) jobs / (shards + 1);
    assertTrue(Math.abs(moved - expected) <= 0.05 * expected, moved + " moved, expected about " + expected);
  }

  @ParameterizedTest
  @ValueSource(ints = {0, -1})
  void noShardsIsAnError(int shards) {
    assertThrows(IllegalArgumentException.class, () -> ShardAssignment.shardOf("ml", "a", shards));
  }
}
