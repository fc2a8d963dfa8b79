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
# through kesos.sql.literal, the mapping's column names through linkage.mapping.

import json
import logging
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
from splink import DuckDBAPI, Linker, block_on
from splink.clustering import cluster_pairwise_predictions_at_threshold
from splink.internals.exceptions import EMTrainingException

from kesos.sql import literal

from . import bands, sources
from .bands import Targets
from .mapping import ColumnMapping, build_settings, standardise_sql, training_blocks

MODEL_FILE = "dedup_model.json"
PAIRS_FILE = "dedup_pairs.parquet"
CLUSTERS_FILE = "clusters.parquet"
KEEP_ABOVE = 0.01  # match probability: pairs scored lower are not written at all
SEED = 4242
# EM on a population whose duplicates agree exactly learns m = 0 for the fuzzy levels, and a
# single typo would then veto a match (weight -inf); every level keeps at least this m.
MIN_M = 1e-3
U_PAIRS = (1e5, 2e6)  # random pairs for u: 40 per record within these bounds

REGISTRY_MAPPING = ColumnMapping.of(
    unique_id="member_id", full_name="name_key", birth_date="birth_date", sex="sex",
    id_number="nik", village="village_code", district="district_code",
    regency="regency_code", birth_place="birth_place",
)

Decided = Iterable[tuple[int, int, bool]]


def registry_source_sql(members: str = "members") -> str:
    """Active members with the kecamatan and kabupaten codes cut from the village code
    (plain SQL that DuckDB and Spark both read)."""
    return (f"select *, substr(village_code, 1, 8) as district_code, "
            f"substr(village_code, 1, 5) as regency_code from {members} "
            f"where status = 'active'")


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


def _check_thresholds(thresholds: tuple[float, float] | None) -> tuple[float, float] | None:
    if thresholds is None:
        return None
    lo, hi = (float(t) for t in thresholds)
    if not 0 < lo <= hi <= 1:
        raise ValueError(f"thresholds must satisfy 0 < lo <= hi <= 1, got {thresholds}")
    return lo, hi


def keep_above(thresholds: tuple[float, float] | None) -> float:
    """The match probability below which predictions are dropped."""
    return min(KEEP_ABOVE, thresholds[0]) if thresholds else KEEP_ABOVE


def band_fields(report: dict) -> dict:
    """What a run records of its bands: the two cut-offs on match probability among the
    counts, the whole report (targets, expected precision and recall) as metrics."""
    return {"thresholds": [report["review"]["from_probability"],
                           report["match"]["from_probability"]],
            "metrics": {"bands": report}}


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


def _scalar(con: duckdb.DuckDBPyConnection, sql: str) -> Any:
    return con.execute(sql).fetchall()[0][0]


def train(linker: Linker, roles: set[str], records: int, seed: int = SEED) -> dict:
    """Prior from near-certain pairs, u by random sampling, m by expectation-maximisation over
    blocking rules that between them leave no comparison untrained. Returns the trained
    model with the floors of `floor_parameters`."""
    sure = block_on("full_name", "birth_date") if "birth_date" in roles else \
        block_on("full_name", "id_number") if "id_number" in roles else block_on("full_name")
    linker.training.estimate_probability_two_random_records_match([sure], recall=0.8)
    u_pairs = min(max(40.0 * records, U_PAIRS[0]), U_PAIRS[1])
    linker.training.estimate_u_using_random_sampling(max_pairs=u_pairs, seed=seed)
    for rule in training_blocks(roles):
        linker.training.estimate_parameters_using_expectation_maximisation(
            rule, estimate_without_term_frequencies=True, max_pairs=5e6)
    return floor_parameters(linker.misc.save_model_to_json(), MIN_M, 1 / u_pairs)


def floor_parameters(model: dict, min_m: float, min_u: float) -> dict:
    """The model with every non-null level's m at least `min_m` (levels EM never saw get it
    too, rather than Splink's generic default), and a u the random sample never met (an exact
    NIK match, say) set to `min_u`: rarer than one in the pairs sampled."""
    for comparison in model["comparisons"]:
        for level in comparison["comparison_levels"]:
            if not level.get("is_null_level"):
                level["m_probability"] = max(float(level.get("m_probability") or 0), min_m)
                level["u_probability"] = float(level.get("u_probability") or min_u)
    return model


def count_comparisons(linker: Linker, records: int) -> dict:
    """Comparisons each blocking rule adds (Splink's blocking analysis); exact up to a
    million records, estimated from a 10% sample above."""
    sample = 1.0 if records <= 1_000_000 else 0.1
    rows = linker.blocking_analysis.count_comparisons_from_blocking_rules(
        record_sample_proportion=sample)
    return {
        "total": int(rows[-1]["cumulative_comparison_count"]) if rows else 0,
        "possible": int(rows[-1]["total_possible_comparison_count"]) if rows else 0,
        "by_rule": {r["blocking_rule"]: int(r["marginal_comparison_count"]) for r in rows},
        "estimated": sample < 1.0,
    }


def pairs_sql(columns: list[str], predictions: str, id_type: str) -> str:
    """Scored pairs, lower id on the left, with each comparison's level (gamma_*) and the
    village of each side (for scoping the review queue) when the mapping has one. Plain SQL
    for DuckDB and Spark alike; `columns` are those of Splink's predictions table."""
    gammas = "".join(f", {c}" for c in columns if c.startswith("gamma_"))
    swap = "unique_id_l > unique_id_r"
    sides = ""
    if "village_l" in columns:
        sides = (f", case when {swap} then village_r else village_l end as region_l"
                 f", case when {swap} then village_l else village_r end as region_r")
    return (f"select cast(least(unique_id_l, unique_id_r) as {id_type}) as member_id_l, "
            f"cast(greatest(unique_id_l, unique_id_r) as {id_type}) as member_id_r, "
            f"match_probability, match_weight{sides}{gammas} from {predictions}")


def held_sql(columns: list[str], hold_distinct_ids: bool) -> str:
    """SQL condition on a scored pair that keeps it out of the match band.

    With `hold_distinct_ids` (the registry, whose ID is the NIK: one per person, issued by
    Dukcapil), two records carrying two different NIKs are never merged by the model alone,
    however alike the rest: namesakes born the same day in the same kecamatan are common at
    national scale, and a false merge deactivates a real person. A clerk decides. Outside
    lists keep it off: their ID numbers carry typos (FEBRL's soc_sec_id does)."""
    return ("(coalesce(gamma_id_number, -1) = 0)"
            if hold_distinct_ids and "gamma_id_number" in columns else "false")


def banding_sql(scored: str, columns: list[str], decided: str, lo: float, hi: float,
                hold_distinct_ids: bool = False) -> str:
    """Pairs with their band: match from match weight `hi`, review from weight `lo`
    (`linkage.bands.model_band_sql`, pairs of `held_sql` held back). A clerical decision wins
    over the model (and a decided pair missing from this run's predictions is added), so a
    decided pair is never 'review'."""
    carried = "".join(f", s.{c}" for c in columns if c not in ("member_id_l", "member_id_r"))
    model_band = bands.model_band_sql(lo, hi, held_sql(columns, hold_distinct_ids))
    return f"""
        with scored as ({scored}), joined as (
            select coalesce(s.member_id_l, d.id_l) as member_id_l,
                   coalesce(s.member_id_r, d.id_r) as member_id_r{carried},
                   case when d.same then 'same' when not d.same then 'different' end
                       as decision
            from scored s full outer join {decided} d
              on s.member_id_l = d.id_l and s.member_id_r = d.id_r
        )
        select *, case when decision = 'same' then 'match'
                       when decision = 'different' then 'non_match'
                       else {model_band} end as band
        from joined"""


def edges_sql(pairs: str, nodes: str) -> str:
    """The match band as graph edges, between members of this run only (a decision may name
    a member who has since been deactivated)."""
    return (f"select member_id_l as unique_id_l, member_id_r as unique_id_r from {pairs} "
            f"where band = 'match' and member_id_l in (select unique_id from {nodes}) "
            f"and member_id_r in (select unique_id from {nodes})")


def clusters_sql(components: str) -> str:
    """Multi-member clusters from Splink's connected components, named by their smallest
    member id so that both engines (and reruns) give the same cluster ids."""
    return f"""
        with c as (select unique_id as member_id, cluster_id from {components}),
        named as (select member_id, min(member_id) over (partition by cluster_id) as cid,
                         count(*) over (partition by cluster_id) as size from c)
        select member_id, cid as cluster_id, size as cluster_size from named where size > 1"""


def decided_rows(decided: Decided | None) -> list[tuple]:
    """Decided pairs, lower id first, one row per pair."""
    return sorted({(min(a, b), max(a, b), bool(same)) for a, b, same in (decided or ())})


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


def output_counts(out_dir: Path) -> dict:
    """Counts of the written pairs and clusters (read back from the Parquet files)."""
    con = duckdb.connect()
    try:
        pairs = f"read_parquet({literal(out_dir / PAIRS_FILE)})"
        bands = dict(con.execute(f"select band, count(*) from {pairs} group by band").fetchall())
        decided = _scalar(con, f"select count(*) from {pairs} where decision is not null")
        clusters, members = con.execute(
            f"select count(distinct cluster_id), count(*) "
            f"from read_parquet({literal(out_dir / CLUSTERS_FILE)})").fetchall()[0]
    finally:
        con.close()
    return {"pairs": sum(bands.values()), "match": bands.get("match", 0),
            "review": bands.get("review", 0), "non_match": bands.get("non_match", 0),
            "decided": decided, "clusters": clusters, "clustered_members": members}


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


def _with_parameters(base: Any, trained: dict | str | Path, dialect: str) -> dict:
    """The settings `base` renders for `dialect`, carrying the trained m/u probabilities,
    term-frequency flags and prior of `trained` (matched level by level). This is how one
    model JSON serves both engines: the SQL of each level is re-rendered for the backend."""
    model = trained if isinstance(trained, dict) else json.loads(Path(trained).read_text())
    target = base.get_settings(dialect).as_dict()
    if len(target["comparisons"]) != len(model["comparisons"]):
        raise ValueError("the model's comparisons do not fit this column mapping")
    for new, old in zip(target["comparisons"], model["comparisons"], strict=True):
        if new["output_column_name"] != old["output_column_name"]:
            raise ValueError(f"model comparison {old['output_column_name']} does not fit "
                             f"{new['output_column_name']}")
        for level, source in zip(new["comparison_levels"], old["comparison_levels"],
                                 strict=True):
            for key in ("m_probability", "u_probability"):
                if key in source:
                    level[key] = source[key]
    target["probability_two_random_records_match"] = \
        model["probability_two_random_records_match"]
    target.pop("sql_dialect", None)
    return target
