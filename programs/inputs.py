# ruff: noqa: S608 -- SQL text is built from the models' own table names; the year and the run
# ids reach the database as parameters.
"""The database relations an eligibility run reads beside a registry snapshot, exported in bulk
to Parquet (the batch-engine contract of programs/targeting.py):

    member_match.parquet        member_id, status, deceased      civil-registry match
    household_score.parquet     household_id, score, desil_national, desil_province
    list_entries.parquet        kind, nik, monthly_income         the lists in force
    minimum_wages.parquet       regency_code, amount              UMK of the year
    current_enrollment.parquet  program_code, household_id        KPM lists in force then

Rows are read through a (server-side on PostgreSQL) cursor in large batches straight into
Arrow; no model object is made per row. An empty relation still gets a file with its types."""

from datetime import date
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
from django.db import connection

from base.sql import literal
from civil.models import MemberMatch
from ranking.models import HouseholdScore

from .lists import lists_in_force
from .models import EligibilityRun, Enrollment, ListEntry, MinimumWage, Program, ReferenceList

BATCH_ROWS = 100_000
SCHEMAS = {
    "member_match": pa.schema([
        ("member_id", pa.int64()), ("status", pa.string()), ("deceased", pa.bool_())]),
    "household_score": pa.schema([
        ("household_id", pa.int64()), ("score", pa.float64()),
        ("desil_national", pa.int16()), ("desil_province", pa.int16())]),
    "list_entries": pa.schema([
        ("kind", pa.string()), ("nik", pa.string()), ("monthly_income", pa.int64())]),
    "minimum_wages": pa.schema([("regency_code", pa.string()), ("amount", pa.int64())]),
    "current_enrollment": pa.schema([
        ("program_code", pa.string()), ("household_id", pa.int64())]),
}


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _in_list(ids: list[int]) -> str:
    """An IN list of integer ids (never empty: -1 matches nothing)."""
    return ", ".join(str(int(i)) for i in ids) or "-1"


def _queries(year: int, on: date | None) -> dict[str, tuple[str, list]]:
    """The SELECT of each relation with its parameters, columns in SCHEMAS order."""
    in_force = _in_list([rl.pk for rl in lists_in_force().values()])
    runs = _in_list(current_run_ids(on))
    wage = _table(MinimumWage)
    return {
        "member_match": (
            f"SELECT member_id, status, deceased FROM {_table(MemberMatch)} ORDER BY member_id",
            []),
        "household_score": (
            f"SELECT household_id, score, desil_national, desil_province "
            f"FROM {_table(HouseholdScore)} ORDER BY household_id", []),
        "list_entries": (
            f"SELECT l.kind, e.nik, e.monthly_income FROM {_table(ListEntry)} e "
            f"JOIN {_table(ReferenceList)} l ON l.id = e.reference_list_id "
            f"WHERE l.id IN ({in_force}) ORDER BY l.kind, e.nik", []),
        # Each regency's UMK of the latest year up to `year`: a regency whose new UMK is not
        # imported yet keeps its last one rather than having none.
        "minimum_wages": (
            f"SELECT w.regency_id, w.amount FROM {wage} w WHERE w.year = "
            f"(SELECT MAX(v.year) FROM {wage} v WHERE v.regency_id = w.regency_id "
            f"AND v.year <= %s) ORDER BY w.regency_id", [year]),
        "current_enrollment": (
            f"SELECT DISTINCT p.code, e.household_id FROM {_table(Enrollment)} e "
            f"JOIN {_table(EligibilityRun)} r ON r.id = e.run_id "
            f"JOIN {_table(Program)} p ON p.id = r.program_id "
            f"WHERE e.run_id IN ({runs}) AND e.status = %s ORDER BY p.code, e.household_id",
            [Enrollment.Status.ENROLLED]),
    }


def current_run_ids(on: date | None = None) -> list[int]:
    """The KPM list in force of each program. Without `on`: its newest frozen enrollment run
    (by freezing time). On a date: the frozen run of its latest period that starts on or
    before `on` (ties by freezing time), so a run or an explanation for an old period reads
    the lists in force then, not today's; a program with no such period has none."""
    frozen = (EligibilityRun.objects.filter(state=EligibilityRun.State.FROZEN)
              .select_related("program").order_by("program_id", "-frozen_at", "-id"))
    newest: dict[int, tuple[date, int]] = {}
    for run in frozen:
        start = date.min if on is None else _period_start(run)
        if start is None or (on is not None and start > on):
            continue
        if run.program_id not in newest or start > newest[run.program_id][0]:
            newest[run.program_id] = (start, run.pk)
    return sorted(run_id for _, run_id in newest.values())


def _period_start(run: EligibilityRun) -> date | None:
    from .services import ProgramError, period_start

    try:
        return period_start(run.program, run.period)
    except ProgramError:  # a period no longer valid for the program's frequency
        return None


def _write(sql: str, params: list, schema: pa.Schema, path: Path) -> int:
    rows_written = 0
    with connection.chunked_cursor() as cursor, pq.ParquetWriter(path, schema) as writer:
        cursor.execute(sql, params)
        while rows := cursor.fetchmany(BATCH_ROWS):
            columns = zip(*rows, strict=True)
            writer.write_batch(pa.RecordBatch.from_arrays(
                [pa.array(values).cast(f.type) for values, f in zip(columns, schema, strict=True)],
                schema=schema))
            rows_written += len(rows)
        if not rows_written:
            writer.write_table(schema.empty_table())
    return rows_written


def export_inputs(out_dir: Path, year: int, on: date | None = None) -> dict[str, Path]:
    """Write the five relations for an eligibility run of `year` into `out_dir` (created if
    needed), with the KPM lists in force on `on` (the first day of the run's period; default:
    the newest frozen lists); returns {relation name: Parquet path}."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = {}
    for name, (sql, params) in _queries(year, on).items():
        path = out_dir / f"{name}.parquet"
        _write(sql, params, SCHEMAS[name], path)
        paths[name] = path
    return paths


def register_inputs(con: duckdb.DuckDBPyConnection, paths: dict[str, Path]) -> None:
    """DuckDB views named after the relations, over the exported files."""
    for name, path in paths.items():
        if name not in SCHEMAS:
            raise ValueError(f"not an input relation: {name!r}")
        con.execute(f"CREATE OR REPLACE VIEW {name} AS SELECT * "
                    f"FROM read_parquet({literal(path)})")
