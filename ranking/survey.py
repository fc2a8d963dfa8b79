"""Survey files for fitting a PMT model: one row per household with the model's variables
(ranking.pmt.VARIABLE_COLUMNS), `household_id`, `province` and `consumption_per_capita`
(monthly rupiah per person), as Parquet or CSV.

`survey_from_synth` builds one from a `kesos synth` output (households + members through the
same SQL that scores the registry, joined to consumption_truth), so the fitted model sees its
variables exactly as scoring computes them; `read_survey` checks a file and names the first bad
row and column."""

import tempfile
from datetime import date
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from base.sql import literal

from .pmt import VARIABLE_COLUMNS
from .sql import household_variables_sql

TARGET = "consumption_per_capita"
REQUIRED = ["household_id", "province", TARGET, *VARIABLE_COLUMNS]
# Columns that must be present and non-negative integers on every row (the rest may be empty).
COUNTS = ["household_size", "children", "elderly"]


class SurveyError(ValueError):
    """The survey file cannot be used (the message names the row and column)."""


def synth_views(con: duckdb.DuckDBPyConnection, synth_dir: Path) -> None:
    """Views `households` and `members` over a synth output, every row active (the layout of
    a snapshot), plus `consumption_truth`."""
    synth_dir = Path(synth_dir)
    for table in ("households", "members"):
        con.execute(f"CREATE OR REPLACE VIEW {table} AS SELECT *, 'active' AS status, "  # noqa: S608
                    "'' AS inactive_reason FROM "
                    f"read_parquet({literal(synth_dir / f'{table}.parquet')})")
    con.execute("CREATE OR REPLACE VIEW consumption_truth AS SELECT * FROM "  # noqa: S608
                f"read_parquet({literal(synth_dir / 'consumption_truth.parquet')})")


def survey_from_synth(synth_dir: Path, out: Path, as_of: date) -> int:
    """Write the survey of a synth run's registry households to `out` (Parquet); returns rows."""
    con = duckdb.connect()
    synth_views(con, synth_dir)
    sql = f"""SELECT v.*, t.{TARGET} FROM ({household_variables_sql(as_of)}) v
              JOIN consumption_truth t ON t.household_id = v.household_id
              ORDER BY v.household_id"""  # noqa: S608
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    con.execute(f"COPY ({sql}) TO {literal(out)} (FORMAT parquet)")
    return con.execute(f"SELECT COUNT(*) FROM read_parquet({literal(out)})").fetchone()[0]  # noqa: S608


def generate_survey(out: Path, households: int, seed: int, scope: str = "") -> int:
    """A synthetic household survey: a synth population with every household interviewed
    (registry share 1) and no registry errors, turned into a survey file."""
    from synth.errors import ErrorRates
    from synth.generate import generate
    from synth.people import REFERENCE_DATE

    no_errors = ErrorRates(**{k: 0.0 for k in ErrorRates.__dataclass_fields__})
    with tempfile.TemporaryDirectory(prefix="kesos-survey-") as tmp:
        generate(scope, households, seed, Path(tmp), registry_share=1.0, rates=no_errors)
        return survey_from_synth(Path(tmp), out, REFERENCE_DATE.astype(date))


def _read(path: Path) -> pd.DataFrame:
    if not path.exists():
        raise SurveyError(f"survey file {path} does not exist")
    if path.suffix.lower() == ".csv":
        return pd.read_csv(path, dtype={"province": str}, low_memory=False)
    if path.suffix.lower() in (".parquet", ".pq"):
        return pd.read_parquet(path)
    raise SurveyError(f"survey file {path.name}: use a .parquet or .csv file")


def _first_bad(bad: np.ndarray) -> int:
    return int(np.flatnonzero(bad)[0])


def check_survey(frame: pd.DataFrame, name: str = "survey") -> pd.DataFrame:
    """The survey with `province` as 2-digit text; SurveyError naming the first bad row (1 =
    the first data row) and column otherwise."""
    missing = [c for c in REQUIRED if c not in frame.columns]
    if missing:
        raise SurveyError(f"{name}: missing column(s) {', '.join(missing)}")
    if frame.empty:
        raise SurveyError(f"{name}: no rows")
    for column in [TARGET, *COUNTS, *[c for c in VARIABLE_COLUMNS if c not in COUNTS]]:
        values = pd.to_numeric(frame[column], errors="coerce")
        bad = values.isna() & frame[column].notna() | (values < 0)
        if column == TARGET:
            bad |= ~(values > 0)
        elif column in COUNTS:
            bad |= values.isna()
        if column == "household_size":
            bad |= values < 1
        if bad.any():
            i = _first_bad(bad.to_numpy())
            what = "a positive number" if column == TARGET else "a non-negative number"
            raise SurveyError(f"{name}: row {i + 1}, column {column}: expected {what}, "
                              f"got {frame[column].iloc[i]!r}")
    province = frame["province"].astype("string").str.zfill(2)
    bad = ~province.fillna("").str.fullmatch(r"\d{2}")
    if bad.any():
        i = _first_bad(bad.to_numpy())
        raise SurveyError(f"{name}: row {i + 1}, column province: expected a 2-digit province "
                          f"code, got {frame['province'].iloc[i]!r}")
    return frame.assign(province=province.astype(str))


def read_survey(path: Path) -> pd.DataFrame:
    path = Path(path)
    return check_survey(_read(path), path.name)
