"""Actions of the civil app: import a Dukcapil extract, load a matching run's results into the
database (in bulk: COPY on PostgreSQL, executemany on SQLite)."""

import io
import json
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from audit.models import Source
from audit.services import Context, record, record_bulk
from registry.models import Member

from . import extracts
from .extracts import ExtractError, RowError
from .models import CivilCandidate, CivilExtract, MemberMatch

IMPORT_ACTION = "civil.import_extract"
LOAD_ACTION = "civil.load_results"
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,99}")


def extract_dir(name: str) -> Path:
    return Path(settings.VAR_DIR) / "civil" / name


def extract_path(extract: CivilExtract) -> Path:
    """The Parquet file the matching reads (`civil_source` of match_members)."""
    return extract_dir(extract.name) / extracts.FILE_NAME


@dataclass
class ImportResult:
    extract: CivilExtract
    created: bool


def import_extract(path: Path, name: str = "", ctx: Context | None = None) -> ImportResult:
    """Check the file and keep it as an immutable dataset. The same file again returns the
    extract imported before and changes nothing; a file with errors raises ExtractError (rows
    and fields named) and leaves nothing behind."""
    path = Path(path)
    checksum = extracts.file_checksum(path)
    existing = CivilExtract.objects.filter(checksum=checksum).first()
    if existing:
        return ImportResult(existing, False)
    name = name or f"{path.stem}-{checksum[:12]}"
    if not _NAME.fullmatch(name) or CivilExtract.objects.filter(name=name).exists():
        raise ExtractError([RowError(0, "name", f"Nama ekstrak {name!r} tidak sah atau sudah ada.",
                                     f"The extract name {name!r} is invalid or taken.")])
    target = extract_dir(name)
    reusable = _same_dataset_on_disk(target, checksum)
    if target.exists() and not reusable:
        raise ExtractError([RowError(0, "name", f"Folder {target} sudah ada.",
                                     f"The folder {target} already exists.")])
    con = duckdb.connect()
    table = extracts.read_file(path)
    extracts.validate(con, table)
    ctx = ctx or Context(source=Source.IMPORT, source_ref=path.name[:100],
                         reason="civil-registry extract import")
    try:
        with transaction.atomic():
            extract = CivilExtract.objects.create(name=name, source_name=path.name[:255],
                                                  rows=table.num_rows, checksum=checksum)
            record(ctx, IMPORT_ACTION, extract, {"rows": table.num_rows, "checksum": checksum})
            if not reusable:
                target.parent.mkdir(parents=True, exist_ok=True)
                extracts.write_dataset(con, table, target)
                manifest = {"name": name, "source": path.name, "rows": table.num_rows,
                            "checksum": checksum, "imported_at": extract.imported_at.isoformat()}
                (target / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
                (target / "manifest.json").chmod(0o444)
    except BaseException:
        if target.exists() and not reusable:
            shutil.rmtree(target)
        raise
    return ImportResult(extract, True)


def _same_dataset_on_disk(target: Path, checksum: str) -> bool:
    """A dataset written from this very file whose record is gone (a database restored from
    an older backup): reuse it rather than refuse."""
    manifest = target / "manifest.json"
    if not manifest.exists():
        return False
    return json.loads(manifest.read_text()).get("checksum") == checksum


# --- write-back of a matching run -------------------------------------------------------------

_STATUS_COLUMNS = ("member_id", "status", "differs_name", "differs_birth_date", "differs_sex",
                   "differs_kk", "deceased", "death_date", "moved", "civil_village_code")
_CANDIDATE_COLUMNS = ("member_id", "rank", "nik", "name", "birth_date", "sex", "village_code",
                      "match_weight", "match_probability")


def load_results(run_ref: str, out_dir: Path, ctx: Context | None = None) -> dict[str, int]:
    """Load civil_status.parquet and civil_candidates.parquet of a run into MemberMatch and
    CivilCandidate: each member of the run gets its new status and candidates in place of the
    previous run's. Members no longer in the database are skipped."""
    out_dir = Path(out_dir)
    status = pq.read_table(out_dir / "civil_status.parquet", columns=list(_STATUS_COLUMNS))
    candidates = _candidates_table(out_dir / "civil_candidates.parquet")
    ctx = ctx or Context(source=Source.BATCH, source_ref=run_ref[:100],
                         reason="civil-registry matching")
    stamp = timezone.now()
    match_table = MemberMatch._meta.db_table
    candidate_table = CivilCandidate._meta.db_table
    member_table = Member._meta.db_table
    with transaction.atomic(), connection.cursor() as cursor:
        _stage(cursor, "civil_status_stage", _STATUS_DDL, status)
        _stage(cursor, "civil_candidate_stage", _CANDIDATE_DDL, candidates)
        stage = "SELECT member_id FROM civil_status_stage"
        cursor.execute(f"DELETE FROM {candidate_table} WHERE member_id IN ({stage})")  # noqa: S608
        cursor.execute(f"DELETE FROM {match_table} WHERE member_id IN ({stage})")  # noqa: S608
        cursor.execute(f"""
            INSERT INTO {match_table} (member_id, run_ref, status, differs_name,
                differs_birth_date, differs_sex, differs_kk, deceased, death_date, moved,
                civil_village_code, matched_at)
            SELECT s.member_id, %s, s.status, s.differs_name, s.differs_birth_date,
                s.differs_sex, s.differs_kk, s.deceased, s.death_date, s.moved,
                coalesce(s.civil_village_code, ''), %s
            FROM civil_status_stage s JOIN {member_table} m ON m.id = s.member_id""",  # noqa: S608
                       [run_ref, stamp])
        loaded = cursor.rowcount
        cursor.execute(f"""
            INSERT INTO {candidate_table} (member_id, run_ref, rank, nik, name, birth_date, sex,
                village_code, match_weight, match_probability)
            SELECT s.member_id, %s, s.rank, s.nik, s.name, s.birth_date, coalesce(s.sex, ''),
                coalesce(s.village_code, ''), s.match_weight, s.match_probability
            FROM civil_candidate_stage s JOIN {member_table} m ON m.id = s.member_id""",  # noqa: S608
                       [run_ref])
        candidate_rows = cursor.rowcount
        for name in ("civil_status_stage", "civil_candidate_stage"):
            cursor.execute(f"DROP TABLE {name}")
        counts = {"members": loaded, "candidates": candidate_rows,
                  "skipped": status.num_rows - loaded}
        record_bulk(ctx, LOAD_ACTION, "civil.run", [(run_ref[:64], "", counts)])
    return counts


_STATUS_DDL = """member_id bigint, status varchar(16), differs_name boolean,
    differs_birth_date boolean, differs_sex boolean, differs_kk boolean, deceased boolean,
    death_date date, moved boolean, civil_village_code varchar(13)"""
_CANDIDATE_DDL = """member_id bigint, rank smallint, nik varchar(16), name varchar(100),
    birth_date date, sex varchar(1), village_code varchar(13), match_weight double precision,
    match_probability double precision"""


def _candidates_table(path: Path) -> pa.Table:
    if not path.exists():
        return pa.table({c: pa.array([], pa.string()) for c in _CANDIDATE_COLUMNS})
    table = pq.read_table(path)
    renamed = table.rename_columns(
        [c.removeprefix("candidate_") if c.startswith("candidate_") else c
         for c in table.column_names])
    return renamed.select(list(_CANDIDATE_COLUMNS))


def _stage(cursor, name: str, ddl: str, data: pa.Table) -> None:
    """A temporary table holding `data`, filled by COPY (PostgreSQL) or executemany."""
    cursor.execute(f"CREATE TEMP TABLE {name} ({ddl})")
    columns = ", ".join(data.column_names)
    if connection.vendor == "postgresql":
        buffer = io.BytesIO()
        pacsv.write_csv(data, buffer, pacsv.WriteOptions(include_header=False))
        with cursor.cursor.copy(f"COPY {name} ({columns}) FROM STDIN (FORMAT csv)") as copy:
            copy.write(buffer.getbuffer())
        return
    values = []
    for column in data.columns:
        if pa.types.is_date(column.type):
            column = column.cast(pa.string())
        values.append(column.to_pylist())
    placeholders = ", ".join(["%s"] * data.num_columns)
    cursor.executemany(f"INSERT INTO {name} ({columns}) VALUES ({placeholders})",  # noqa: S608
                       zip(*values, strict=True))
