"""Models stored as versions, scores written back in bulk, and the SQL run on PostgreSQL."""

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from django.db import connection

from audit.models import Event
from conftest import VILLAGE_A, VILLAGE_OTHER_DISTRICT
from ranking import selectors, services
from ranking.models import HouseholdScore, PmtModel
from ranking.scoring import SCORES
from ranking.sql import score_sql

from .conftest import AS_OF


def write_scores(out_dir, rows: list[tuple[int, float, int, int]]) -> None:
    ids, score, national, province = zip(*rows, strict=True)
    pq.write_table(pa.table({
        "household_id": pa.array(ids, pa.int64()), "province": ["32"] * len(rows),
        "score": pa.array(score, pa.float64()), "desil_national": pa.array(national, pa.int64()),
        "desil_province": pa.array(province, pa.int64()), "variant": ["national"] * len(rows),
    }), out_dir / SCORES)


@pytest.fixture
def households(make_household):
    return [
        make_household(VILLAGE_A, nik=f"320101120885000{i}", kk=f"320101010120000{i}")
        for i in (1, 2)
    ] + [make_household(VILLAGE_OTHER_DISTRICT, nik="3201021208850009",
                        kk="3201020101200009")]


def test_models_are_stored_as_numbered_versions(db):
    first = services.save_model(services.shipped_model())
    second = services.save_model(services.shipped_model())
    assert (first.version, second.version) == (1, 2)
    assert second.document["variants"] == services.shipped_model()["variants"]
    assert services.current_model() == second


def test_scores_replace_the_previous_run_and_the_load_is_audited(households, tmp_path):
    a, b, c = (h.pk for h in households)
    model = services.current_model()
    write_scores(tmp_path, [(a, 12.1, 1, 1), (b, 13.0, 6, 7), (c, 14.2, 10, 10)])
    assert services.load_scores("run-1", tmp_path, model) == 3
    write_scores(tmp_path, [(a, 12.5, 2, 3), (b, 13.1, 7, 7)])
    assert services.load_scores("run-2", tmp_path, model) == 2

    assert HouseholdScore.objects.count() == 2
    score = selectors.for_household(a)
    assert (score.desil_national, score.desil_province, score.run_ref) == (2, 3, "run-2")
    assert selectors.for_household(c) is None
    events = Event.objects.filter(action=services.LOAD_ACTION).order_by("id")
    assert [e.source_ref for e in events] == ["run-1", "run-2"]


def test_scores_of_households_unknown_to_the_database_are_refused_whole(households, tmp_path):
    a = households[0].pk
    model = services.current_model()
    write_scores(tmp_path, [(a, 12.0, 1, 1)])
    services.load_scores("run-1", tmp_path, model)
    write_scores(tmp_path, [(a, 12.0, 5, 5), (999_999, 13.0, 6, 6)])
    with pytest.raises(services.LoadError, match="household 999999"):
        services.load_scores("run-2", tmp_path, model)
    assert selectors.for_household(a).desil_national == 1  # the earlier run stays


def test_desil_counts_within_a_region(households, tmp_path):
    a, b, c = (h.pk for h in households)
    write_scores(tmp_path, [(a, 12.1, 1, 1), (b, 12.2, 1, 1), (c, 14.2, 10, 10)])
    services.load_scores("run-1", tmp_path, services.current_model())
    assert selectors.desil_counts("")[1] == 2
    assert selectors.desil_counts("32.01.01") == {d: (2 if d == 1 else 0) for d in range(1, 11)}
    assert selectors.desil_counts("32.01.02")[10] == 1


def test_a_model_document_given_to_the_load_is_stored_once(households, tmp_path):
    write_scores(tmp_path, [(households[0].pk, 12.0, 1, 1)])
    document = services.shipped_model()
    services.load_scores("run-1", tmp_path, document)
    services.load_scores("run-2", tmp_path, document)
    assert PmtModel.objects.count() == 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="runs the SQL on PostgreSQL")
def test_the_scoring_sql_gives_the_same_scores_on_postgresql(db, synth_registry):
    """The generated SQL is portable: PostgreSQL scores 300 households as DuckDB does."""
    con = duckdb.connect()
    limit = "household_id <= 300"
    con.execute(f"CREATE VIEW households AS SELECT *, 'active' AS status FROM "  # noqa: S608
                f"read_parquet('{synth_registry / 'households.parquet'}') WHERE {limit}")
    con.execute(f"CREATE VIEW members AS SELECT *, 'active' AS status FROM "  # noqa: S608
                f"read_parquet('{synth_registry / 'members.parquet'}') WHERE {limit}")
    model = services.shipped_model()
    expected = con.execute(f"SELECT household_id, score, desil_national FROM "  # noqa: S608
                           f"({score_sql(model, AS_OF)}) s ORDER BY 1").fetchall()
    h_cols = ["household_id", "village_code", "floor_area_m2", "floor_material",
              "wall_material", "roof_material", "drinking_water", "lighting", "cooking_fuel",
              "toilet_facility", "answers", "status"]
    m_cols = ["household_id", "relation_to_household_head", "sex", "disability", "education",
              "work_sector", "employment_status", "birth_date", "status"]
    with connection.cursor() as cursor:
        cursor.execute("CREATE TEMP TABLE households (household_id bigint, village_code text, "
                       "floor_area_m2 int, floor_material int, wall_material int, "
                       "roof_material int, drinking_water int, lighting int, cooking_fuel int, "
                       "toilet_facility int, answers text, status text)")
        cursor.execute("CREATE TEMP TABLE members (household_id bigint, "
                       "relation_to_household_head int, sex text, disability int, "
                       "education int, work_sector int, employment_status int, "
                       "birth_date date, status text)")
        for table, cols in (("households", h_cols), ("members", m_cols)):
            rows = con.execute(f"SELECT {', '.join(cols)} FROM {table}").fetchall()  # noqa: S608
            marks = ", ".join(["%s"] * len(cols))
            cursor.executemany(f"INSERT INTO {table} VALUES ({marks})", rows)  # noqa: S608
        cursor.execute(f"SELECT household_id, score, desil_national FROM "  # noqa: S608
                       f"({score_sql(model, AS_OF, 'postgresql')}) s ORDER BY 1")
        got = cursor.fetchall()
    assert [r[0] for r in got] == [r[0] for r in expected]
    assert max(abs(g[1] - e[1]) for g, e in zip(got, expected, strict=True)) < 1e-9
    assert [r[2] for r in got] == [r[2] for r in expected]
