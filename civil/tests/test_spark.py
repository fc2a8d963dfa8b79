"""The same pemadanan on Spark (local mode) over the same Parquet files: identical statuses."""

import logging

import duckdb
import pytest

from civil.matching import match_members

from .conftest import snapshot_views

pyspark = pytest.importorskip("pyspark")


@pytest.fixture(scope="module")
def spark():
    # Kesos's one way to start Spark: the first session of a process fixes the JVM's
    # classpath, so it must carry Splink's UDF jar even when this test needs no UDF.
    from base.spark import spark_session

    # py4j logs from finalizers after pytest closed its streams; nothing worth reading.
    logging.getLogger("py4j").setLevel(logging.WARNING)
    session = spark_session("local[1]")
    yield session
    session.stop()


def _rows(path) -> list[tuple]:
    return duckdb.sql(f"""
        SELECT member_id, status, differs_name, differs_birth_date, differs_sex, differs_kk,
               person_nik, deceased, death_date, moved, civil_village_code
        FROM read_parquet('{path}') ORDER BY member_id""").fetchall()  # noqa: S608


def test_spark_and_duckdb_give_identical_statuses(run, spark, tmp_path):
    tables = {name: str(run.synth_dir / f"{name}.parquet") for name in ("members", "families")}
    con = snapshot_views(run.synth_dir)
    # Spark reads the synth files themselves: give them the snapshot's status column.
    con.execute(f"COPY (SELECT * FROM members) TO '{tmp_path / 'members.parquet'}' "  # noqa: S608
                "(FORMAT parquet)")
    tables["members"] = str(tmp_path / "members.parquet")
    result = match_members(con, tmp_path / "out", run.extract, engine="spark", spark=spark,
                           tables=tables, candidates=False)
    assert result["statuses"] == run.result["statuses"]
    assert _rows(tmp_path / "out" / "civil_status.parquet") == \
        _rows(run.out_dir / "civil_status.parquet")
