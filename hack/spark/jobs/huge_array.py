"""A task that builds a 300-million-element array: java.lang.OutOfMemoryError in the JVM running the
task. In local mode that JVM is the driver, so Spark's uncaught-exception handler exits with 52.
The bound depends on the row (id), so the optimizer cannot fold it on the driver beforehand."""
from pyspark.sql import SparkSession

spark = SparkSession.builder.appName("trip-huge-array").getOrCreate()
spark.range(0, 2, 1, 2).selectExpr("size(sequence(1, 300000000 + id)) AS n").show()
spark.stop()
