package io.featurejob.operator.api;

import java.util.Locale;

/**
 * Spark memory strings (512m, 4g) as Spark reads them: binary units, and a number without a unit is
 * mebibytes ({@code spark.driver.memory=4096} is 4 GiB). Whole mebibytes internally; a size above
 * {@link #MAX_MEBIBYTES} is rejected, so no later sum or product of sizes can overflow a long.
 */
public final class SparkMemory {
  private static final java.util.regex.Pattern FORMAT = java.util.regex.Pattern.compile(Defaults.SPARK_MEMORY_PATTERN);

  /** 1 EiB: far above any node, and small enough that size x factor + overhead stays far below Long.MAX_VALUE. */
  public static final long MAX_MEBIBYTES = 1L << 40;

  private SparkMemory() {}

  /** @throws IllegalArgumentException with a user-facing message for anything but e.g. 512m, 4g, 4096. */
  public static long toMebibytes(String text) {
    if (text == null || !FORMAT.matcher(text).matches()) {
      throw new IllegalArgumentException("'" + text + "' is not a Spark memory size (use e.g. 512m, 4g)");
    }
    char unit = Character.toLowerCase(text.charAt(text.length() - 1));
    String digits = Character.isDigit(unit) ? text : text.substring(0, text.length() - 1);
    // The pattern allows at most 15 digits: parsing cannot overflow; the unit shifts are checked below.
    long number = Long.parseLong(digits);
    int shift = switch (unit) {
      case 'k' -> -10;
      case 'g' -> 10;
      case 't' -> 20;
      default -> 0; // m, or no unit: Spark reads a bare number as MiB
    };
    long mebibytes = shift < 0 ? Math.max(1, number >> -shift) : number;
    if (shift > 0 && mebibytes > (MAX_MEBIBYTES >> shift)) {
      throw tooLarge(text);
    }
    mebibytes = shift > 0 ? mebibytes << shift : mebibytes;
    if (mebibytes > MAX_MEBIBYTES) {
      throw tooLarge(text);
    }
    return mebibytes;
  }

  private static IllegalArgumentException tooLarge(String text) {
    return new IllegalArgumentException("'" + text + "' is larger than the maximum memory size "
        + fromMebibytes(MAX_MEBIBYTES));
  }

  /** The shortest exact Spark form: 6g rather than 6144m, 3072m stays 3g. */
  public static String fromMebibytes(long mebibytes) {
    if (mebibytes % 1024 == 0) {
      return (mebibytes / 1024) + "g";
    }
    return mebibytes + "m";
  }

  /** Spark's default overhead: max(384m, 10% of the heap). */
  public static long defaultOverheadMebibytes(long heapMebibytes) {
    return Math.max(384, heapMebibytes / 10);
  }

  public static String normalize(String text) {
    return fromMebibytes(toMebibytes(text)).toLowerCase(Locale.ROOT);
  }
}
