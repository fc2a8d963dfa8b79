# ruff: noqa: S608 -- SQL names only paths made by the test.
"""Past one machine (issue 4 item 7): the dedup step on Splink's Spark backend (PySpark in
local mode) over the same Parquet gives the same clusters as the DuckDB engine when both
predict with the same model (the DuckDB run's dedup_model.json)."""

import logging

import duckdb
import pytest

from linkage import dedup

from .dedup_fixtures import make_population, members_connection

pytest.importorskip("pyspark")

SCOPE, HOUSEHOLDS, SEED = "32.01", 400, 11  # a few hundred registry members


@pytest.fixture(scope="module")
def spark():
    from base.spark import spark_session

    logging.getLogger("py4j").setLevel(logging.WARNING)  # no chatter after pytest closes output
    session = spark_session("local[2]")
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


@pytest.fixture(scope="module")
def population(tmp_path_factory):
    return make_population(tmp_path_factory.mktemp("spark") / "bogor", SCOPE, HOUSEHOLDS, SEED)


def _table(path) -> list[tuple]:
    return duckdb.sql(f"select * from read_parquet('{path}')").fetchall()


def _bands(path) -> dict[tuple, str]:
    rows = duckdb.sql(f"select member_id_l, member_id_r, band from read_parquet('{path}')")
    return {(left, right): band for left, right, band in rows.fetchall()}


def test_spark_and_duckdb_give_the_same_clusters(population, spark, tmp_path):
    on_duckdb = dedup.deduplicate(members_connection(population), tmp_path / "duckdb")
    model = tmp_path / "duckdb" / dedup.MODEL_FILE
    matched = next(pair for pair, band in _bands(tmp_path / "duckdb" / dedup.PAIRS_FILE).items()
                   if band == "match")
    decided = [(1, 2, True), (*matched, False)]
    again = dedup.deduplicate(members_connection(population), tmp_path / "duckdb2",
                              settings=model, decided=decided)
    on_spark = dedup.deduplicate(members_connection(population), tmp_path / "spark",
                                 settings=model, decided=decided, engine="spark", spark=spark)
    print(f"\nduckdb: {again}\nspark: {on_spark}")
    assert on_duckdb["clusters"] >= 3, "the population must hold some duplicates"
    assert on_spark["records"] == again["records"]
    assert on_spark["comparisons"]["total"] == again["comparisons"]["total"]
    assert on_spark["thresholds"] == again["thresholds"]  # the same bands derived
    assert sorted(_table(tmp_path / "spark" / dedup.CLUSTERS_FILE)) == \
        sorted(_table(tmp_path / "duckdb2" / dedup.CLUSTERS_FILE))
    assert _bands(tmp_path / "spark" / dedup.PAIRS_FILE) == \
        _bands(tmp_path / "duckdb2" / dedup.PAIRS_FILE)
