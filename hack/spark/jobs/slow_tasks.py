"""Long-running tasks (each sleeps 10 minutes): the sigterm and sigkill cases stop spark-submit from
outside while they run, as a node shutdown or the kernel would."""
import time

from pyspark.sql import SparkSession

spark = SparkSession.builder.appName("trip-slow").getOrCreate()


def slow(rows):
    time.sleep(600)
    return rows


print(spark.sparkContext.parallelize(range(4), 2).mapPartitions(slow).count())
spark.stop()
