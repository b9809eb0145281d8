"""A Spark SQL analysis error: the query names a column (fare_amount) that the trips table lacks."""
from pyspark.sql import SparkSession

from trips_jdbc import read_table

spark = SparkSession.builder.appName("trip-fare-sql").getOrCreate()
read_table(spark).createOrReplaceTempView("trips")
spark.sql("SELECT city, avg(fare_amount) AS avg_fare FROM trips GROUP BY city").show()
spark.stop()
