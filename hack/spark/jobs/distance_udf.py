"""Bad data in a Python UDF: raw trip records whose distance is text ("12.5 km"); one record says
"n/a", the UDF's float() raises ValueError inside a task and the stage fails."""
from pyspark.sql import SparkSession, functions as F
from pyspark.sql.types import DoubleType

spark = SparkSession.builder.appName("trip-distance-udf").getOrCreate()
raw = spark.createDataFrame(
    [(1001, "Lisbon", "12.5 km"), (1002, "Porto", "3.1 km"), (1003, "Braga", "n/a"),
     (1004, "Faro", "7.8 km"), (1005, "Lisbon", "22.0 km"), (1006, "Porto", "5.4 km")],
    "trip_id long, city string, distance string")


@F.udf(returnType=DoubleType())
def distance_km(text):
    return float(text.removesuffix(" km"))


per_city = raw.withColumn("distance_km", distance_km("distance")).groupBy("city").agg(F.sum("distance_km"))
per_city.show()
spark.stop()
