# ruff: noqa: S608 -- SQL text is built from the models' own table names, run ids as integers
# and fixed status codes; no user input reaches it.
"""The refresh of the summary tables (RegionFigure) by the batch engine.

1. Read: one narrow SELECT per source (registry, ranking, civil, linkage, programs, payments,
   grievance, ATENSI, workforce) streamed into DuckDB in bulk: COPY ... TO STDOUT on
   PostgreSQL, a cursor in large batches on SQLite; nothing goes through the ORM per row.
2. Aggregate in DuckDB per region code as the source has it (a village for the registry and the
   payments; a worker or a case may sit at a kabupaten), then roll every figure up its code
   prefixes: "34.03.01.2001" -> "34.03.01" -> "34.03" -> "34" -> '' (the nation).
3. Replace, in one transaction: every flow figure (each month of the history is recomputed) and
   the stock figures of the refresh's own period (earlier periods keep the stocks they had),
   with the SummaryRefresh row that names it. Only the figures that changed are written: the
   stored ones are read back into DuckDB and compared, the gone or changed deleted, the new or
   changed bulk-inserted (COPY on PostgreSQL, executemany in batches on SQLite). A reader sees
   the old figures or the new, never a mix.

Zero figures are not stored: a missing (period, region, metric, program) reads as 0."""

import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import duckdb
import pyarrow as pa
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from base.sql import literal

from .metrics import FLOWS, STOCKS
from .models import RegionFigure, SummaryRefresh

BATCH_ROWS = 100_000
PAID = ("credited", "transacted", "not_transacted", "delivered")  # payments.budget.DISBURSED
OPEN_COMPLAINTS = ("received", "in_progress", "escalated", "referred")
COLUMNS = ("period", "region_code", "level", "parent_code", "metric", "program", "value")

Tick = Callable[[str, int, int], None]


@dataclass(frozen=True)
class Source:
    """A table DuckDB gets: its name there, the SELECT on the database, its columns."""
    name: str
    sql: str
    columns: tuple[tuple[str, str], ...]  # (name, DuckDB type)


def _table(model_path: str) -> str:
    from django.apps import apps

    return apps.get_model(model_path)._meta.db_table


def _ts(column: str) -> str:
    """A timestamp as text (UTC: Django's connections run in UTC), or NULL."""
    return f"CAST({column} AS VARCHAR(40))"


def sources(run_ids: list[int]) -> list[Source]:
    hh, mem = _table("registry.Household"), _table("registry.Member")
    runs = ", ".join(str(int(i)) for i in run_ids) or "0"
    return [
        Source("households", f"""
            SELECT h.village_id, h.status, {_ts('h.created_at')}, s.desil_national
            FROM {hh} h LEFT JOIN {_table('ranking.HouseholdScore')} s ON s.household_id = h.id
            """, (("code", "VARCHAR"), ("status", "VARCHAR"), ("created", "VARCHAR"),
                  ("desil", "INTEGER"))),
        Source("members", f"""
            SELECT m.village_id, m.status, c.status
            FROM {mem} m LEFT JOIN {_table('civil.MemberMatch')} c ON c.member_id = m.id
            """, (("code", "VARCHAR"), ("status", "VARCHAR"), ("civil", "VARCHAR"))),
        Source("deactivations", f"""
            SELECT COALESCE(h.village_id, m.village_id), sc.kind, {_ts('sc.at')}
            FROM {_table('registry.StatusChange')} sc
            LEFT JOIN {hh} h ON sc.kind = 'household' AND h.id = sc.record_id
            LEFT JOIN {mem} m ON sc.kind = 'member' AND m.id = sc.record_id
            WHERE sc.status = 'inactive'
            """, (("code", "VARCHAR"), ("kind", "VARCHAR"), ("changed", "VARCHAR"))),
        Source("duplicates", f"""
            SELECT region_l FROM {_table('linkage.ReviewPair')} WHERE decision IS NULL
            """, (("code", "VARCHAR"),)),
        Source("enrollments", f"""
            SELECT e.village_code, p.code
            FROM {_table('programs.Enrollment')} e
            JOIN {_table('programs.EligibilityRun')} r ON r.id = e.run_id
            JOIN {_table('programs.Program')} p ON p.id = r.program_id
            WHERE e.run_id IN ({runs}) AND e.status = 'enrolled'
            """, (("code", "VARCHAR"), ("program", "VARCHAR"))),
        Source("payments", f"""
            SELECT pay.village_code, p.code, c.year, c.month, pay.status, pay.amount,
                   pay.household_id
            FROM {_table('payments.Payment')} pay
            JOIN {_table('payments.PaymentCycle')} c ON c.id = pay.cycle_id
            JOIN {_table('programs.Program')} p ON p.id = pay.program_id
            WHERE c.status <> 'cancelled'
            """, (("code", "VARCHAR"), ("program", "VARCHAR"), ("year", "INTEGER"),
                  ("month", "INTEGER"), ("status", "VARCHAR"), ("amount", "BIGINT"),
                  ("household", "BIGINT"))),
        Source("complaints", f"""
            SELECT region_id, status, {_ts('created_at')}, {_ts('resolved_at')}, {_ts('due_at')}
            FROM {_table('grievance.Submission')} WHERE status <> 'merged'
            """, (("code", "VARCHAR"), ("status", "VARCHAR"), ("created", "VARCHAR"),
                  ("resolved", "VARCHAR"), ("due", "VARCHAR"))),
        Source("cases", f"""
            SELECT region_id, status, {_ts('opened_at')}, {_ts('closed_at')}
            FROM {_table('atensi.Case')}
            """, (("code", "VARCHAR"), ("status", "VARCHAR"), ("opened", "VARCHAR"),
                  ("closed", "VARCHAR"))),
        Source("workers", f"""
            SELECT region_id FROM {_table('workforce.Worker')} WHERE active
            """, (("code", "VARCHAR"),)),
    ]


# --- reading into DuckDB ----------------------------------------------------------------------


def _arrow_type(duck: str) -> pa.DataType:
    return {"VARCHAR": pa.string(), "INTEGER": pa.int64(), "BIGINT": pa.int64()}[duck]


def load(con: duckdb.DuckDBPyConnection, source: Source, work: Path) -> int:
    """Stream the source's rows into DuckDB table `source.name`; the number of rows."""
    cols = ", ".join(f"{n} {t}" for n, t in source.columns)
    con.execute(f"CREATE OR REPLACE TABLE {source.name} ({cols})")
    if connection.vendor == "postgresql":
        csv = work / f"{source.name}.csv"
        with connection.cursor() as cursor, open(csv, "wb") as out, \
                cursor.cursor.copy(f"COPY ({source.sql}) TO STDOUT (FORMAT csv)") as copy:
            for chunk in copy:
                out.write(chunk)
        if csv.stat().st_size:
            types = ", ".join(f"'{n}': '{t}'" for n, t in source.columns)
            con.execute(
                f"INSERT INTO {source.name} SELECT * FROM read_csv({literal(csv)}, "
                f"header = false, columns = {{{types}}}, auto_detect = false, delim = ',', "
                "quote = '\"', escape = '\"', allow_quoted_nulls = false)")
        csv.unlink()
    else:
        schema = pa.schema([(n, _arrow_type(t)) for n, t in source.columns])
        with connection.cursor() as cursor:
            cursor.execute(source.sql)
            while rows := cursor.fetchmany(BATCH_ROWS):
                arrays = [pa.array(values, type=field.type)
                          for values, field in zip(zip(*rows, strict=True), schema, strict=True)]
                batch = pa.Table.from_arrays(arrays, schema=schema)  # noqa: F841 (read by name)
                con.execute(f"INSERT INTO {source.name} SELECT * FROM batch")
    return con.execute(f"SELECT count(*) FROM {source.name}").fetchone()[0]


# --- aggregating -------------------------------------------------------------------------------


def _month(column: str, offset_hours: float) -> str:
    """'YYYY-MM' of a UTC timestamp text in the project's time zone (Indonesia's have no
    daylight saving, so one offset holds for every date)."""
    return (f"strftime(CAST(left({column}, 19) AS TIMESTAMP) + "
            f"INTERVAL '{int(offset_hours * 60)} minutes', '%Y-%m')")


def _at(column: str) -> str:
    return f"CAST(left({column}, 19) AS TIMESTAMP)"


def figure_sql(current: str, now_utc: str, offset_hours: float) -> str:
    """One SELECT of (period, code, metric, program, value) per source region code."""
    m = lambda col: _month(col, offset_hours)  # noqa: E731
    desil = ("CASE WHEN desil BETWEEN 1 AND 10 THEN 'desil_' || CAST(desil AS VARCHAR) "
             "ELSE 'desil_none' END")
    paid, open_ = ", ".join(f"'{s}'" for s in PAID), ", ".join(f"'{s}'" for s in OPEN_COMPLAINTS)
    cur, now = f"'{current}'", f"TIMESTAMP '{now_utc}'"
    pay_month = "printf('%04d-%02d', year, month)"
    parts = [
        # registry stocks: active records at the refresh
        f"SELECT {cur}, code, 'households', '', count(*) FROM households "
        "WHERE status = 'active' GROUP BY code",
        f"SELECT {cur}, code, {desil}, '', count(*) FROM households WHERE status = 'active' "
        "GROUP BY ALL",
        f"SELECT {cur}, code, 'members', '', count(*) FROM members WHERE status = 'active' "
        "GROUP BY code",
        f"SELECT {cur}, code, 'padan_members', '', count(*) FROM members "
        "WHERE status = 'active' AND civil = 'padan' GROUP BY code",
        f"SELECT {cur}, code, 'duplicates', '', count(*) FROM duplicates GROUP BY code",
        # registry flows
        f"SELECT {m('created')}, code, 'households_added', '', count(*) FROM households "
        "GROUP BY ALL",
        f"SELECT {m('changed')}, code, kind || 's_deactivated', '', count(*) FROM deactivations "
        "GROUP BY ALL",
        # programs and payments
        f"SELECT {cur}, code, 'kpm', program, count(*) FROM enrollments GROUP BY ALL",
    ]
    for metric, condition in (("planned", "true"), ("disbursed", f"status IN ({paid})"),
                              ("failed", "status = 'failed'"),
                              ("returned", "status = 'returned'")):
        parts += [
            f"SELECT {pay_month}, code, '{metric}_kpm', program, count(DISTINCT household) "
            f"FROM payments WHERE {condition} GROUP BY ALL",
            f"SELECT {pay_month}, code, '{metric}_amount', program, sum(amount) "
            f"FROM payments WHERE {condition} GROUP BY ALL",
        ]
    parts += [
        # complaints
        f"SELECT {m('created')}, code, 'complaints_received', '', count(*) FROM complaints "
        "GROUP BY ALL",
        f"SELECT {m('resolved')}, code, 'complaints_resolved', '', count(*) FROM complaints "
        "WHERE resolved IS NOT NULL GROUP BY ALL",
        f"SELECT {m('resolved')}, code, 'complaints_resolved_in_sla', '', count(*) "
        f"FROM complaints WHERE resolved IS NOT NULL AND {_at('resolved')} <= {_at('due')} "
        "GROUP BY ALL",
        f"SELECT {cur}, code, 'complaints_open', '', count(*) FROM complaints "
        f"WHERE status IN ({open_}) GROUP BY code",
        f"SELECT {cur}, code, 'complaints_over_sla', '', count(*) FROM complaints "
        f"WHERE status IN ({open_}) AND {_at('due')} < {now} GROUP BY code",
        # ATENSI and the workforce
        f"SELECT {cur}, code, 'atensi_open_cases', '', count(*) FROM cases "
        "WHERE status = 'open' GROUP BY code",
        f"SELECT {m('opened')}, code, 'atensi_new_cases', '', count(*) FROM cases GROUP BY ALL",
        f"SELECT {m('closed')}, code, 'atensi_closed_cases', '', count(*) FROM cases "
        "WHERE closed IS NOT NULL GROUP BY ALL",
        f"SELECT {cur}, code, 'workers', '', count(*) FROM workers GROUP BY code",
    ]
    return "\nUNION ALL\n".join(parts)


ROLLUP_SQL = """
    WITH base AS (
        SELECT period, string_split(code, '.') AS parts, metric, program, value
        FROM source_figures WHERE code IS NOT NULL AND code <> '' AND period IS NOT NULL)
    SELECT period,
           CASE WHEN lvl = 0 THEN '' ELSE array_to_string(parts[1:lvl], '.') END AS region_code,
           lvl AS level,
           CASE WHEN lvl <= 1 THEN '' ELSE array_to_string(parts[1:lvl - 1], '.') END
               AS parent_code,
           metric, program, CAST(sum(value) AS BIGINT) AS value
    FROM base JOIN range(0, 5) AS levels(lvl) ON lvl <= len(parts)
    GROUP BY ALL
    HAVING sum(value) <> 0"""


def aggregate(con: duckdb.DuckDBPyConnection, current: str, now: datetime) -> None:
    """Table `figures` (COLUMNS) in DuckDB from the loaded sources."""
    offset = ZoneInfo(settings.TIME_ZONE).utcoffset(now.replace(tzinfo=None)).total_seconds()
    now_utc = now.astimezone(ZoneInfo("UTC")).strftime("%Y-%m-%d %H:%M:%S")
    con.execute("CREATE OR REPLACE TABLE source_figures "
                "(period VARCHAR, code VARCHAR, metric VARCHAR, program VARCHAR, value BIGINT)")
    con.execute(f"INSERT INTO source_figures {figure_sql(current, now_utc, offset / 3600)}")
    con.execute(f"CREATE OR REPLACE TABLE figures AS {ROLLUP_SQL}")


# --- writing -----------------------------------------------------------------------------------


KEY = ("period", "region_code", "metric", "program")


def _recomputed(table: str, current: str) -> str:
    """The figures a refresh recomputes: every flow, and the stocks of its own period."""
    flows = ", ".join(literal(m) for m in FLOWS)
    stocks = ", ".join(literal(m) for m in STOCKS)
    return (f"SELECT {', '.join(KEY)}, value FROM {table} WHERE metric IN ({flows}) "
            f"OR (metric IN ({stocks}) AND period = {literal(current)})")


def _differences(con: duckdb.DuckDBPyConnection) -> None:
    """DuckDB tables `stale` (keys of `old` figures that are gone or changed) and `fresh`
    (figures that are new or changed), from `old` (stored) and `figures` (recomputed)."""
    keys = ", ".join(KEY)
    con.execute(f"CREATE OR REPLACE TABLE stale AS SELECT {keys} FROM old "
                f"ANTI JOIN figures USING ({keys}, value)")
    con.execute(f"CREATE OR REPLACE TABLE fresh AS SELECT {', '.join(COLUMNS)} FROM figures "
                f"ANTI JOIN old USING ({keys}, value) ORDER BY period, region_code")


def _copy_in(table: str, columns: tuple[str, ...], con: duckdb.DuckDBPyConnection,
             select: str, work: Path) -> None:
    """Bulk-insert DuckDB's `select` into the database table (COPY on PostgreSQL,
    executemany in batches on SQLite)."""
    if connection.vendor == "postgresql":
        csv = work / f"{table}.csv"
        con.execute(f"COPY ({select}) TO {literal(csv)} (FORMAT csv, HEADER false)")
        with connection.cursor() as cursor, open(csv, "rb") as data, \
                cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN "
                                   "(FORMAT csv)") as copy:
            while chunk := data.read(1 << 20):
                copy.write(chunk)
        csv.unlink()
    else:
        insert = (f"INSERT INTO {table} ({', '.join(columns)}) "
                  f"VALUES ({', '.join(['%s'] * len(columns))})")
        result = con.execute(select)
        with connection.cursor() as cursor:
            while rows := result.fetchmany(BATCH_ROWS // 10):
                cursor.executemany(insert, rows)


def _replace(con: duckdb.DuckDBPyConnection, current: str, work: Path) -> int:
    """Write the recomputed figures (inside the caller's transaction): only those that
    changed. Most of the history stays the same from one refresh to the next, and writing a
    row into the indexed table costs far more than comparing it in DuckDB. The number of
    rows deleted and inserted."""
    table = RegionFigure._meta.db_table
    load(con, Source("old", _recomputed(table, current),
                     (*((k, "VARCHAR") for k in KEY), ("value", "BIGINT"))), work)
    _differences(con)
    stale = con.execute("SELECT count(*) FROM stale").fetchone()[0]
    if stale:
        with connection.cursor() as cursor:
            cursor.execute("CREATE TEMPORARY TABLE stale_figures (period varchar(7), "
                           "region_code varchar(20), metric varchar(40), program varchar(40))")
        try:
            _copy_in("stale_figures", KEY, con, f"SELECT {', '.join(KEY)} FROM stale", work)
            with connection.cursor() as cursor:
                if connection.vendor == "postgresql":
                    cursor.execute("ANALYZE stale_figures")
                # From the stale keys into the table's unique index, on both databases.
                match = " AND ".join(f"f.{k} = s.{k}" for k in KEY)
                cursor.execute(f"DELETE FROM {table} WHERE id IN (SELECT f.id FROM "
                               f"stale_figures s JOIN {table} f ON {match})")
        finally:
            with connection.cursor() as cursor:
                cursor.execute("DROP TABLE stale_figures")
    _copy_in(table, COLUMNS, con, "SELECT * FROM fresh", work)
    return stale + con.execute("SELECT count(*) FROM fresh").fetchone()[0]


def current_period(now: datetime | None = None) -> str:
    return timezone.localtime(now or timezone.now()).strftime("%Y-%m")


def refresh(reason: str = SummaryRefresh.Reason.MANUAL, progress: Tick | None = None,
            now: datetime | None = None) -> SummaryRefresh:
    """Recompute every summary figure from the source tables and replace them atomically."""
    from linkage.snapshots import duckdb_connection
    from programs.inputs import current_run_ids

    tick = progress or (lambda step, done, total: None)
    started, clock = timezone.now(), time.monotonic()
    now = now or started
    current = current_period(now)
    tmp = Path(settings.VAR_DIR) / "tmp"
    tmp.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=tmp, prefix="summaries-") as folder:
        work = Path(folder)
        con = duckdb_connection(work / "duckdb")
        try:
            read = sources(current_run_ids())
            for i, source in enumerate(read):
                tick("read", i, len(read))
                load(con, source, work)
            tick("read", len(read), len(read))
            tick("aggregate", 0, 0)
            aggregate(con, current, now)
            tick("write", 0, 0)
            with transaction.atomic():
                _replace(con, current, work)
                rows = con.execute("SELECT count(*) FROM figures").fetchone()[0]
                record = SummaryRefresh.objects.create(reason=reason, rows=rows)
                seconds = round(time.monotonic() - clock, 3)
                SummaryRefresh.objects.filter(pk=record.pk).update(
                    started_at=started, finished_at=timezone.now(), seconds=seconds)
        finally:
            con.close()
    if connection.vendor == "postgresql":  # fresh statistics for the dashboards' plans
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {RegionFigure._meta.db_table}")
    record.refresh_from_db()
    return record
