"""Small synthetic populations for the ranking tests (generated once per session)."""

from datetime import date
from pathlib import Path

import duckdb
import pytest

from ranking.survey import generate_survey, synth_views
from synth.generate import generate
from synth.people import REFERENCE_DATE

AS_OF: date = REFERENCE_DATE.astype(date)


@pytest.fixture(scope="session")
def survey_file(tmp_path_factory) -> Path:
    """A survey of 6,000 households of two provinces' worth of villages (DIY and Bali)."""
    out = tmp_path_factory.mktemp("survey") / "survey.parquet"
    generate_survey(out, households=3000, seed=5, scope="34")
    other = tmp_path_factory.mktemp("survey") / "survey51.parquet"
    generate_survey(other, households=3000, seed=6, scope="51")
    con = duckdb.connect()
    both = out.parent / "both.parquet"
    # Household ids restart at 1 in each run; keep them unique.
    con.execute(f"COPY (SELECT * FROM read_parquet('{out}') UNION ALL SELECT * REPLACE "  # noqa: S608
                f"(household_id + 1000000 AS household_id) FROM read_parquet('{other}')) "
                f"TO '{both}' (FORMAT parquet)")
    return both


@pytest.fixture(scope="session")
def synth_registry(tmp_path_factory) -> Path:
    """A registry (poorest ~40% of 5,000 households of Gunungkidul, with registry errors)."""
    out = tmp_path_factory.mktemp("registry")
    generate("34.03", 5000, 3, out)
    return out


@pytest.fixture
def registry_con(synth_registry) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    synth_views(con, synth_registry)
    return con
