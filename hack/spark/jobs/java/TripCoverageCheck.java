import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * A JVM mainClass job: checks that every city has enough trips before features are built, and
 * throws when one does not (each city has 250 trips in the fixture; the job wants 300).
 */
public final class TripCoverageCheck {
  private static final long MIN_TRIPS_PER_CITY = 300;

  public static void main(String[] args) {
    SparkSession spark = SparkSession.builder().appName("trip-coverage-check").getOrCreate();
    Dataset<Row> trips = spark.read().format("jdbc")
        .option("driver", "org.postgresql.Driver")
        .option("url", System.getenv("FEATUREJOB_PG_URL"))
        .option("user", System.getenv("FEATUREJOB_PG_USER"))
        .option("password", System.getenv("FEATUREJOB_PG_PASSWORD"))
        .option("dbtable", "trips")
        .load();
    for (Row row : trips.groupBy("city").count().orderBy("city").collectAsList()) {
      String city = row.getString(0);
      long count = row.getLong(1);
      if (count < MIN_TRIPS_PER_CITY) {
        throw new IllegalStateException("city " + city + " has " + count + " trips, expected at least "
            + MIN_TRIPS_PER_CITY + ": the upstream export looks incomplete");
      }
    }
    spark.stop();
  }
}
