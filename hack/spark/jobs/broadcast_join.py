"""A broadcast join whose small side is not small: 8 million padded rows must be collected and
hashed in a 512 MiB driver; Spark gives up building the broadcast table (SparkOutOfMemoryError)."""
from pyspark.sql import SparkSession, functions as F

spark = SparkSession.builder.appName("trip-broadcast-join").getOrCreate()
trips = spark.range(0, 1000).withColumnRenamed("id", "city_id")
cities = spark.range(0, 8_000_000).selectExpr("id AS city_id", "repeat('x', 40) AS name")
print(trips.join(F.broadcast(cities), "city_id").count())
spark.stop()
