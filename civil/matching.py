"""Pemadanan: every active registry member against the civil registry, as a batch step over a
snapshot (views `members`, `families`), on DuckDB or on Spark with the same SQL.

    match_members(con, out_dir, civil_source) -> counts
        civil_status.parquet      one row per active member (civil.sql.STATUS_QUERY)
        civil_candidates.parquet  for members without a usable NIK: civil-registry people
                                  proposed by a probabilistic search (civil.candidates)

`civil_source` is the Parquet file of an imported extract (civil.services.extract_path) or a
NIK verifier (civil.adapters); a verifier is asked only about the registry's valid NIKs, so the
candidate search, which needs the whole civil registry, runs only with an extract."""
# ruff: noqa: S608 - SQL text is built from constants and quoted file paths, never user input.

import shutil
import time
from pathlib import Path

import duckdb

from base.sql import literal

from . import candidates as candidate_search
from .adapters import NikVerifier, fetch_records
from .sql import STATUS_QUERY, STATUSES, nik_valid_query

STATUS_FILE = "civil_status.parquet"
CANDIDATES_FILE = "civil_candidates.parquet"
FETCHED_FILE = "civil_fetched.parquet"


def match_members(
    con: duckdb.DuckDBPyConnection, out_dir: Path, civil_source: Path | NikVerifier, *,
    engine: str = "duckdb", spark=None, tables: dict[str, str] | None = None,
    candidates: bool = True, top_n: int = 3,
) -> dict:
    """Write the status of every active member (and candidates) into `out_dir`.

    engine="spark" runs the status SQL on `spark` (a SparkSession) over the Parquet files in
    `tables` ({'members': path, 'families': path}; by default the views are exported to
    out_dir first); the candidate search always runs on DuckDB."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    civil_path = _civil_file(con, out_dir, civil_source)
    con.execute("CREATE OR REPLACE TEMP VIEW civil AS "
                f"SELECT * FROM read_parquet({literal(civil_path)})")
    target = out_dir / STATUS_FILE
    if engine == "duckdb":
        con.execute(f"COPY ({STATUS_QUERY}) TO {literal(target)} (FORMAT parquet)")
    elif engine == "spark":
        run_on_spark(spark, tables or export_tables(con, out_dir / "spark_input"), civil_path,
                     target)
    else:
        raise ValueError(f"unknown engine {engine!r} (duckdb or spark)")
    result = {"engine": engine, **status_counts(con, target),
              "status_seconds": round(time.perf_counter() - started, 3)}
    if candidates and not isinstance(civil_source, NikVerifier):
        result |= candidate_search.search(con, out_dir, target, civil_path, top_n=top_n)
    result["seconds"] = round(time.perf_counter() - started, 3)
    return result


def _civil_file(con: duckdb.DuckDBPyConnection, out_dir: Path,
                civil_source: Path | NikVerifier) -> Path:
    if not isinstance(civil_source, NikVerifier):
        return Path(civil_source)
    niks = [row[0] for row in con.execute(f"""
        SELECT DISTINCT nik_clean FROM ({nik_valid_query("members", "nik")}) v
        WHERE nik_valid AND status = 'active' ORDER BY 1""").fetchall()]
    fetch_records(civil_source, niks, out_dir / FETCHED_FILE)
    return out_dir / FETCHED_FILE


def status_counts(con: duckdb.DuckDBPyConnection, status_file: Path) -> dict:
    row = con.execute("""
        SELECT count(*), count(*) FILTER (WHERE deceased), count(*) FILTER (WHERE moved)
        FROM read_parquet(?)""", [str(status_file)]).fetchall()[0]
    by_status = dict(con.execute(
        "SELECT status, count(*) FROM read_parquet(?) GROUP BY status", [str(status_file)]
    ).fetchall())
    return {"members": row[0], "statuses": {s: by_status.get(s, 0) for s in STATUSES},
            "deceased": row[1], "moved": row[2]}


def export_tables(con: duckdb.DuckDBPyConnection, target: Path) -> dict[str, str]:
    """The columns of `members` and `families` the status needs, as Parquet files Spark reads."""
    target.mkdir(parents=True, exist_ok=True)
    queries = {
        "members": "SELECT member_id, family_id, nik, name_key, birth_date, sex, village_code, "
                   "status FROM members",
        "families": "SELECT family_id, kk_number FROM families",
    }
    paths = {}
    for name, query in queries.items():
        paths[name] = str(target / f"{name}.parquet")
        con.execute(f"COPY ({query}) TO {literal(paths[name])} (FORMAT parquet)")
    return paths


def run_on_spark(spark, tables: dict[str, str], civil_path: Path, target: Path) -> None:
    """STATUS_QUERY on Spark SQL over Parquet files, written to one Parquet file `target`."""
    for name, path in tables.items():
        spark.read.parquet(path).createOrReplaceTempView(name)
    spark.read.parquet(str(civil_path)).createOrReplaceTempView("civil")
    parts = target.with_name(target.name + ".spark")
    spark.sql(STATUS_QUERY).coalesce(1).write.mode("overwrite").parquet(str(parts))
    (part,) = parts.glob("part-*.parquet")
    shutil.move(part, target)
    shutil.rmtree(parts)
