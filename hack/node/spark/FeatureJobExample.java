package io.featurejob.example;

import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Properties;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;

/**
 * The small feature job of the real node's Spark image (hack/image/spark.Containerfile). Modes:
 * <ul>
 *   <li>{@code --rows N}: sums N generated numbers per key across the executors (no outside system)
 *   <li>{@code --jdbc URL --source T --target T [--start S --end E] [--user U --password-env NAME]}:
 *       reads events of the window from PostgreSQL and writes one row of features per entity (count,
 *       sum), logging in as U with the password in the driver's environment variable NAME (Spark
 *       hands the connection properties to the executors' tasks)
 *   <li>{@code --off-heap-mib N}: each task also holds N MiB of native memory, touched, beyond the
 *       JVM heap (an executor above its container's memory limit is killed by the kernel)
 *   <li>{@code --env-sha256 NAME=HEX}: before anything else, fails unless the environment variable
 *       NAME is set and its SHA-256 is HEX (proves a secret arrived without printing it)
 * </ul>
 */
public final class FeatureJobExample {
  private FeatureJobExample() {}

  public static void main(String[] args) throws Exception {
    long rows = 0;
    int offHeapMib = 0;
    String jdbc = null;
    String source = "events";
    String target = "features";
    String start = "";
    String end = "";
    String envSha256 = null;
    String user = null;
    String passwordEnv = null;
    for (int i = 0; i + 1 < args.length; i += 2) {
      switch (args[i]) {
        case "--rows" -> rows = Long.parseLong(args[i + 1]);
        case "--off-heap-mib" -> offHeapMib = Integer.parseInt(args[i + 1]);
        case "--jdbc" -> jdbc = args[i + 1];
        case "--source" -> source = args[i + 1];
        case "--target" -> target = args[i + 1];
        case "--start" -> start = args[i + 1];
        case "--end" -> end = args[i + 1];
        case "--env-sha256" -> envSha256 = args[i + 1];
        case "--user" -> user = args[i + 1];
        case "--password-env" -> passwordEnv = args[i + 1];
        default -> throw new IllegalArgumentException("unknown argument " + args[i]);
      }
    }
    if (envSha256 != null) {
      checkEnvSha256(envSha256);
    }
    SparkSession spark = SparkSession.builder().appName("featurejob-example").getOrCreate();
    try {
      if (offHeapMib > 0) {
        holdOffHeap(spark, offHeapMib);
      }
      if (jdbc != null) {
        features(spark, jdbc, login(user, passwordEnv), source, target, start, end);
      } else {
        synthetic(spark, rows);
      }
    } finally {
      spark.stop();
    }
  }

  private static void synthetic(SparkSession spark, long rows) {
    Dataset<Row> sums = spark.range(0, rows, 1, 4)
        .withColumn("key", functions.col("id").mod(10))
        .groupBy("key").agg(functions.sum("id").alias("total"))
        .orderBy("key");
    long total = 0;
    for (Row row : sums.collectAsList()) {
      total += row.getLong(1);
    }
    System.out.println("featurejob-example: " + rows + " rows, 10 keys, total " + total);
  }

  /** The JDBC connection properties: the driver class, and the user with the password from an env var when given. */
  private static Properties login(String user, String passwordEnv) {
    Properties props = new Properties();
    props.setProperty("driver", "org.postgresql.Driver");
    if (user != null) {
      props.setProperty("user", user);
    }
    if (passwordEnv != null) {
      String password = System.getenv(passwordEnv);
      if (password == null) {
        throw new IllegalStateException(passwordEnv + " is not set");
      }
      props.setProperty("password", password);
    }
    return props;
  }

  private static void features(SparkSession spark, String jdbc, Properties props, String source, String target,
      String start, String end) {
    String query = "(SELECT entity_id, value FROM " + source
        + (start.isEmpty() ? "" : " WHERE ts >= '" + start + "' AND ts < '" + end + "'") + ") AS window_events";
    Dataset<Row> events = spark.read().jdbc(jdbc, query, props);
    Dataset<Row> features = events.groupBy("entity_id")
        .agg(functions.count("value").alias("event_count"), functions.sum("value").alias("value_sum"))
        .withColumn("window_end", functions.lit(end))
        .cache();   // the count below reuses what was written instead of reading the source again
    features.write().mode(SaveMode.Append).jdbc(jdbc, target, props);
    System.out.println("featurejob-example: wrote " + features.count() + " feature rows to " + target);
  }

  /** {@code NAME=HEX}: the variable NAME hashes to HEX; says which matched, never the value. */
  private static void checkEnvSha256(String expectation) throws NoSuchAlgorithmException {
    int eq = expectation.indexOf('=');
    if (eq <= 0) {
      throw new IllegalArgumentException("--env-sha256 takes NAME=HEX");
    }
    String name = expectation.substring(0, eq);
    String value = System.getenv(name);
    if (value == null) {
      throw new IllegalStateException(name + " is not set");
    }
    byte[] digest = MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
    if (!HexFormat.of().formatHex(digest).equalsIgnoreCase(expectation.substring(eq + 1))) {
      throw new IllegalStateException(name + " does not have the expected SHA-256");
    }
    System.out.println("featurejob-example: " + name + " has the expected SHA-256");
  }

  /** Every task of one stage over all executors allocates and touches {@code mib} MiB outside the heap. */
  private static void holdOffHeap(SparkSession spark, int mib) {
    JavaSparkContext context = JavaSparkContext.fromSparkContext(spark.sparkContext());
    List<Integer> slots = new ArrayList<>();
    for (int i = 0; i < context.defaultParallelism(); i++) {
      slots.add(i);
    }
    long held = context.parallelize(slots, slots.size()).map(slot -> {
      sun.misc.Unsafe unsafe = unsafe();
      long bytes = (long) mib << 20;
      long address = unsafe.allocateMemory(bytes);
      unsafe.setMemory(address, bytes, (byte) 1);   // touched: resident, counted by the cgroup
      Thread.sleep(2000);
      unsafe.freeMemory(address);
      return bytes;
    }).reduce(Long::sum);
    System.out.println("featurejob-example: held " + (held >> 20) + " MiB off-heap across " + slots.size() + " tasks");
  }

  private static sun.misc.Unsafe unsafe() throws ReflectiveOperationException {
    Field field = sun.misc.Unsafe.class.getDeclaredField("theUnsafe");
    field.setAccessible(true);
    return (sun.misc.Unsafe) field.get(null);
  }
}
