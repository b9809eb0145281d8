"""Daily trip features: trips from PostgreSQL over JDBC, aggregated per city, written as Parquet.

Usage: trip_features.py OUTPUT_DIR [TABLE]   (TABLE defaults to trips)
Cases: success, permission-revoked (REVOKE SELECT first), wrong-password, missing-table (TABLE absent).
"""
import sys

from pyspark.sql import SparkSession, functions as F

from trips_jdbc import read_table

output = sys.argv[1]
table = sys.argv[2] if len(sys.argv) > 2 else "trips"

spark = SparkSession.builder.appName("trip-features").getOrCreate()
trips = read_table(spark, table)
features = (trips.groupBy("city")
            .agg(F.count("*").alias("trips"),
                 F.round(F.avg("fare"), 2).alias("avg_fare"),
                 F.sum("distance_km").alias("distance_km")))
features.write.mode("overwrite").parquet(output)
for row in features.orderBy("city").collect():
    print(f"{row.city}: {row.trips} trips, avg fare {row.avg_fare}, {row.distance_km} km")
spark.stop()
