# ruff: noqa: S608 -- SQL text is the engine's own, over tables the test creates.
"""One SQL text, three engines (issue 5: "the same SQL must be valid for PostgreSQL and Spark
SQL"): the targeting views (household_sql, member_sql), every shipped program's decision_sql and
the quota ranking run unchanged on PostgreSQL and on Spark SQL (local mode) and give what DuckDB
gives, for a fixed set of households covering each clause, segment and benefit rule."""

import logging
from datetime import date

import duckdb
import pyarrow.parquet as pq
import pytest
from django.db import connection

from programs.batch import ProgramRun, key_of, ranked_sql
from programs.compile import decision_sql
from programs.single import SCHEMAS, tables_from_rows
from programs.targeting import household_sql, member_sql

from .builders import AS_OF, LIST_KINDS, PROGRAMS, head, household, member, rows, spec

RICE_QUOTAS = {"32.01": 2, "32.73": 1}


def fixed_rows() -> dict[str, list[dict]]:
    informal = {"employment": 7}
    return rows(
        household(head(45), member(30, sex="P", pregnant=True), member(3), member(5),
                  member(9, in_school=True), member(16, in_school=True, education=2),
                  member(66), desil=2, enrolled=("bst",)),
        household(head(45), status="inactive"),
        household(head(45, match="tidak_padan"), member(40, sex="P", match=None)),
        household(head(45, match=None), member(2), desil=None),
        household(head(50), member(48, sex="P", lists=("asn", "pensiun"))),
        household(head(39), member(20, wage=5_000_000)),
        household(head(39), member(20, wage=3_000_000), village="32.75.01.1001"),
        household(head(70, disability=12)),
        household(head(61, sex="P"), member(58, deceased=True)),
        household(head(33, **informal), village="63.71.01.1001", desil=1),
        household(head(33, **informal), member(10, disability=3), score=12.5),
        household(head(34, **informal), score=12.5),
        household(head(35, **informal), score=9.0, village="32.73.01.1001"),
        household(head(35, **informal), score=3.0, village="32.73.01.1001"),
        household(head(58, sex="P", birth_date=date(1963, 7, 2)),
                  member(10, in_school=True, lists=("yatim_covid",)),
                  member(4, lists=("yatim_covid",)), member(18, lists=("yatim_covid",)),
                  member(None, nik="", lists=("yatim_covid",))),
        household(head(40, lists=("prakerja",)), member(36, sex="P"), enrolled=("pkh",)),
        household(),
        household(head(42, status="moved"), member(40, sex="P"), desil=4),
        umk={"32.01": 4_217_206, "32.73": 3_742_276})


def queries() -> list[tuple[str, str]]:
    """(name, SELECT) pairs whose results every engine must give alike, row for row."""
    out = [("household_view", "SELECT * FROM household_view ORDER BY household_id"),
           ("member_view", "SELECT * FROM member_view ORDER BY member_id")]
    for code in PROGRAMS:
        s = spec(code)
        view = "member_view" if s.unit == "person" else "household_view"
        key = key_of(s.unit)
        out.append((code, f"SELECT {key}, decision, reason, segment, amount, components "
                          f"FROM ({decision_sql(s, view, key)}) d ORDER BY {key}"))
    run = ProgramRun("beras", spec("beras"), RICE_QUOTAS)
    out.append(("beras ranking", f"SELECT household_id, decision, quota_region, rank, status "
                                 f"FROM ({ranked_sql(run, 'decided_beras')}) r "
                                 "ORDER BY household_id"))
    return out


def views() -> list[tuple[str, str]]:
    rice = spec("beras")
    return [("household_view", household_sql(AS_OF, LIST_KINDS, PROGRAMS)),
            ("member_view", member_sql(AS_OF, LIST_KINDS, PROGRAMS)),
            ("decided_beras", decision_sql(rice, "household_view", key_of(rice.unit)))]


def on_duckdb(data) -> dict[str, list[tuple]]:
    con = duckdb.connect()
    for name, table in tables_from_rows(data).items():
        con.register(name, table)
    con.execute("CREATE TABLE quotas_beras (region_code VARCHAR, quota BIGINT)")
    con.executemany("INSERT INTO quotas_beras VALUES (?, ?)", list(RICE_QUOTAS.items()))
    for name, sql in views():
        con.execute(f"CREATE TABLE {name} AS {sql}")
    return {name: con.execute(sql).fetchall() for name, sql in queries()}


def assert_same(got: dict[str, list[tuple]], expected: dict[str, list[tuple]]) -> None:
    assert len(expected["household_view"]) == 18 and len(expected["member_view"]) > 25
    for name, result in expected.items():
        assert [tuple(r) for r in got[name]] == result, name


# --- PostgreSQL ---------------------------------------------------------------------------------

PG_TYPES = {"int64": "BIGINT", "int16": "SMALLINT", "string": "TEXT", "bool": "BOOLEAN",
            "date32[day]": "DATE", "double": "DOUBLE PRECISION"}


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="runs the SQL on PostgreSQL")
def test_postgresql_runs_the_same_sql_and_decides_as_duckdb():
    data = fixed_rows()
    with connection.cursor() as cursor:
        for name, schema in SCHEMAS.items():
            columns = ", ".join(f"{f.name} {PG_TYPES[str(f.type)]}" for f in schema)
            cursor.execute(f"CREATE TEMP TABLE {name} ({columns})")
            values = [[r.get(f.name) for f in schema] for r in data[name]]
            if values:
                marks = ", ".join(["%s"] * len(schema))
                cursor.executemany(f"INSERT INTO {name} VALUES ({marks})", values)
        cursor.execute("CREATE TEMP TABLE quotas_beras (region_code TEXT, quota BIGINT)")
        cursor.executemany("INSERT INTO quotas_beras VALUES (%s, %s)", list(RICE_QUOTAS.items()))
        for name, sql in views():
            cursor.execute(f"CREATE TEMP TABLE {name} AS {sql}")
        got = {}
        for name, sql in queries():
            cursor.execute(sql)
            got[name] = cursor.fetchall()
    assert_same(got, on_duckdb(data))


# --- Spark SQL ----------------------------------------------------------------------------------

pyspark = pytest.importorskip("pyspark")


@pytest.fixture(scope="module")
def spark():
    # Kesos's one way to start Spark: the first session of a process fixes the JVM's
    # classpath, so it must carry Splink's UDF jar even when this test needs no UDF.
    from base.spark import spark_session

    logging.getLogger("py4j").setLevel(logging.WARNING)  # no chatter after pytest closes output
    session = spark_session("local[1]")
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


def test_spark_sql_runs_the_same_sql_and_decides_as_duckdb(spark, tmp_path):
    data = fixed_rows()
    for name, table in tables_from_rows(data).items():
        pq.write_table(table, tmp_path / f"{name}.parquet")
        spark.read.parquet(str(tmp_path / f"{name}.parquet")).createOrReplaceTempView(name)
    spark.createDataFrame(list(RICE_QUOTAS.items()), "region_code STRING, quota BIGINT") \
        .createOrReplaceTempView("quotas_beras")
    for name, sql in views():
        spark.sql(sql).cache().createOrReplaceTempView(name)
    got = {name: spark.sql(sql).collect() for name, sql in queries()}
    assert_same(got, on_duckdb(data))
