"""A Python worker out of memory: spark.executor.pyspark.memory caps each worker's address space; a
UDF that holds a per-city list of 100 million floats cannot get it and raises MemoryError."""
from pyspark.sql import SparkSession, functions as F
from pyspark.sql.types import LongType

spark = SparkSession.builder.appName("trip-python-memory").getOrCreate()


@F.udf(returnType=LongType())
def trip_history_size(city):
    history = [0.5] * 100_000_000
    return len(history)


spark.createDataFrame([("Lisbon",), ("Porto",)], "city string") \
    .select("city", trip_history_size("city").alias("n")).show()
spark.stop()
