# ruff: noqa: S608 -- SQL names only paths made by the test.
"""Synthetic populations for the dedup tests (no database): a DuckDB connection with the
`members` view of the batch-engine contract over synth's Parquet files, and the truth."""

from pathlib import Path

import duckdb

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
        with c as (select * from read_parquet('{clusters_file}'))
        select a.member_id, b.member_id from c a join c b
          on a.cluster_id = b.cluster_id and a.member_id < b.member_id""").fetchall()
    return {(a, b) for a, b in rows}


def precision_recall(found: set, truth: set) -> tuple[float, float]:
    hits = len(found & truth)
    return hits / max(len(found), 1), hits / max(len(truth), 1)
