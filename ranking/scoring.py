"""Scoring every household of a snapshot with a PMT model (a batch step of the pipeline).

    score_households(con, out_dir, model) -> dict

reads the views `households` and `members` of a DuckDB connection (linkage.snapshots.connect),
writes `scores.parquet` (household_id, province, score, desil_national, desil_province,
variant) into `out_dir`, and returns counts, timings and, when the connection also has a
`consumption_truth` view (synthetic runs), the targeting metrics against the truth. It never
touches the ORM; `ranking.services.load_scores` writes the result to the database."""

import time
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb

from base.sql import literal

from . import pmt
from .sql import score_sql

SCORES = "scores.parquet"


def _has_view(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    return bool(con.execute(
        "SELECT COUNT(*) FROM information_schema.tables WHERE table_name = ?", [name]
    ).fetchone()[0])


def truth_metrics(con: duckdb.DuckDBPyConnection, scores: Path, cutoff: float = 0.4) -> dict:
    """Inclusion/exclusion error at `cutoff` and Spearman of the scores against true
    per-capita consumption, over the scored households that have a truth."""
    rows = con.execute(
        "SELECT s.household_id, s.score, t.consumption_per_capita "  # noqa: S608
        f"FROM read_parquet({literal(scores)}) s "
        "JOIN consumption_truth t ON t.household_id = s.household_id").fetchnumpy()
    metrics = pmt.targeting(rows["score"], rows["consumption_per_capita"].astype(float),
                            rows["household_id"], cutoff)
    return metrics.as_dict() | {"cutoff": cutoff}


def score_households(con: duckdb.DuckDBPyConnection, out_dir: Path, model=None,
                     as_of: date | None = None, cutoff: float = 0.4,
                     truth: Path | None = None) -> dict:
    """Score the active households of the snapshot behind `con` with `model` (a model document
    or a stored PmtModel; None = the shipped national model). Ages are taken on `as_of`
    (default: today, UTC; pass the snapshot's date to score it as it was taken). `truth`, a
    synth consumption_truth.parquet, adds the targeting metrics when the connection has no
    `consumption_truth` view."""
    if model is None:
        model = pmt.shipped_model()
    model = getattr(model, "document", model)  # a stored PmtModel gives its document
    started = time.perf_counter()
    as_of = as_of or datetime.now(UTC).date()
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    out = out_dir / SCORES
    con.execute(f"COPY ({score_sql(model, as_of)}) TO {literal(out)} (FORMAT parquet)")
    counts = con.execute(
        f"SELECT COUNT(*), COUNT(DISTINCT province), MIN(score), MAX(score) "  # noqa: S608
        f"FROM read_parquet({literal(out)})").fetchone()
    variants = dict(con.execute(
        f"SELECT variant, COUNT(*) FROM read_parquet({literal(out)}) GROUP BY variant ORDER BY 1"  # noqa: S608
    ).fetchall())
    result = {
        "households": counts[0], "provinces": counts[1],
        "score_min": counts[2], "score_max": counts[3], "variants_used": variants,
        "model": {"name": model.get("name"), "version": model.get("version")},
        "as_of": as_of.isoformat(), "file": str(out),
    }
    if truth is not None and not _has_view(con, "consumption_truth"):
        con.execute("CREATE VIEW consumption_truth AS SELECT * FROM "  # noqa: S608
                    f"read_parquet({literal(Path(truth))})")
    if counts[0] and _has_view(con, "consumption_truth"):
        result["metrics"] = truth_metrics(con, out, cutoff)
    result["seconds"] = round(time.perf_counter() - started, 3)
    return result
