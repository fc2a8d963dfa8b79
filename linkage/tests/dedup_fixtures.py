# ruff: noqa: S608 -- SQL names only paths made by the test.
"""Synthetic populations for the dedup tests (no database): a DuckDB connection with the
`members` view of the batch-engine contract over synth's Parquet files, and the truth."""

from pathlib import Path

import duckdb

from base.sql import literal
from synth.generate import generate


def make_population(path: Path, scope: str, households: int, seed: int) -> Path:
    generate(scope, households, seed, path)
    return path


def members_connection(population: Path) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute(f"create view members as select *, 'active' as status, '' as inactive_reason "
                f"from read_parquet('{population / 'members.parquet'}')")
    return con


def same_person_pairs(population: Path) -> set[tuple[int, int]]:
    """Pairs of registry members that are the same person (same person_id in member_truth)."""
    rows = duckdb.sql(f"""
        with t as (select * from read_parquet('{population / 'member_truth.parquet'}'))
        select a.member_id, b.member_id from t a join t b
          on a.person_id = b.person_id and a.member_id < b.member_id""").fetchall()
    return {(a, b) for a, b in rows}


def clustered_pairs(clusters_file: Path) -> set[tuple]:
    """Pairs of members put in the same cluster."""
    rows = duckdb.sql(f"""
        with c as (select * from read_parquet({literal(clusters_file)}))
        select a.member_id, b.member_id from c a join c b
          on a.cluster_id = b.cluster_id and a.member_id < b.member_id""").fetchall()
    return {(a, b) for a, b in rows}


def precision_recall(found: set, truth: set) -> tuple[float, float]:
    hits = len(found & truth)
    return hits / max(len(found), 1), hits / max(len(truth), 1)


def band_pairs(pairs_file: Path, band: str = "match") -> set[tuple]:
    """Pairs of one band of a run's dedup_pairs.parquet."""
    rows = duckdb.sql(f"select member_id_l, member_id_r from read_parquet('{pairs_file}') "
                      f"where band = '{band}'").fetchall()
    return {(a, b) for a, b in rows}


def plain_splink(pairs_file: Path, threshold: float = 0.9) -> tuple[set[tuple], set[tuple]]:
    """The plain Splink baseline over the same scored pairs: (pairs scored at least
    `threshold`, pairs Splink's own clustering puts together at that threshold), no bands,
    no NIK rule. 0.9 is the cut-off Splink's documentation uses."""
    from splink import DuckDBAPI
    from splink.clustering import cluster_pairwise_predictions_at_threshold

    con = duckdb.connect()
    con.execute(f"create table edges as select member_id_l as unique_id_l, "
                f"member_id_r as unique_id_r, match_probability "
                f"from read_parquet('{pairs_file}') where match_probability is not null")
    con.execute("create table nodes as select unique_id_l as unique_id from edges "
                "union select unique_id_r from edges")
    clusters = cluster_pairwise_predictions_at_threshold(
        "nodes", "edges", db_api=DuckDBAPI(connection=con), node_id_column_name="unique_id",
        threshold_match_probability=threshold).physical_name
    together = con.execute(f"""
        select a.unique_id, b.unique_id from {clusters} a join {clusters} b
          on a.cluster_id = b.cluster_id and a.unique_id < b.unique_id""").fetchall()
    scored = con.execute(f"select unique_id_l, unique_id_r from edges "
                         f"where match_probability >= {threshold}").fetchall()
    return {(a, b) for a, b in scored}, {(a, b) for a, b in together}


def f1(precision: float, recall: float) -> float:
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0
