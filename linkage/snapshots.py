# ruff: noqa: S608 -- SQL text is built from table and column names defined in code and from
# paths this module creates; values from users never reach it.
"""Registry snapshots: an immutable, dated Parquet copy of the registry that every batch run
reads (and names), so a run can be repeated and checked against exactly the data it saw.

Layout under `settings.VAR_DIR/snapshots/<name>/` (the batch-engine contract):

    manifest.json                     name, taken_at (UTC), source, rows per table,
                                      sha256 per file, overall checksum
    households/province=32/part-0.parquet   (hive layout, one folder per province)
    families/province=32/part-0.parquet
    members/province=32/part-0.parquet

Columns are those of synth's SCHEMAS, plus `status` and `inactive_reason` on households and
members. The database is read through a bulk path (COPY ... TO STDOUT on PostgreSQL, a cursor
in large batches on SQLite) and written by DuckDB; nothing goes through the ORM row by row."""

import hashlib
import json
import os
import re
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from base.sql import literal
from synth.generate import SCHEMAS

TABLES = ("households", "families", "members")
MANIFEST = "manifest.json"
BATCH_ROWS = 100_000
NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")
STATUS_COLUMNS = {"households": True, "families": False, "members": True}
DUCKDB_TYPES = {
    pa.int64(): "BIGINT", pa.int32(): "INTEGER", pa.int16(): "SMALLINT", pa.string(): "VARCHAR",
    pa.float64(): "DOUBLE", pa.date32(): "DATE", pa.bool_(): "BOOLEAN",
}


class SnapshotError(Exception):
    """A snapshot cannot be taken, found or trusted (the message says why)."""


@dataclass(frozen=True)
class Column:
    name: str
    type: str  # DuckDB type in the snapshot


def columns(table: str) -> list[Column]:
    """The snapshot columns of a table, in order (without the `province` partition key)."""
    cols = [Column(f.name, DUCKDB_TYPES[f.type]) for f in SCHEMAS[table]]
    if STATUS_COLUMNS[table]:
        cols += [Column("status", "VARCHAR"), Column("inactive_reason", "VARCHAR")]
    return cols


# --- DuckDB ----------------------------------------------------------------------------------


def memory_limit() -> str:
    """DuckDB's memory limit: KESOS_DUCKDB_MEMORY, else half the machine's memory (at most
    12 GiB), so that a batch run fits the 16 GiB budget with Python beside it."""
    if os.environ.get("KESOS_DUCKDB_MEMORY"):
        return os.environ["KESOS_DUCKDB_MEMORY"]
    total_kb = 16 * 1024 * 1024
    try:
        with open("/proc/meminfo", encoding="ascii") as f:
            total_kb = int(next(line for line in f if line.startswith("MemTotal")).split()[1])
    except (OSError, StopIteration, ValueError):
        pass
    return f"{min(total_kb // 2 // 1024, 12 * 1024)}MB"


def duckdb_connection(temp_dir: Path | None = None) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB with a memory limit and a spill directory under VAR_DIR/tmp."""
    if temp_dir is None:
        from django.conf import settings

        temp_dir = Path(settings.VAR_DIR) / "tmp" / "duckdb"
    temp_dir.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(config={"memory_limit": memory_limit(),
                                 "temp_directory": str(temp_dir)})
    return con


def connect(snapshot, con: duckdb.DuckDBPyConnection | None = None
            ) -> duckdb.DuckDBPyConnection:
    """A DuckDB connection with views `households`, `families`, `members` over the snapshot's
    files (each with a VARCHAR `province` column from the hive layout). `snapshot` is a
    Snapshot row, a snapshot directory, or a snapshot name."""
    directory = snapshot_dir(snapshot)
    if not (directory / MANIFEST).exists():
        raise SnapshotError(f"no snapshot at {directory}")
    con = con or duckdb_connection()
    for table in TABLES:
        files = sorted((directory / table).glob("province=*/*.parquet"))
        if files:
            pattern = literal(f"{directory / table}/province=*/*.parquet")
            con.execute(
                f"CREATE OR REPLACE VIEW {table} AS SELECT * FROM read_parquet("
                f"{pattern}, hive_partitioning = true, hive_types = {{'province': VARCHAR}})")
        else:  # an empty table leaves no partition folder; keep the view's columns
            select = ", ".join(f"CAST(NULL AS {c.type}) AS {c.name}" for c in columns(table))
            con.execute(f"CREATE OR REPLACE VIEW {table} AS SELECT {select}, "
                        "CAST(NULL AS VARCHAR) AS province WHERE false")
    return con


def snapshot_dir(snapshot) -> Path:
    from django.conf import settings

    if isinstance(snapshot, Path):
        return snapshot
    name = snapshot if isinstance(snapshot, str) else snapshot.name
    return Path(settings.VAR_DIR) / "snapshots" / name


def snapshots_root() -> Path:
    from django.conf import settings

    return Path(settings.VAR_DIR) / "snapshots"


# --- writing ---------------------------------------------------------------------------------


def _write_partitioned(con: duckdb.DuckDBPyConnection, table: str, source: str,
                       out: Path) -> None:
    """COPY `source` (a relation with the table's columns, castable, plus `province`) into
    province folders of Parquet files."""
    select = ", ".join(f"CAST({c.name} AS {c.type}) AS {c.name}" for c in columns(table))
    con.execute(
        f"COPY (SELECT {select}, province FROM {source}) "
        f"TO {literal(out / table)} (FORMAT parquet, PARTITION_BY (province), "
        "FILENAME_PATTERN 'part-{i}', COMPRESSION zstd, ROW_GROUP_SIZE 122880)")


def _seal(staging: Path, final: Path, name: str, source: str, source_ref: str,
          rows: dict[str, int]) -> dict:
    """Hash every file, write the manifest, make it all read-only and move it into place."""
    files = {str(p.relative_to(staging)): _sha256(p)
             for p in sorted(staging.rglob("*.parquet"))}
    manifest = {
        "name": name, "taken_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "source": source, "source_ref": source_ref, "rows": rows, "files": files,
        "checksum": overall_checksum(files),
    }
    (staging / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    for path in staging.rglob("*"):
        if path.is_file():
            path.chmod(0o444)
    staging.rename(final)
    return manifest


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def overall_checksum(files: dict[str, str]) -> str:
    """sha256 over the sorted `sha256  path` lines (the format of sha256sum)."""
    lines = "".join(f"{sha}  {path}\n" for path, sha in sorted(files.items()))
    return hashlib.sha256(lines.encode()).hexdigest()


def _count_rows(con: duckdb.DuckDBPyConnection, staging: Path) -> dict[str, int]:
    rows = {}
    for table in TABLES:
        if any((staging / table).glob("province=*/*.parquet")):
            files = literal(f"{staging / table}/*/*.parquet")
            rows[table] = con.execute(f"SELECT count(*) FROM read_parquet({files})").fetchone()[0]
        else:
            rows[table] = 0
    return rows


def _new_name(root: Path, name: str | None) -> str:
    if name:
        if not NAME.fullmatch(name) or (root / name).exists():
            raise SnapshotError(f"snapshot name {name!r} is taken or not a plain name "
                                "(letters, digits, '.', '_', '-')")
        return name
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    name, n = stamp, 1
    while (root / name).exists():
        n += 1
        name = f"{stamp}-{n}"
    return name


def write_snapshot(root: Path, name: str | None, source: str, source_ref: str,
                   fill: Callable[[duckdb.DuckDBPyConnection, Path], None],
                   con: duckdb.DuckDBPyConnection | None = None) -> dict:
    """Create `root/<name>/` by calling `fill(con, staging)` (which writes the three tables
    into `staging`), then seal it; returns the manifest. A failure leaves nothing behind."""
    root.mkdir(parents=True, exist_ok=True)
    name = _new_name(root, name)
    staging = Path(tempfile.mkdtemp(prefix=f".{name}-", dir=root))
    con = con or duckdb_connection(root.parent / "tmp" / "duckdb")
    try:
        fill(con, staging)
        for table in TABLES:
            (staging / table).mkdir(exist_ok=True)
        return _seal(staging, root / name, name, source, source_ref, _count_rows(con, staging))
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


# --- from a synth output directory ------------------------------------------------------------


def fill_from_synth(synth_dir: Path) -> Callable[[duckdb.DuckDBPyConnection, Path], None]:
    """Everyone in a synth registry is active; province comes from the village code."""
    def fill(con: duckdb.DuckDBPyConnection, staging: Path) -> None:
        src = {t: f"read_parquet({literal(Path(synth_dir) / f'{t}.parquet')})" for t in TABLES}
        status = "'active' AS status, '' AS inactive_reason"
        con.execute(f"CREATE OR REPLACE TEMP VIEW src_households AS SELECT *, {status}, "
                    f"substr(village_code, 1, 2) AS province FROM {src['households']}")
        con.execute(f"CREATE OR REPLACE TEMP VIEW src_members AS SELECT *, {status}, "
                    f"substr(village_code, 1, 2) AS province FROM {src['members']}")
        con.execute("CREATE OR REPLACE TEMP VIEW src_families AS SELECT f.*, "
                    "substr(h.village_code, 1, 2) AS province "
                    f"FROM {src['families']} f JOIN {src['households']} h USING (household_id)")
        for table in TABLES:
            _write_partitioned(con, table, f"src_{table}", staging)
    return fill


def export_synth(synth_dir: Path, root: Path, name: str | None = None,
                 con: duckdb.DuckDBPyConnection | None = None) -> dict:
    """Write a snapshot of a `kesos synth` output directory without touching the database
    (benchmarks at national scale); returns the manifest."""
    synth_dir = Path(synth_dir)
    if not (synth_dir / "members.parquet").exists():
        raise SnapshotError(f"{synth_dir} is not a synth output directory")
    return write_snapshot(root, name, "synth", synth_dir.name, fill_from_synth(synth_dir), con)


# --- from the database -----------------------------------------------------------------------


def _source_sql(table: str, vendor: str) -> str:
    """The SELECT that reads one table from the registry, each column cast to a plain type
    (text, integer, real) so that both SQLite and PostgreSQL hand over the same values."""
    from registry.models import Family, Household, InstrumentVersion, Member

    real = "DOUBLE PRECISION" if vendor == "postgresql" else "REAL"
    h, f, m = (x._meta.db_table for x in (Household, Family, Member))
    iv = InstrumentVersion._meta.db_table
    province = "substr(h.village_id, 1, 2)"
    if table == "households":
        coded = ("floor_area_m2", "floor_material", "wall_material", "roof_material",
                 "drinking_water", "lighting", "cooking_fuel", "toilet_facility")
        cols = [
            "h.id AS household_id", "h.village_id AS village_code", "h.address", "h.rt", "h.rw",
            f"CAST(h.latitude AS {real}) AS latitude",
            f"CAST(h.longitude AS {real}) AS longitude",
            "COALESCE(iv.code, '') AS instrument_code", "iv.version AS instrument_version",
            "CAST(h.answers AS TEXT) AS answers",
            *(f"h.{c}" for c in coded),
            "h.status", "h.inactive_reason", f"{province} AS province",
        ]
        return (f"SELECT {', '.join(cols)} FROM {h} h LEFT JOIN {iv} iv "
                "ON iv.id = h.instrument_id")
    if table == "families":
        return (f"SELECT fa.id AS family_id, fa.household_id, fa.kk_number, {province} AS province "
                f"FROM {f} fa JOIN {h} h ON h.id = fa.household_id")
    coded = ("relation_to_household_head", "relation_to_family_head", "family_order",
             "marital_status")
    rest = ("disability", "chronic_illness", "school_participation", "education", "work_sector",
            "employment_status")
    cols = [
        "m.id AS member_id", "m.household_id", "m.family_id", "m.village_id AS village_code",
        "m.nik", "m.name", "m.name_key", "m.birth_place",
        "CAST(m.birth_date AS TEXT) AS birth_date", "m.sex", *(f"m.{c}" for c in coded),
        "CASE WHEN m.pregnant THEN 1 ELSE 0 END AS pregnant", *(f"m.{c}" for c in rest),
        "m.status", "m.inactive_reason", "substr(m.village_id, 1, 2) AS province",
    ]
    return f"SELECT {', '.join(cols)} FROM {m} m"


def _raw_type(column: Column) -> str:
    """How a column arrives from the database before the final cast."""
    return {"DATE": "VARCHAR", "BOOLEAN": "INTEGER", "SMALLINT": "BIGINT",
            "INTEGER": "BIGINT"}.get(column.type, column.type)


def _raw_columns(table: str) -> list[tuple[str, str]]:
    return [(c.name, _raw_type(c)) for c in columns(table)] + [("province", "VARCHAR")]


def _arrow_schema(table: str) -> pa.Schema:
    arrow = {"BIGINT": pa.int64(), "VARCHAR": pa.string(), "DOUBLE": pa.float64(),
             "INTEGER": pa.int64()}
    return pa.schema([(n, arrow[t]) for n, t in _raw_columns(table)])


def _fill_from_sqlite(tick: Callable[[str, int], None]):
    """Stream each SELECT in large batches into a staging Parquet file (from this thread:
    SQLite connections belong to their thread), then let DuckDB partition it."""
    from django.db import connection

    def fill(con: duckdb.DuckDBPyConnection, staging: Path) -> None:
        for table in TABLES:
            schema = _arrow_schema(table)
            raw = staging / f"{table}.raw.parquet"
            with connection.cursor() as cursor, pq.ParquetWriter(raw, schema) as writer:
                cursor.execute(_source_sql(table, "sqlite"))
                while rows := cursor.fetchmany(BATCH_ROWS):
                    values = zip(*rows, strict=True)
                    writer.write_batch(pa.RecordBatch.from_arrays(
                        [pa.array(v, type=f.type) for v, f in zip(values, schema, strict=True)],
                        schema=schema))
                    tick(table, len(rows))
            _write_partitioned(con, table, f"read_parquet({literal(raw)})", staging)
            raw.unlink()
    return fill


def _fill_from_postgresql(tick: Callable[[str, int], None]):
    """COPY each SELECT to a CSV file beside the snapshot (streamed, memory stays flat), then
    let DuckDB read it with the declared types."""
    from django.db import connection

    def fill(con: duckdb.DuckDBPyConnection, staging: Path) -> None:
        for table in TABLES:
            csv = staging / f"{table}.csv"
            with connection.cursor() as cursor, open(csv, "wb") as out:
                sql = f"COPY ({_source_sql(table, 'postgresql')}) TO STDOUT (FORMAT csv)"
                with cursor.cursor.copy(sql) as copy:
                    for chunk in copy:
                        out.write(chunk)
                        tick(table, bytes(chunk).count(b"\n"))
            types = ", ".join(f"'{n}': '{t}'" for n, t in _raw_columns(table))
            source = (f"read_csv({literal(csv)}, header = false, columns = {{{types}}}, "
                      "auto_detect = false, delim = ',', quote = '\"', escape = '\"', "
                      "allow_quoted_nulls = false)")
            if csv.stat().st_size:
                _write_partitioned(con, table, source, staging)
            csv.unlink()
    return fill


def _row_counts_in_db() -> dict[str, int]:
    from registry.models import Family, Household, Member

    return {"households": Household.objects.count(), "families": Family.objects.count(),
            "members": Member.objects.count()}


def export_database(root: Path, name: str | None = None, progress: bool = False) -> dict:
    """Write a snapshot of the registry in the default database; returns the manifest. Runs in
    one read transaction (REPEATABLE READ on PostgreSQL) so the tables agree with each other."""
    from django.db import connection, transaction

    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if connection.vendor == "postgresql" and outermost:
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        expected = _row_counts_in_db()
        bars = _progress_bars(expected, progress)
        try:
            fill = (_fill_from_postgresql if connection.vendor == "postgresql"
                    else _fill_from_sqlite)(lambda t, n: bars[t].update(n))
            return write_snapshot(root, name, "database", connection.vendor, fill)
        finally:
            for bar in bars.values():
                bar.close()


def _progress_bars(totals: dict[str, int], enabled: bool) -> dict:
    from tqdm import tqdm

    return {t: tqdm(total=totals[t], desc=f"snapshot {t}", unit="rows", disable=not enabled,
                    leave=True) for t in TABLES}


# --- recorded snapshots ----------------------------------------------------------------------


def _record(manifest: dict, seconds: float):
    from .models import Snapshot

    return Snapshot.objects.create(
        name=manifest["name"], taken_at=datetime.fromisoformat(manifest["taken_at"]),
        source=manifest["source"], source_ref=manifest["source_ref"][:100],
        households=manifest["rows"]["households"], families=manifest["rows"]["families"],
        members=manifest["rows"]["members"], checksum=manifest["checksum"], manifest=manifest,
        seconds=round(seconds, 3))


def take_snapshot(progress: bool = True, name: str | None = None):
    """Snapshot the registry in the database into VAR_DIR/snapshots/<name> (default: the UTC
    time) and record it; returns the Snapshot."""
    started = datetime.now(UTC)
    manifest = export_database(snapshots_root(), name, progress)
    return _record(manifest, (datetime.now(UTC) - started).total_seconds())


def snapshot_from_synth(synth_dir: Path, name: str | None = None):
    """Snapshot a `kesos synth` output directory (same layout, everyone active) and record it."""
    started = datetime.now(UTC)
    manifest = export_synth(Path(synth_dir), snapshots_root(), name)
    return _record(manifest, (datetime.now(UTC) - started).total_seconds())


def read_manifest(snapshot) -> dict:
    path = snapshot_dir(snapshot) / MANIFEST
    if not path.exists():
        raise SnapshotError(f"no snapshot at {path.parent}")
    return json.loads(path.read_text(encoding="utf-8"))


def verify(snapshot) -> list[str]:
    """What differs between the snapshot's files and its manifest (and, for a recorded
    Snapshot, between the manifest and the database row): an empty list when intact."""
    directory = snapshot_dir(snapshot)
    manifest = read_manifest(snapshot)
    problems = []
    files = manifest.get("files", {})
    present = {str(p.relative_to(directory)) for p in directory.rglob("*.parquet")}
    problems += [f"missing file {p}" for p in sorted(set(files) - present)]
    problems += [f"unexpected file {p}" for p in sorted(present - set(files))]
    problems += [f"changed file {p}" for p in sorted(set(files) & present)
                 if _sha256(directory / p) != files[p]]
    if overall_checksum(files) != manifest.get("checksum"):
        problems.append("manifest checksum does not match its file list")
    recorded = getattr(snapshot, "checksum", None)
    if recorded is not None and recorded != manifest.get("checksum"):
        problems.append("manifest differs from the recorded snapshot")
    return problems


def require_intact(snapshot) -> dict:
    """The manifest of an untampered snapshot; SnapshotError naming what changed otherwise."""
    problems = verify(snapshot)
    if problems:
        raise SnapshotError(f"snapshot {snapshot_dir(snapshot).name} fails verification: "
                            + "; ".join(problems[:5]))
    return read_manifest(snapshot)
