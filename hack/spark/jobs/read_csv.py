"""Reads a CSV export of trips from a local path (the unreadable-file case gives it a file its user
cannot read)."""
import sys

from pyspark.sql import SparkSession

spark = SparkSession.builder.appName("trip-csv").getOrCreate()
trips = spark.read.option("header", True).csv(sys.argv[1])
print(trips.count())
spark.stop()
