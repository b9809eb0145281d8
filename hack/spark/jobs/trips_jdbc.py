"""Reads the trips table from PostgreSQL over JDBC (shared by the corpus jobs)."""
import os


def read_table(spark, table="trips"):
    return (spark.read.format("jdbc")
            .option("driver", "org.postgresql.Driver")
            .option("url", os.environ["FEATUREJOB_PG_URL"])
            .option("user", os.environ["FEATUREJOB_PG_USER"])
            .option("password", os.environ["FEATUREJOB_PG_PASSWORD"])
            .option("dbtable", table)
            .load())
