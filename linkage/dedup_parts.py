"""What both dedup engines share (`linkage.dedup` on DuckDB, `linkage.spark` on Spark): the
output file names, the registry's column mapping, training, the plain SQL that scores, bands and
clusters the pairs, and the output counts. Neither engine module imports the other's internals:
both import this one, so the two stay free of an import circle."""

# ruff: noqa: S608 -- SQL text is built from table names this code chooses; paths reach it
# through base.sql.literal, the mapping's column names through linkage.mapping.

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import duckdb
from splink import Linker, block_on

from base.sql import literal

from . import bands
from .mapping import ColumnMapping, training_blocks

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


