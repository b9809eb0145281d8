package io.featurejob.operator.spark;

import io.featurejob.operator.api.SparkMemory;

/**
 * Non-heap memory a Spark pod needs on top of its heap. The operator always passes the overhead to
 * Spark explicitly, so the pod's memory request and what Spark asks for never disagree (Spark would
 * otherwise use 0.4 instead of 0.1 for PySpark on some versions).
 */
public final class MemoryOverhead {
  private MemoryOverhead() {}

  /** The configured overhead, or Spark's default max(384m, 10% of the effective heap). */
  public static long mebibytes(Long configuredMiB, long heapMiB) {
    return configuredMiB != null ? configuredMiB : SparkMemory.defaultOverheadMebibytes(heapMiB);
  }
}
