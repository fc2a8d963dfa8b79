"""A synthetic population with known truth (in a region the root conftest loads, so it can
also be bulk-loaded), its civil registry as an extract dataset, snapshot-shaped DuckDB views,
and one matching run over them, made once per session."""
# ruff: noqa: S608 - SQL over test files' paths.

from pathlib import Path

import duckdb
import pytest

from civil import extracts
from civil.matching import match_members
from synth.generate import generate

SCOPE = "34.03.01"
HOUSEHOLDS = 700
SEED = 11


def snapshot_views(synth_dir: Path) -> duckdb.DuckDBPyConnection:
    """The views of a snapshot (linkage.snapshots.connect) over a synth output: every record
    active."""
    con = duckdb.connect()
    for name in ("households", "families", "members"):
        extra = "" if name == "families" else ", 'active' AS status, '' AS inactive_reason"
        con.execute(f"CREATE VIEW {name} AS SELECT *{extra} "
                    f"FROM read_parquet('{synth_dir / name}.parquet')")
    return con


def write_extract(source: Path, target: Path) -> Path:
    con = duckdb.connect()
    table = extracts.read_file(source)
    extracts.validate(con, table)
    extracts.write_dataset(con, table, target)
    return target / extracts.FILE_NAME


class Run:
    def __init__(self, synth_dir: Path, extract: Path, out_dir: Path, result: dict):
        self.synth_dir, self.extract, self.out_dir, self.result = (
            synth_dir, extract, out_dir, result)

    def sql(self, query: str) -> list[tuple]:
        con = duckdb.connect()
        for name in ("members", "dukcapil", "errors_truth", "member_truth"):
            con.execute(f"CREATE VIEW {name} AS SELECT * "
                        f"FROM read_parquet('{self.synth_dir / name}.parquet')")
        con.execute(f"CREATE VIEW status AS SELECT * "
                    f"FROM read_parquet('{self.out_dir}/civil_status.parquet')")
        con.execute(f"CREATE VIEW candidates AS SELECT * "
                    f"FROM read_parquet('{self.out_dir}/civil_candidates.parquet')")
        return con.execute(query).fetchall()


@pytest.fixture(scope="session")
def population(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("civil") / "wonosari"
    generate(SCOPE, HOUSEHOLDS, SEED, path)
    return path


@pytest.fixture(scope="session")
def run(population, tmp_path_factory) -> Run:
    base = tmp_path_factory.mktemp("civil-run")
    extract = write_extract(population / "dukcapil.parquet", base / "extract")
    out = base / "out"
    result = match_members(snapshot_views(population), out, extract)
    return Run(population, extract, out, result)
