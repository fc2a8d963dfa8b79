"""Scoring a snapshot in DuckDB: SQL scores, desil, the truth metrics (no database)."""

import duckdb
import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest

from ranking import pmt
from ranking.fit import fit_model
from ranking.scoring import SCORES, score_households
from ranking.services import shipped_model
from ranking.sql import household_variables_sql
from ranking.survey import read_survey

from .conftest import AS_OF


def scores(out_dir) -> pd.DataFrame:
    return pq.read_table(out_dir / SCORES).to_pandas().set_index("household_id").sort_index()


def test_sql_scores_equal_the_numpy_prediction_for_the_same_households(registry_con, tmp_path,
                                                                       survey_file):
    """The bulk path (SQL CASE expressions) and the single path (pmt.predict) agree, with the
    shipped national model and with a model that has regional variants."""
    variables = registry_con.execute(household_variables_sql(AS_OF)).df()
    variables = variables.set_index("household_id", drop=False).sort_index()
    regional = fit_model(read_survey(survey_file), "regional", region_variants=True,
                         min_households=100)
    assert len(regional["variants"]) > 3
    for model in (shipped_model(), regional):
        score_households(registry_con, tmp_path, model, as_of=AS_OF)
        sql = scores(tmp_path)
        assert list(sql.index) == list(variables.index)
        numpy = pmt.predict(model, variables)
        assert np.abs(sql["score"].to_numpy() - numpy).max() < 1e-9
        assert (sql["variant"].to_numpy() == pmt.variant_keys(model, variables)).all()


def test_desil_are_tenths_of_the_households_nationally_and_in_each_province(registry_con,
                                                                             tmp_path):
    result = score_households(registry_con, tmp_path, shipped_model(), as_of=AS_OF)
    s = scores(tmp_path)
    n = len(s)
    assert result["households"] == n > 1000
    counts = s["desil_national"].value_counts()
    assert sorted(counts.index) == list(range(1, 11))
    assert counts.max() - counts.min() <= 1  # NTILE: sizes differ by at most one
    # Desil 1 holds the lowest scores (the poorest).
    by_desil = s.groupby("desil_national")["score"]
    assert (by_desil.max().to_numpy()[:-1] <= by_desil.min().to_numpy()[1:]).all()
    for _, group in s.groupby("province"):
        c = group["desil_province"].value_counts()
        assert c.max() - c.min() <= 1


def test_tied_scores_get_the_same_desil_in_every_run(registry_con, tmp_path):
    """With every household on the same score, household_id decides: the lowest ids are in
    desil 1, and a second run gives the same desil."""
    model = shipped_model()
    model = model | {"variants": [{"key": "national", "intercept": 13.0, "weights": {}}]}
    score_households(registry_con, tmp_path / "a", model, as_of=AS_OF)
    score_households(registry_con, tmp_path / "b", model, as_of=AS_OF)
    first, second = scores(tmp_path / "a"), scores(tmp_path / "b")
    assert (first["score"] == 13.0).all()
    assert first["desil_national"].is_monotonic_increasing
    pd.testing.assert_frame_equal(first, second)


def test_inactive_households_and_members_are_not_counted(registry_con, synth_registry):
    registry_con.execute(
        "CREATE OR REPLACE VIEW households AS SELECT *, CASE WHEN household_id <= 10 THEN "  # noqa: S608
        "'inactive' ELSE 'active' END AS status FROM "
        f"read_parquet('{synth_registry / 'households.parquet'}')")
    registry_con.execute(
        "CREATE OR REPLACE VIEW members AS SELECT *, CASE WHEN household_id = 11 AND "  # noqa: S608
        "relation_to_household_head <> 1 THEN 'inactive' ELSE 'active' END AS status FROM "
        f"read_parquet('{synth_registry / 'members.parquet'}')")
    variables = registry_con.execute(household_variables_sql(AS_OF)).df()
    assert not (variables["household_id"] <= 10).any()
    assert variables.loc[variables["household_id"] == 11, "household_size"].item() == 1


def test_scoring_a_synthetic_registry_reports_the_targeting_metrics(registry_con, tmp_path):
    result = score_households(registry_con, tmp_path, shipped_model(), as_of=AS_OF)
    m = result["metrics"]
    print(f"registry of {result['households']} households: inclusion error "
          f"{m['inclusion_error']}, exclusion error {m['exclusion_error']}, "
          f"Spearman {m['spearman']}")
    # The registry holds only the poorest ~40%, so ranking within it is harder than in a survey.
    assert m["spearman"] >= 0.6
    assert m["inclusion_error"] <= 0.35


def test_an_unknown_sql_dialect_is_refused():
    with pytest.raises(ValueError, match="unknown SQL dialect"):
        household_variables_sql(AS_OF, "oracle")


def test_a_truth_file_adds_the_metrics_to_a_snapshot_without_truth(synth_registry, tmp_path):
    con = duckdb.connect()
    for name in ("households", "members"):
        con.execute(f"CREATE VIEW {name} AS SELECT *, 'active' AS status FROM "  # noqa: S608
                    f"read_parquet('{synth_registry / name}.parquet')")
    assert "metrics" not in score_households(con, tmp_path / "a", as_of=AS_OF)
    result = score_households(con, tmp_path / "b", as_of=AS_OF,
                              truth=synth_registry / "consumption_truth.parquet")
    assert result["metrics"]["households"] == result["households"]
