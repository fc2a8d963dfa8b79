# ruff: noqa: S608 -- SQL text is built from constants and the model's own table names; file
# values reach DuckDB as registered Arrow tables and the database as parameters or COPY data.
"""Imports of the reference lists programs check: the exclusion and membership lists other
agencies send (matched by NIK) and the UMK table per kabupaten/kota.

Both imports follow the house rules of file imports (civil.extracts): a file with any error is
refused with its errors named by row and field in Indonesian and English, and nothing is
written; the same file twice changes nothing the second time. A list file is kept whole as a
new ReferenceList: the newest import of a kind is the list in force (`lists_in_force`)."""

import csv
import re
from dataclasses import dataclass, replace
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
from django.db import transaction

from audit.models import Source
from audit.services import Context, record, record_bulk
from base.bulk import load_model
from civil.extracts import MAX_REPORTED, ExtractError, RowError, file_checksum
from civil.sql import nik_valid_query
from registry import identity
from wilayah.models import Level, Region

from .models import ListEntry, ListKind, MinimumWage, ReferenceList

CAPITALS = Path(__file__).resolve().parent / "data" / "provincial_capitals.csv"
LIST_ACTION = "programs.list.import"
UMK_ACTION = "programs.umk.import"
LIST_COLUMNS = ("nik", "name", "detail", "monthly_income")
LIST_ALIASES = {"employer": "detail"}
UMK_COLUMNS = ("regency_code", "amount")
INCOME_KIND = ListKind.PENGHASILAN
BATCH_ROWS = 50_000
MAX_RUPIAH_DIGITS = 15  # a thousand trillion rupiah: beyond any wage, within BIGINT
_REGENCY_CODE = re.compile(r"[0-9]{2}\.[0-9]{2}")
_DIGITS = re.compile(r"[0-9]+")


masked = identity.mask_niks_in


class ListImportError(ExtractError):
    """A list or UMK file was refused; `errors` names row and field, `total` counts them."""


@dataclass(frozen=True)
class ImportResult:
    reference_list: ReferenceList
    created: bool  # False: this very file was imported before and nothing changed


@dataclass(frozen=True)
class WageImportResult:
    year: int
    rows: int
    created: bool  # False: the year already held exactly these amounts


# --- reading ---------------------------------------------------------------------------------


def _refuse(field: str, message_id: str, message_en: str) -> ListImportError:
    return ListImportError([RowError(0, field, message_id, message_en)])


def read_columns(path: Path, known: tuple[str, ...], aliases: dict[str, str] | None = None
                 ) -> pa.Table:
    """The file's `known` columns as text (nulls as ''), from CSV or Parquet. Header names are
    matched without case or surrounding spaces; an alias is used when its column is absent."""
    path = Path(path)
    aliases = aliases or {}
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".parquet"):
        raise _refuse("file", "Format berkas harus .parquet atau .csv.",
                      "The file must be .parquet or .csv.")
    try:
        table = _read_parquet(path) if suffix == ".parquet" else _read_csv(path)
    except (pa.ArrowException, OSError, UnicodeDecodeError, csv.Error) as error:
        raise _refuse("file", f"Berkas tidak dapat dibaca: {error}",
                      f"The file cannot be read: {error}") from None
    by_name: dict[str, pa.ChunkedArray] = {}
    for name, column in zip(table.column_names, table.columns, strict=True):
        key = name.strip().lower()
        by_name.setdefault(key, column)
    for alias, target in aliases.items():
        if alias in by_name and target not in by_name:
            by_name[target] = by_name[alias]
    return pa.table({name: _as_text(by_name[name]) for name in known if name in by_name})


def _read_parquet(path: Path) -> pa.Table:
    return pq.read_table(path)


def _read_csv(path: Path) -> pa.Table:
    """Every column as text, so NIKs and codes keep their digits exactly as written."""
    with open(path, encoding="utf-8-sig", newline="") as f:
        header = next(csv.reader(f), [])
    return pacsv.read_csv(path, convert_options=pacsv.ConvertOptions(
        column_types={name: pa.string() for name in header},
        strings_can_be_null=False, quoted_strings_can_be_null=False))


def _as_text(column: pa.ChunkedArray) -> pa.ChunkedArray:
    text = column if pa.types.is_string(column.type) else column.cast(pa.string())
    return text.fill_null("")


def _import_context(ctx: Context | None, user, path: Path, checksum: str, reason: str
                    ) -> Context:
    """The caller's context (or one for `user`), marked as an import of this file: its name
    and checksum, never its contents."""
    ctx = ctx or Context(actor=user, reason=reason)
    return replace(ctx, source=Source.IMPORT,
                   source_ref=f"{path.name[:80]} sha256:{checksum[:12]}")


# --- reference lists -------------------------------------------------------------------------


def import_list(path: Path, kind: str, ctx: Context | None = None, user=None) -> ImportResult:
    """Import a list file of `kind` (a ListKind) as the new list in force of that kind.

    Columns: nik (required), name, detail (alias employer), monthly_income (required, whole
    rupiah >= 0, for `penghasilan`; ignored otherwise). A NIK repeated in the file is kept once
    (first row's name and detail; the highest income). Raises ListImportError naming every
    problem's row and field; writes nothing then. The same file again returns the list imported
    before and changes nothing."""
    path = Path(path)
    if kind not in ListKind.values:
        raise _refuse("kind", f"Jenis daftar tidak dikenal: {kind!r}.",
                      f"Unknown list kind: {kind!r}.")
    checksum = file_checksum(path)
    existing = ReferenceList.objects.filter(checksum=checksum).first()
    if existing:
        if existing.kind != kind:
            raise _refuse("file", f"Berkas ini sudah diimpor sebagai daftar {existing.kind}.",
                          f"This file was already imported as the {existing.kind} list.")
        return ImportResult(existing, False)
    ctx = _import_context(ctx, user, path, checksum, "reference list import")
    actor = ctx.actor if getattr(ctx.actor, "is_authenticated", False) else None
    previous = lists_in_force().get(kind)
    with duckdb.connect() as con:
        rows = _checked_list(con, read_columns(path, LIST_COLUMNS, LIST_ALIASES), kind)
        with transaction.atomic():
            reference_list = ReferenceList.objects.create(
                kind=kind, source_name=path.name[:255], checksum=checksum, rows=rows,
                imported_by=actor)
            _insert_entries(con, reference_list.pk)
            record(ctx, LIST_ACTION, reference_list, {
                "kind": kind, "rows": rows, "checksum": checksum,
                "replaces": previous.pk if previous else None})
    return ImportResult(reference_list, True)


def _checked_list(con: duckdb.DuckDBPyConnection, table: pa.Table, kind: str) -> int:
    """Check every row; leave the distinct entries in the DuckDB view `entries`; return their
    count."""
    income = kind == INCOME_KIND
    required = ("nik", "monthly_income") if income else ("nik",)
    missing = [c for c in required if c not in table.column_names]
    if missing:
        raise ListImportError([RowError(0, c, "Kolom wajib tidak ada.",
                                        "Required column missing.") for c in missing])
    if table.num_rows == 0:
        raise _refuse("file", "Berkas tidak berisi data.", "The file holds no rows.")
    columns = {c: table[c] for c in LIST_COLUMNS if c in table.column_names}
    for name in LIST_COLUMNS:
        columns.setdefault(name, pa.array([""] * table.num_rows, pa.string()))
    columns["row"] = pa.array(range(1, table.num_rows + 1), pa.int64())
    con.register("raw_arrow", pa.table(columns))
    con.execute(f"CREATE TEMP TABLE checked AS {nik_valid_query('raw_arrow', 'nik')}")
    errors: list[RowError] = []
    total = _collect(con, "NOT nik_valid", "nik", errors, _nik_message)
    if income:
        total += _collect(
            con, f"NOT (regexp_full_match(trim(monthly_income), '[0-9]{{1,{MAX_RUPIAH_DIGITS}}}'))",
            "monthly_income", errors,
            lambda _v: ("Penghasilan per bulan wajib diisi dengan bilangan bulat rupiah, 0 atau "
                        "lebih.", "The monthly income must be a whole number of rupiah, 0 or "
                        "more."))
    if total:
        errors.sort(key=lambda e: (e.row, e.field))
        raise ListImportError(errors[:MAX_REPORTED], total)
    income_sql = "max(CAST(trim(monthly_income) AS BIGINT))" if income else "NULL::BIGINT"
    con.execute(f"""
        CREATE TEMP TABLE entries AS
        SELECT nik_clean AS nik, left(trim(arg_min(name, row)), 100) AS name,
               left(trim(arg_min(detail, row)), 200) AS detail, {income_sql} AS monthly_income
        FROM checked GROUP BY nik_clean ORDER BY nik_clean""")
    return con.execute("SELECT count(*) FROM entries").fetchall()[0][0]


def _collect(con: duckdb.DuckDBPyConnection, condition: str, field: str,
             errors: list[RowError], message) -> int:
    bad = f"SELECT row, {field} AS value FROM checked WHERE {condition}"
    total = con.execute(f"SELECT count(*) FROM ({bad})").fetchall()[0][0]
    for row, value in con.execute(f"{bad} ORDER BY row LIMIT {MAX_REPORTED}").fetchall():
        errors.append(RowError(row, field, *message(value)))
    return total


def _nik_message(value: str) -> tuple[str, str]:
    problems = identity.parse_nik(value).errors
    if not problems:  # the SQL check is stricter only in ways parse_nik also reports
        return "NIK tidak sah.", "The NIK is not valid."
    return problems[0].message_id, problems[0].message_en


def _insert_entries(con: duckdb.DuckDBPyConnection, list_id: int) -> None:
    """The checked entries into ListEntry in bulk (no model object per row)."""
    reader = con.sql(
        f"SELECT {list_id}::BIGINT AS reference_list_id, nik, COALESCE(name, '') AS name, "
        "COALESCE(detail, '') AS detail, monthly_income "
        "FROM entries ORDER BY nik").to_arrow_reader(BATCH_ROWS)
    load_model(ListEntry, ({name: batch.column(name) for name in batch.schema.names}
                           for batch in reader))


def lists_in_force() -> dict[str, ReferenceList]:
    """The newest import of each list kind (kinds never imported are absent)."""
    newest: dict[str, ReferenceList] = {}
    for reference_list in ReferenceList.objects.order_by("kind", "-imported_at", "-id"):
        newest.setdefault(reference_list.kind, reference_list)
    return newest


def provincial_capitals(path: Path = CAPITALS) -> set[str]:
    """The kabupaten/kota codes of the 38 provincial capitals (programs/data, from the
    official region list); the rice aid gives these a larger quota."""
    with open(path, encoding="utf-8", newline="") as f:
        return {row["code"] for row in csv.DictReader(f)}


# --- UMK -------------------------------------------------------------------------------------


def import_minimum_wages(path: Path, year: int, ctx: Context | None = None, user=None
                         ) -> WageImportResult:
    """Replace the UMK of `year` with the file's: columns regency_code (dotted kabupaten/kota
    code, e.g. 32.01, a known regency) and amount (whole rupiah per month, > 0), one row per
    regency. All or nothing; a file whose amounts the year already holds changes nothing."""
    path = Path(path)
    if not 2000 <= int(year) <= 2100:
        raise _refuse("year", f"Tahun tidak sah: {year}.", f"Invalid year: {year}.")
    wages = _checked_wages(read_columns(path, UMK_COLUMNS))
    current = dict(MinimumWage.objects.filter(year=year).values_list("regency_id", "amount"))
    if current == wages:
        return WageImportResult(year, len(wages), False)
    checksum = file_checksum(path)
    ctx = _import_context(ctx, user, path, checksum, "UMK import")
    with transaction.atomic():
        MinimumWage.objects.filter(year=year).delete()
        MinimumWage.objects.bulk_create(
            [MinimumWage(year=year, regency_id=code, amount=amount, source_name=path.name[:255])
             for code, amount in sorted(wages.items())], batch_size=1000)
        record_bulk(ctx, UMK_ACTION, "programs.minimumwage", [(str(year), "", {
            "rows": len(wages), "replaced": len(current), "checksum": checksum})])
    return WageImportResult(year, len(wages), True)


def _checked_wages(table: pa.Table) -> dict[str, int]:
    """{regency code: amount} of a UMK file, or ListImportError naming every problem."""
    missing = [c for c in UMK_COLUMNS if c not in table.column_names]
    if missing:
        raise ListImportError([RowError(0, c, "Kolom wajib tidak ada.",
                                        "Required column missing.") for c in missing])
    if table.num_rows == 0:
        raise _refuse("file", "Berkas tidak berisi data.", "The file holds no rows.")
    known = set(Region.objects.filter(level=Level.REGENCY).values_list("code", flat=True))
    wages: dict[str, int] = {}
    first_row: dict[str, int] = {}
    errors: list[RowError] = []
    codes, amounts = table["regency_code"].to_pylist(), table["amount"].to_pylist()
    for row, (raw_code, raw_amount) in enumerate(zip(codes, amounts, strict=True), start=1):
        code, amount = raw_code.strip(), raw_amount.strip()
        errors += _code_errors(row, code, known, first_row)
        if not (_DIGITS.fullmatch(amount) and len(amount) <= MAX_RUPIAH_DIGITS
                and int(amount) > 0):
            errors.append(RowError(row, "amount",
                                   "UMK harus bilangan bulat rupiah lebih dari 0.",
                                   "The UMK must be a whole number of rupiah above 0."))
        elif code in known:
            wages[code] = int(amount)
    if errors:
        raise ListImportError(errors[:MAX_REPORTED], len(errors))
    return wages


def _code_errors(row: int, code: str, known: set[str], first_row: dict[str, int]
                 ) -> list[RowError]:
    if not _REGENCY_CODE.fullmatch(code):
        return [RowError(row, "regency_code", "Kode kabupaten/kota harus berbentuk PP.KK.",
                         "The regency/city code must look like PP.KK.")]
    if code not in known:
        return [RowError(row, "regency_code", f"Kabupaten/kota {code} tidak dikenal.",
                         f"Regency/city {code} is not known.")]
    if code in first_row:
        return [RowError(row, "regency_code",
                         f"Kabupaten/kota {code} sudah ada di baris {first_row[code]}.",
                         f"Regency/city {code} already appears in row {first_row[code]}.")]
    first_row[code] = row
    return []
