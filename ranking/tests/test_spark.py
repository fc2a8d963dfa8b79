"""The scoring SQL is portable: Spark SQL (local mode) gives the scores and desil DuckDB gives."""

import duckdb
import pytest

from ranking.services import shipped_model
from ranking.sql import score_sql

from .conftest import AS_OF

pyspark = pytest.importorskip("pyspark")


def test_spark_sql_scores_households_as_duckdb_does(synth_registry):
    # The first session of a process fixes the JVM's classpath: start it the Kesos way, with
    # Splink's UDF jar, so the dedup Spark test can run after this one.
    from base.spark import spark_session

    spark = spark_session("local[1]")
    try:
        got, expected = _both(spark, synth_registry)
    finally:
        spark.stop()
    assert len(got) == len(expected) > 50
    assert [(r[0], r[2], r[3]) for r in got] == [(r[0], r[2], r[3]) for r in expected]
    assert max(abs(g[1] - e[1]) for g, e in zip(got, expected, strict=True)) < 1e-9


def _both(spark, synth_registry) -> tuple[list, list]:
    con = duckdb.connect()
    for name in ("households", "members"):
        path = synth_registry / f"{name}.parquet"
        spark.read.parquet(str(path)).where("household_id <= 300").selectExpr(
            "*", "'active' AS status").createOrReplaceTempView(name)
        con.execute(f"CREATE VIEW {name} AS SELECT *, 'active' AS status FROM "  # noqa: S608
                    f"read_parquet('{path}') WHERE household_id <= 300")
    model = shipped_model()
    columns = "household_id, score, desil_national, desil_province"
    expected = con.execute(
        f"SELECT {columns} FROM ({score_sql(model, AS_OF)}) s ORDER BY 1").fetchall()  # noqa: S608
    got = [tuple(r) for r in spark.sql(
        f"SELECT {columns} FROM ({score_sql(model, AS_OF, 'spark')}) s ORDER BY 1").collect()]  # noqa: S608
    return got, expected
