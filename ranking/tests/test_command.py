"""`kesos pmt survey|fit|score` as an operator runs them."""

from io import StringIO

import pandas as pd
import pytest
from django.core.management import CommandError, call_command

from ranking.models import PmtModel


def run(*args) -> str:
    out = StringIO()
    call_command("pmt", *args, stdout=out)
    return out.getvalue()


def test_fit_prints_the_coefficients_and_targeting_metrics_and_stores_a_version(db,
                                                                                  survey_file):
    text = run("fit", "--survey", str(survey_file), "--name", "diy-bali")
    assert "R² train" in text and "inclusion error" in text and "Spearman" in text
    assert "floor_area_per_capita:40+" in text or "roof_material" in text
    run("fit", "--survey", str(survey_file), "--name", "diy-bali", "--region-variants")
    versions = PmtModel.objects.filter(name="diy-bali").values_list("version", flat=True)
    assert sorted(versions) == [1, 2]


def test_fit_names_the_bad_row_of_a_survey_file(db, survey_file, tmp_path):
    frame = pd.read_parquet(survey_file).head(50)
    frame.loc[6, "province"] = "DIY"
    path = tmp_path / "survey.csv"
    frame.to_csv(path, index=False)
    with pytest.raises(CommandError, match="row 7, column province"):
        run("fit", "--survey", str(path))
    assert not PmtModel.objects.exists()


def test_score_a_synth_registry_prints_the_metrics_against_the_truth(db, synth_registry,
                                                                      tmp_path):
    text = run("score", "--synth", str(synth_registry), "--out", str(tmp_path),
               "--as-of", "2025-07-01")
    assert "households in" in text and "exclusion error" in text
    assert (tmp_path / "scores.parquet").exists()
    with pytest.raises(CommandError, match="--as-of"):
        run("score", "--synth", str(synth_registry), "--as-of", "1 Juli")
