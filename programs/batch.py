# ruff: noqa: S608 -- SQL text is built from compiled rules, checked codes and paths this module
# creates; user values reach it only as typed literals.
"""The bulk path: every unit's decision for one or more programs over the targeting view, in
DuckDB over Parquet, written to Parquet. Plain functions over a DuckDB connection that already
holds the seven input relations of `programs/targeting.py` (no Django needed).

Per program, `<out_dir>/<code>/decisions.parquet` holds one row per unit: key, village_code,
welfare_score, clause values c_1.., decision, reason, segment, amount (Rp per period),
components, quota_region, rank (among the eligible of the quota region, poorest first, ties by
id) and status: enrolled (within quota), waiting (eligible beyond quota) or NULL."""

import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import duckdb

from base.sql import literal

from .attributes import PERSON
from .compile import ELIGIBLE, NOT_ELIGIBLE, RuleSetSpec, columns_read, decision_sql
from .targeting import households_from_people_sql, members_from_people_sql, person_sql

HOUSEHOLD_KEY, PERSON_KEY = "household_id", "member_id, household_id"


@dataclass(frozen=True)
class ProgramRun:
    """What the bulk path needs of one program: its checked rules and its quotas."""

    code: str
    spec: RuleSetSpec
    quotas: dict[str, int] = field(default_factory=dict)  # region code prefix -> units
    exits: dict[int, str] = field(default_factory=dict)  # household id -> reason (exits.py)


def key_of(unit: str) -> str:
    return PERSON_KEY if unit == PERSON else HOUSEHOLD_KEY


def build_views(con: duckdb.DuckDBPyConnection, as_of: date, list_kinds: list[str],
                program_codes: list[str], person: bool,
                household_columns: set[str] | None = None) -> dict[str, float]:
    """Materialise the person rows once, then household_view over them, and member_view when
    a person-unit program runs (carrying `household_columns`, default all)."""
    con.execute("SET preserve_insertion_order = false")  # lets large tables stream and spill
    statements = [("people", person_sql(as_of, list_kinds)),
                  ("household_view", households_from_people_sql(list_kinds, program_codes))]
    if person:
        statements.append(("member_view", members_from_people_sql(
            list_kinds, program_codes, household_columns)))
    seconds = {}
    for table, sql in statements:
        started = time.perf_counter()
        con.execute(f"CREATE OR REPLACE TABLE {table} AS {sql}")
        seconds[table] = time.perf_counter() - started
    con.execute("DROP TABLE people")
    return seconds


def quota_level(quotas: dict[str, int]) -> int:
    """The length of the quota regions' codes (all of one level; 0 = national)."""
    lengths = {len(code) for code in quotas}
    if len(lengths) > 1:
        raise ValueError("quotas of one program must all be at one region level")
    return lengths.pop() if lengths else 0


def ranked_sql(run: ProgramRun, decided: str) -> str:
    """The decided units with quota region, rank and status. Only the eligible are ranked
    (poorest first, ties by id) within their quota region; the rest pass through."""
    key = key_of(run.spec.unit)
    order_key = key.split(",")[0]
    level = quota_level(run.quotas)
    region = f"SUBSTR(village_code, 1, {level})" if level else "''"
    if run.quotas:
        quota_join = f"LEFT JOIN quotas_{_ident(run.code)} q ON q.region_code = r.quota_region"
        within = "r.rank <= COALESCE(q.quota, 0)"
    else:
        quota_join, within = "", "TRUE"
    return f"""
    SELECT d.*, {region} AS quota_region, CAST(NULL AS BIGINT) AS rank,
           CAST(NULL AS VARCHAR(16)) AS status
    FROM {decided} d WHERE decision <> '{ELIGIBLE}'
    UNION ALL
    SELECT r.*, CASE WHEN {within} THEN 'enrolled' ELSE 'waiting' END AS status
    FROM (SELECT d.*, {region} AS quota_region,
                 ROW_NUMBER() OVER (PARTITION BY {region}
                                    ORDER BY welfare_score ASC NULLS LAST, {order_key}) AS rank
          FROM {decided} d WHERE decision = '{ELIGIBLE}') r {quota_join}
    """


def _ident(code: str) -> str:
    return code.replace("-", "_")


def _quota_table(con: duckdb.DuckDBPyConnection, run: ProgramRun) -> None:
    table = f"quotas_{_ident(run.code)}"
    con.execute(f"CREATE OR REPLACE TEMP TABLE {table} (region_code VARCHAR, quota BIGINT)")
    if run.quotas:
        con.executemany(f"INSERT INTO {table} VALUES (?, ?)", list(run.quotas.items()))


def _apply_exits(con: duckdb.DuckDBPyConnection, run: ProgramRun, decided: str) -> None:
    """Households that left the program outside its rules (programs/exits.py) are decided
    against with that reason before ranking, so they neither enrol nor take a quota place."""
    if not run.exits:
        return
    table = f"exits_{_ident(run.code)}"
    con.execute(f"CREATE OR REPLACE TEMP TABLE {table} (household_id BIGINT, reason VARCHAR)")
    con.executemany(f"INSERT INTO {table} VALUES (?, ?)", list(run.exits.items()))
    con.execute(f"UPDATE {decided} SET decision = '{NOT_ELIGIBLE}', reason = x.reason, "
                f"segment = NULL, amount = 0, components = '' FROM {table} x "
                f"WHERE {decided}.household_id = x.household_id")
    con.execute(f"DROP TABLE {table}")


def evaluate(con: duckdb.DuckDBPyConnection, runs: list[ProgramRun], out_dir: Path,
             as_of: date, list_kinds: list[str], program_codes: list[str]) -> dict:
    """Decide every unit for every program; returns seconds and counts per program."""
    out_dir.mkdir(parents=True, exist_ok=True)
    person_specs = [r.spec for r in runs if r.spec.unit == PERSON]
    seconds = build_views(con, as_of, list_kinds, program_codes, bool(person_specs),
                          set().union(*map(columns_read, person_specs)))
    results = {}
    for run in runs:
        started = time.perf_counter()
        _quota_table(con, run)
        target = out_dir / run.code
        target.mkdir(parents=True, exist_ok=True)
        path = target / "decisions.parquet"
        view = "member_view" if run.spec.unit == PERSON else "household_view"
        decided = f"decided_{_ident(run.code)}"
        con.execute(f"CREATE OR REPLACE TEMP TABLE {decided} AS "
                    + decision_sql(run.spec, view, key_of(run.spec.unit)))
        _apply_exits(con, run, decided)
        con.execute(f"COPY ({ranked_sql(run, decided)}) TO {literal(path)} "
                    "(FORMAT parquet, COMPRESSION zstd)")
        con.execute(f"DROP TABLE {decided}")
        results[run.code] = {"seconds": round(time.perf_counter() - started, 3),
                             "path": str(path), **summary(con, path)}
    return {"views": {k: round(v, 3) for k, v in seconds.items()}, "programs": results}


def summary(con: duckdb.DuckDBPyConnection, path: Path) -> dict:
    """Counts by decision, by reason, by status, and the cost per period of the enrolled."""
    rows = con.execute(f"SELECT decision, reason, status, count(*), "
                       f"sum(CASE WHEN status = 'enrolled' THEN amount ELSE 0 END) "
                       f"FROM {literal(path)} GROUP BY ALL").fetchall()
    by_decision: dict[str, int] = {}
    by_reason: dict[str, int] = {}
    by_status: dict[str, int] = {}
    cost = 0
    for decision, reason, status, n, amount in rows:
        by_decision[decision] = by_decision.get(decision, 0) + n
        if reason:
            by_reason[reason] = by_reason.get(reason, 0) + n
        if status:
            by_status[status] = by_status.get(status, 0) + n
        cost += int(amount or 0)
    return {"decisions": by_decision, "reasons": by_reason, "statuses": by_status,
            "cost_per_period": cost}


def by_region(con: duckdb.DuckDBPyConnection, path: Path, level: int) -> list[tuple]:
    """(region code, enrolled, waiting, eligible, cost per period) at a region level (1-4)."""
    length = {1: 2, 2: 5, 3: 8, 4: 13}[level]
    return con.execute(
        f"SELECT SUBSTR(village_code, 1, {length}) AS region, "
        "count(*) FILTER (WHERE status = 'enrolled'), count(*) FILTER (WHERE status = 'waiting'),"
        f" count(*) FILTER (WHERE decision = '{ELIGIBLE}'), "
        "COALESCE(sum(amount) FILTER (WHERE status = 'enrolled'), 0) "
        f"FROM {literal(path)} GROUP BY 1 ORDER BY 1").fetchall()
