# ruff: noqa: S608 -- SQL text is the compiled rules' own, over tables the test creates.
"""A text in a rule, a clause id or a benefit component id reaches the compiled SQL as a value:
quotes, semicolons, comment markers, backslashes, Spark's ${...} and non-ASCII decide the same
in Python, DuckDB, PostgreSQL and Spark SQL, and a benefit cap that is not a number is refused
when the rule set is saved."""

import duckdb
import pytest
from django.db import connection

from programs.compile import DefinitionError, build, decide, decision_sql

from .test_rules import HOUSEHOLD

CODES = ["Jl. O'Neil; --drop", "Désa", "a\\b", "${env:HOME}", "/* x */", "'; DROP TABLE v; --"]
RULE = ("province_code in [\"Jl. O'Neil; --drop\", 'Désa', 'a\\\\b', '${env:HOME}', "
        "'/* x */', \"'; DROP TABLE v; --\"] or head_sex == \"P'\"")
ODD_ID = "o'neil; --x /* y */ ${env:HOME} \\"
DEFINITION = {
    "clauses": [{"id": ODD_ID, "kind": "require", "expr": RULE}],
    "benefit": {"stages": 1, "components": [{"id": "anak'; --", "count": "n_members",
                                             "amount": 100}]},
}
# Each code once, then a code that is close but not the same, then the sex "P'".
ROWS = [{"household_id": i, "province_code": code, "head_sex": "L", "n_members": 2}
        for i, code in enumerate([*CODES, "Jl. O''Neil; --drop", "a\\\\b", "/root"], 1)]
ROWS.append({"household_id": 99, "province_code": "31", "head_sex": "P'", "n_members": 1})
COLUMNS = {"household_id": "INTEGER", "province_code": "VARCHAR", "head_sex": "VARCHAR",
           "n_members": "INTEGER"}
QUERY = ("SELECT household_id, decision, reason, components FROM ({sql}) d "
         "ORDER BY household_id")


def spec():
    return build(DEFINITION, HOUSEHOLD)


def full(row: dict) -> dict:
    return {**row, "village_code": "32.01.01.2001", "welfare_score": 1.0}


def expected() -> list[tuple]:
    """What Python decides, row by row; the SQL of every engine must give the same."""
    out = []
    for row in ROWS:
        d = decide(spec(), full(row))
        out.append((row["household_id"], d.decision, d.reason, d.components))
    return out


def test_texts_in_a_rule_decide_in_python_as_written():
    decisions = {row[0]: row[1:3] for row in expected()}
    assert [decisions[i][0] for i in range(1, len(CODES) + 1)] == ["eligible"] * len(CODES)
    assert decisions[7] == decisions[8] == decisions[9] == ("not_eligible", ODD_ID)
    assert decisions[99][0] == "eligible"


def test_duckdb_decides_as_python_with_texts_and_ids_that_look_like_sql():
    con = duckdb.connect()
    con.execute("CREATE TABLE v (" + ", ".join(f"{n} {t}" for n, t in COLUMNS.items()) + ")")
    con.executemany("INSERT INTO v VALUES (?, ?, ?, ?)", [list(r.values()) for r in ROWS])
    con.execute("CREATE VIEW hv AS SELECT *, '32.01.01.2001' AS village_code, "
                "1.0 AS welfare_score FROM v")
    got = con.execute(QUERY.format(sql=decision_sql(spec(), "hv", "household_id"))).fetchall()
    assert got == expected()
    assert got[0][3] == "anak'; --:2,"
    assert con.execute("SELECT count(*) FROM v").fetchone() == (len(ROWS),)


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="runs the SQL on PostgreSQL")
def test_postgresql_decides_as_python_with_texts_and_ids_that_look_like_sql():
    with connection.cursor() as cursor:
        cursor.execute("CREATE TEMP TABLE v (household_id INTEGER, province_code TEXT, "
                       "head_sex TEXT, n_members INTEGER)")
        cursor.executemany("INSERT INTO v VALUES (%s, %s, %s, %s)",
                           [list(r.values()) for r in ROWS])
        cursor.execute("CREATE TEMP VIEW hv AS SELECT *, '32.01.01.2001' AS village_code, "
                       "1.0 AS welfare_score FROM v")
        cursor.execute(QUERY.format(sql=decision_sql(spec(), "hv", "household_id")))
        assert cursor.fetchall() == expected()


def test_a_benefit_cap_or_stages_that_is_not_a_whole_number_is_refused():
    broken = {**DEFINITION, "benefit": {**DEFINITION["benefit"], "cap": "4) OR (1=1",
                                        "stages": "4; --"}}
    with pytest.raises(DefinitionError) as caught:
        build(broken, HOUSEHOLD)
    assert caught.value.messages("en") == [
        "benefit cap: Must be a whole number, not negative.",
        "benefit stages: Must be a whole number, not negative."]
    assert caught.value.messages("id")[0] == "benefit cap: Harus bilangan bulat, tidak negatif."


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


def test_spark_sql_decides_as_python_with_texts_and_ids_that_look_like_sql(spark):
    """On Spark a backslash escapes and ${env:...} is replaced before parsing: doubled quotes
    alone would let these texts change."""
    schema = "household_id INT, province_code STRING, head_sex STRING, n_members INT"
    spark.createDataFrame([tuple(r.values()) for r in ROWS], schema) \
        .createOrReplaceTempView("v")
    spark.sql("SELECT *, '32.01.01.2001' AS village_code, 1.0D AS welfare_score FROM v") \
        .createOrReplaceTempView("hv")
    got = spark.sql(QUERY.format(sql=decision_sql(spec(), "hv", "household_id"))).collect()
    assert [tuple(r) for r in got] == expected()
