# ruff: noqa: S608 -- the SQL under test is built by base.sql over tables the test makes.
"""base.sql, the one door for users' values and names into SQL text: a value with quotes,
semicolons, comment markers, backslashes, Spark's ${...} and non-ASCII comes back unchanged
from DuckDB, PostgreSQL and Spark SQL, and a name of that kind names its column."""

import duckdb
import pytest
from django.db import connection

from base.sql import DUCKDB, PORTABLE, POSTGRESQL, SPARK, identifier, literal

NASTY = ["Jl. O'Neil; --drop", "Désa Łódź 🙂", "/* c */ x", "a\\b", "a\\'b", "${env:HOME}",
         "'", "''", "line\nbreak", "", "'; DROP TABLE t; --"]
NAMES = ['tgl "lahir"', "a;--b", "/*x*/", "Désa", "back`tick"]


def test_a_value_is_the_same_text_back_in_duckdb():
    for dialect in (DUCKDB, PORTABLE):
        got = duckdb.sql("SELECT " + ", ".join(literal(v, dialect) for v in NASTY)).fetchall()
        assert list(got[0]) == NASTY, dialect


def test_a_name_selects_its_column_in_duckdb():
    con = duckdb.connect()
    con.execute("CREATE TABLE t (" + ", ".join(f"{identifier(n)} INTEGER" for n in NAMES) + ")")
    con.execute("INSERT INTO t VALUES (1, 2, 3, 4, 5)")
    columns = [d[0] for d in con.execute("SELECT * FROM t").description]
    assert columns == NAMES
    assert con.execute(f"SELECT {identifier(NAMES[1])} FROM t").fetchall() == [(2,)]


def test_numbers_dates_and_null_are_typed_literals():
    from datetime import date

    assert duckdb.sql(f"SELECT {literal(3)}, {literal(2.5)}, {literal(True)}, "
                      f"{literal(date(2026, 1, 31))}, {literal(None)}").fetchall() == [
        (3, 2.5, True, date(2026, 1, 31), None)]


def test_text_sql_cannot_hold_is_refused():
    with pytest.raises(ValueError, match="NUL"):
        literal("a\x00b")
    with pytest.raises(ValueError, match="not a number"):
        literal(float("nan"))
    with pytest.raises(ValueError, match="plain name"):
        identifier("a b", PORTABLE)
    with pytest.raises(ValueError, match="dialect"):
        literal("x", "oracle")


def test_a_path_with_a_quote_and_non_ascii_reads_its_file(tmp_path):
    folder = tmp_path / "Désa O'Neil; --x"
    folder.mkdir()
    path = folder / "t.parquet"
    con = duckdb.connect()
    con.execute(f"COPY (SELECT 42 AS n) TO {literal(path)} (FORMAT parquet)")
    assert con.execute(f"SELECT n FROM read_parquet({literal(path)})").fetchall() == [(42,)]


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="runs the SQL on PostgreSQL")
def test_a_value_and_a_name_are_the_same_back_in_postgresql():
    with connection.cursor() as cursor:
        for dialect in (POSTGRESQL, PORTABLE):
            cursor.execute("SELECT " + ", ".join(f"{literal(v, dialect)}::text" for v in NASTY))
            assert list(cursor.fetchone()) == NASTY, dialect
        columns = ", ".join(f"{identifier(n, POSTGRESQL)} INTEGER" for n in NAMES)
        cursor.execute(f"CREATE TEMP TABLE weird ({columns})")
        cursor.execute("SELECT * FROM weird")
        assert [d.name for d in cursor.description] == NAMES


pyspark = pytest.importorskip("pyspark")


@pytest.fixture(scope="module")
def spark():
    import logging

    from base.spark import spark_session

    logging.getLogger("py4j").setLevel(logging.WARNING)
    session = spark_session("local[1]")
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


def test_a_value_and_a_name_are_the_same_back_in_spark_sql(spark):
    """Spark reads a backslash as an escape and substitutes ${env:...} before parsing: the
    plain quoting of DuckDB would change these values there."""
    for dialect in (SPARK, PORTABLE):
        row = spark.sql("SELECT " + ", ".join(
            f"{literal(v, dialect)} AS c{i}" for i, v in enumerate(NASTY))).collect()[0]
        assert list(row) == NASTY, dialect
    names = ", ".join(f"{i} AS {identifier(n, SPARK)}" for i, n in enumerate(NAMES))
    assert spark.sql(f"SELECT {names}").columns == NAMES
