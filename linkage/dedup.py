"""Deduplication of registry members (and linkage of any mapped table) with Splink.

`deduplicate(con, out_dir, ...)` is the pipeline step of the batch-engine contract: it reads
the active members of the `members` view, trains (or reuses) a Splink model, scores the pairs
the blocking rules generate, puts each pair in a band (match / review / non_match), lets
clerical decisions override the model, and clusters the match band. It writes
`dedup_model.json`, `dedup_pairs.parquet` and `clusters.parquet` into `out_dir` and never
touches the ORM. `link_tables(...)` runs the same engine over any table(s) through a
`linkage.mapping.ColumnMapping`. The bands are derived from the trained model for each run
(`linkage.bands`) unless fixed thresholds are given.
"""

# ruff: noqa: S608 -- SQL text is built from table names this code chooses; paths reach it
# through base.sql.literal, the mapping's column names through linkage.mapping.

import logging
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
from splink import DuckDBAPI, Linker
from splink.clustering import cluster_pairwise_predictions_at_threshold
from splink.internals.exceptions import EMTrainingException

from base.sql import literal

from . import bands, sources
from .bands import Targets
from .dedup_parts import (
    CLUSTERS_FILE,
    KEEP_ABOVE,
    MODEL_FILE,
    PAIRS_FILE,
    REGISTRY_MAPPING,
    Decided,
    _check_thresholds,
    _scalar,
    _with_parameters,
    band_fields,
    banding_sql,
    clusters_sql,
    count_comparisons,
    decided_rows,
    edges_sql,
    held_sql,
    keep_above,
    output_counts,
    pairs_sql,
    registry_source_sql,
    train,
)
from .mapping import ColumnMapping, build_settings, standardise_sql

# Kept importable from here, as before the shared part moved to linkage.dedup_parts.
__all__ = ["CLUSTERS_FILE", "KEEP_ABOVE", "MODEL_FILE", "PAIRS_FILE", "banding_sql", "deduplicate",
           "link_tables", "run_linkage", "write_outputs"]


def deduplicate(
    con: duckdb.DuckDBPyConnection, out_dir: Path, settings: dict | str | Path | None = None,
    thresholds: tuple[float, float] | None = None, decided: Decided | None = None,
    engine: str = "duckdb", targets: Targets | None = None, **engine_options: Any,
) -> dict:
    """Deduplicate the active registry members of `con`'s `members` view.

    `settings`: a trained model (dict or JSON path, e.g. an earlier run's dedup_model.json)
    to predict with instead of training. The bands are derived from the model to meet
    `targets` (default: the match band's expected precision 0.999, the match and review
    bands' expected recall 0.999), or fixed by `thresholds` = (lo, hi) on match probability:
    >= hi is a match, [lo, hi) goes to clerical review. `decided`: (member_id_l, member_id_r,
    same) from clerical review; they override the model. `engine="spark"` runs on Spark
    (see linkage.spark; `engine_options` go there). Returns counts, the comparisons made and
    `metrics["bands"]` (see `linkage.bands.report`)."""
    if engine == "spark":
        from .spark import deduplicate_spark

        return deduplicate_spark(con, out_dir, settings, thresholds, decided, targets=targets,
                                 **engine_options)
    con.execute(f"create or replace temp table dedup_source as {registry_source_sql()}")
    return run_linkage(con, "dedup_source", REGISTRY_MAPPING, Path(out_dir), settings,
                       thresholds, decided, hold_distinct_ids=True, targets=targets)


def link_tables(
    con: duckdb.DuckDBPyConnection, out_dir: Path, left: Any, mapping: ColumnMapping,
    right: Any = None, right_mapping: ColumnMapping | None = None,
    thresholds: tuple[float, float] | None = None, settings: dict | None = None,
    targets: Targets | None = None, encoding: str = "utf-8", right_encoding: str | None = None,
    min_dates: float = sources.MIN_DATES,
) -> dict:
    """Dedupe one table (`right` None) or link two (e.g. an exclusion list against the
    registry). Tables are pandas frames, Parquet/CSV paths (CSV in `encoding`, the right one
    in `right_encoding`, default the same) or names of relations in `con`; each gets its own
    mapping (`right_mapping` defaults to `mapping`). Each table is checked first
    (`linkage.sources.check`: a LinkInputError names the file, column and rows; birth dates
    that do not fit the format are refused below `min_dates` of the dates given, else left
    empty and reported in `notes`). Bands as in `deduplicate`. Writes the same files as
    `deduplicate`; a link's pairs carry left_id and right_id, its clusters side ('left' or
    'right') and id, in the tables' own ids."""
    out_dir = Path(out_dir)
    given = [("left", left, mapping, encoding)]
    if right is not None:
        given.append(("right", right, right_mapping or mapping, right_encoding or encoding))
    sides, mappings, notes = sources.prepare(con, given, min_dates)
    if right is None and sides[0].records < 2:
        raise sources.too_few(sides[0])
    other = (sides[1].name, mappings[1]) if right is not None else None
    try:
        result = run_linkage(con, sides[0].name, mappings[0], out_dir, settings, thresholds,
                             right=other, targets=targets)
    except (EMTrainingException, ZeroDivisionError):
        if settings:
            raise
        raise sources.untrainable(sides) from None
    if right is not None:
        sources.own_ids(con, out_dir, sides[0], sides[1], PAIRS_FILE, CLUSTERS_FILE)
    return {**result, "notes": [{"id": n.id, "en": n.en} for n in notes]}


def run_linkage(
    con: duckdb.DuckDBPyConnection, source: str, mapping: ColumnMapping, out_dir: Path,
    settings: dict | str | Path | None = None,
    thresholds: tuple[float, float] | None = None, decided: Decided | None = None,
    right: tuple[str, ColumnMapping] | None = None, hold_distinct_ids: bool = False,
    targets: Targets | None = None,
) -> dict:
    """The engine on DuckDB: standardise, train or load the model, score, band, cluster."""
    fixed = _check_thresholds(thresholds)
    out_dir.mkdir(parents=True, exist_ok=True)
    tables = _standardise(con, source, mapping, right)
    db = DuckDBAPI(connection=con)
    inputs = [db.register(t, dataset_display_name=t) for t in tables]
    link_type = "link_only" if right else "dedupe_only"
    roles = mapping.roles & right[1].roles if right else mapping.roles
    base = build_settings(roles, link_type)
    linker = Linker(inputs if right else inputs[0],
                    _with_parameters(base, settings, "duckdb") if settings else base,
                    log_level=logging.ERROR)
    if not settings:
        trained = train(linker, roles, _count_records(con, tables))
        linker = Linker(inputs if right else inputs[0], trained, log_level=logging.ERROR)
    model = linker.misc.save_model_to_json(str(out_dir / MODEL_FILE), overwrite=True)
    comparisons = count_comparisons(linker, _scalar(con, f"select count(*) from {tables[0]}"))
    predicted = linker.inference.predict(threshold_match_probability=keep_above(fixed))
    counts = write_outputs(con, predicted.physical_name, tables, out_dir, fixed, targets,
                           decided, db, _id_type(con, tables[0]), hold_distinct_ids)
    return {"comparisons": comparisons, "records": _count_records(con, tables),
            "model_trained": not settings, **counts,
            "model": {"probability_two_random_records_match":
                      model["probability_two_random_records_match"]}}








def _standardise(con: duckdb.DuckDBPyConnection, source: str, mapping: ColumnMapping,
                 right: tuple[str, ColumnMapping] | None) -> list[str]:
    sides = [("link_l" if right else "link_input", source, mapping, "l:" if right else "")]
    if right:
        sides.append(("link_r", right[0], right[1], "r:"))
    names = []
    for name, src, mp, prefix in sides:
        sql = standardise_sql(mp, src, "duckdb")
        if prefix:  # ids of two tables may collide: keep them apart in one id space
            sql = f"select * replace ('{prefix}' || cast(unique_id as varchar) as unique_id) " \
                  f"from ({sql})"
        con.execute(f"create or replace temp table {name} as {sql}")
        names.append(name)
    return names


def _count_records(con: duckdb.DuckDBPyConnection, tables: list[str]) -> int:
    return sum(_scalar(con, f"select count(*) from {t}") for t in tables)






















def _id_type(con: duckdb.DuckDBPyConnection, table: str) -> str:
    return con.execute("select data_type from information_schema.columns "
                       "where table_name = ? and column_name = 'unique_id'",
                       [table]).fetchall()[0][0]


def _decided_table(con: duckdb.DuckDBPyConnection, decided: Decided | None, id_type: str
                   ) -> None:
    frame = pd.DataFrame(decided_rows(decided), columns=["id_l", "id_r", "same"])
    con.register("dedup_decided_df", frame)
    con.execute(f"create or replace temp table dedup_decided as select "
                f"cast(id_l as {id_type}) as id_l, cast(id_r as {id_type}) as id_r, "
                f"cast(same as boolean) as same from dedup_decided_df")
    con.unregister("dedup_decided_df")


def write_outputs(
    con: duckdb.DuckDBPyConnection, predictions: str, tables: list[str], out_dir: Path,
    thresholds: tuple[float, float] | None, targets: Targets | None, decided: Decided | None,
    db: Any = None, id_type: str = "BIGINT", hold_distinct_ids: bool = False,
) -> dict:
    """Choose the bands (`linkage.bands.choose`), band the scored pairs, apply clerical
    decisions, cluster the match band and write the Parquet outputs."""
    _decided_table(con, decided, id_type)
    scored = pairs_sql(con.sql(f"select * from {predictions} limit 0").columns, predictions,
                       id_type)
    columns = con.sql(f"select * from ({scored}) limit 0").columns
    report = bands.choose(lambda sql: con.execute(sql).fetchall(), f"({scored}) as scored",
                          held_sql(columns, hold_distinct_ids), thresholds, targets)
    lo, hi = bands.weights_of(report)
    con.execute(f"create or replace temp table dedup_pairs as "
                f"{banding_sql(scored, columns, 'dedup_decided', lo, hi, hold_distinct_ids)}")
    con.execute(f"copy (select * from dedup_pairs order by member_id_l, member_id_r) "
                f"to {literal(out_dir / PAIRS_FILE)} (format parquet)")
    clusters = cluster_match_band(con, tables, db or DuckDBAPI(connection=con))
    con.execute(f"copy (select * from {clusters} order by cluster_id, member_id) "
                f"to {literal(out_dir / CLUSTERS_FILE)} (format parquet)")
    return {**output_counts(out_dir), **band_fields(report)}




def cluster_match_band(con: duckdb.DuckDBPyConnection, tables: list[str], db: Any) -> str:
    """Connected components of the match band into table dedup_clusters."""
    nodes = " union all ".join(f"select unique_id from {t}" for t in tables)
    con.execute(f"create or replace temp table dedup_nodes as {nodes}")
    edges = edges_sql("dedup_pairs", "dedup_nodes")
    con.execute(f"create or replace temp table dedup_edges as {edges}")
    result = cluster_pairwise_predictions_at_threshold(
        "dedup_nodes", "dedup_edges", db_api=db, node_id_column_name="unique_id")
    con.execute(f"create or replace temp table dedup_clusters as "
                f"{clusters_sql(result.physical_name)}")
    return "dedup_clusters"


