package io.featurejob.operator.api;

import java.util.Locale;

/** Spark memory strings (512m, 4g): binary units, whole mebibytes internally. */
public final class SparkMemory {
  private static final java.util.regex.Pattern FORMAT = java.util.regex.Pattern.compile(Defaults.SPARK_MEMORY_PATTERN);

  private SparkMemory() {}

  /** @throws IllegalArgumentException with a user-facing message for anything but e.g. 512m, 4g. */
  public static long toMebibytes(String text) {
    if (text == null || !FORMAT.matcher(text).matches()) {
      throw new IllegalArgumentException("'" + text + "' is not a Spark memory size (use e.g. 512m, 4g)");
    }
    char unit = Character.toLowerCase(text.charAt(text.length() - 1));
    long number = Character.isDigit(unit) ? Long.parseLong(text) : Long.parseLong(text.substring(0, text.length() - 1));
    return switch (unit) {
      case 'k' -> Math.max(1, number / 1024);
      case 'm' -> number;
      case 'g' -> number * 1024;
      case 't' -> number * 1024 * 1024;
      default -> Math.max(1, number / (1024 * 1024)); // plain bytes
    };
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
