"""Reading and checking a Dukcapil extract file (Parquet or CSV) and writing it as the
immutable Parquet dataset the matching reads. No Django here: `civil.services.import_extract`
records the result.

Columns (as synth's dukcapil.parquet): nik, kk_number, name, birth_date (ISO yyyy-mm-dd),
sex (L/P), village_code ('PP.KK.DD.VVVV') are required; birth_place, address, rt, rw and
death_date (empty when alive) are optional; other columns are ignored."""
# ruff: noqa: S608 - SQL text is built from constants and quoted file paths, never user input.

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from base.sql import literal
from registry import identity
from synth.names import name_keys

from .sql import nik_valid_query

REQUIRED = ("nik", "kk_number", "name", "birth_date", "sex", "village_code")
OPTIONAL = ("birth_place", "address", "rt", "rw", "death_date")
FILE_NAME = "extract.parquet"
MAX_REPORTED = 100


@dataclass(frozen=True)
class RowError:
    """One problem in the file: data row (1 = first row after the header; 0 = the file)."""

    row: int
    field: str
    message_id: str
    message_en: str

    def message(self, lang: str = "id") -> str:
        text = self.message_id if lang == "id" else self.message_en
        where = (f"Baris {self.row}" if lang == "id" else f"Row {self.row}") if self.row else \
            ("Berkas" if lang == "id" else "File")
        return f"{where}, {self.field}: {text}"


class ExtractError(Exception):
    """The file was refused; `errors` lists the first problems, `total` counts them all."""

    def __init__(self, errors: list[RowError], total: int | None = None):
        self.errors = errors
        self.total = total if total is not None else len(errors)
        super().__init__(self.summary("en"))

    def summary(self, lang: str = "id") -> str:
        head = (f"Berkas ditolak: {self.total} kesalahan." if lang == "id"
                else f"File refused: {self.total} error(s).")
        return "\n".join([head, *(e.message(lang) for e in self.errors)])


def file_checksum(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def read_file(path: Path) -> pa.Table:
    """The file's known columns as text (dates as yyyy-mm-dd), whatever the format."""
    path = Path(path)
    known = set(REQUIRED + OPTIONAL)
    try:
        if path.suffix.lower() == ".parquet":
            names = [c for c in pq.read_schema(path).names if c in known]
            table = pq.read_table(path, columns=names)
            return pa.table({name: _as_text(table[name]) for name in table.column_names})
        if path.suffix.lower() == ".csv":
            with open(path, encoding="utf-8-sig") as f:
                header = [n.strip().strip('"') for n in f.readline().strip().split(",")]
            return pacsv.read_csv(path, convert_options=pacsv.ConvertOptions(
                column_types={n: pa.string() for n in header},
                include_columns=[n for n in header if n in known],
                strings_can_be_null=False, quoted_strings_can_be_null=False))
    except (pa.ArrowException, OSError, UnicodeDecodeError) as error:
        raise ExtractError([RowError(0, "file", f"Berkas tidak dapat dibaca: {error}",
                                     f"The file cannot be read: {error}")]) from None
    raise ExtractError([RowError(0, "file", "Format berkas harus .parquet atau .csv.",
                                 "The file must be .parquet or .csv.")])


def _as_text(column: pa.ChunkedArray) -> pa.ChunkedArray:
    text = column.cast(pa.string()) if not pa.types.is_string(column.type) else column
    return pc.fill_null(text, "")


# Each check: field, SQL condition that marks a bad row, messages (id, en).
_CHECKS = [
    ("name", "trim(name) = ''", "Nama wajib diisi.", "The name is required."),
    ("birth_date", "try_cast(birth_date AS DATE) IS NULL",
     "Tanggal lahir harus berupa tanggal (tttt-bb-hh).",
     "The birth date must be a date (yyyy-mm-dd)."),
    ("sex", "sex NOT IN ('L', 'P')", "Jenis kelamin harus L atau P.", "The sex must be L or P."),
    ("village_code",
     "NOT regexp_full_match(village_code, '[0-9]{2}\\.[0-9]{2}\\.[0-9]{2}\\.[0-9]{4}')",
     "Kode desa/kelurahan harus berbentuk PP.KK.DD.DDDD.",
     "The village code must look like PP.KK.DD.VVVV."),
    ("death_date", "death_date <> '' AND try_cast(death_date AS DATE) IS NULL",
     "Tanggal kematian harus berupa tanggal (tttt-bb-hh) atau kosong.",
     "The death date must be a date (yyyy-mm-dd) or empty."),
]


def validate(con: duckdb.DuckDBPyConnection, table: pa.Table) -> None:
    """Raise ExtractError naming row and field of every problem (the first MAX_REPORTED)."""
    missing = [c for c in REQUIRED if c not in table.column_names]
    if missing:
        raise ExtractError([RowError(0, c, "Kolom wajib tidak ada.", "Required column missing.")
                            for c in missing])
    if table.num_rows == 0:
        raise ExtractError([RowError(0, "file", "Berkas tidak berisi data.",
                                     "The file holds no rows.")])
    _register(con, table)
    errors: list[RowError] = []
    total = 0
    for field, condition, message_id, message_en in _CHECKS:
        total += _collect(con, condition, field, errors,
                          lambda _v, mi=message_id, me=message_en: (mi, me))
    total += _collect(con, "NOT nik_valid", "nik", errors, _nik_message,
                      source=nik_valid_query("raw", "nik"))
    total += _collect(con, "NOT (length(kk_number) = 16 AND translate(kk_number, '0123456789', "
                           "'') = '' AND substr(kk_number, 7) <> '0000000000' AND "
                           "substr(kk_number, 1, 2) >= '11' AND substr(kk_number, 3, 2) <> '00' "
                           "AND substr(kk_number, 5, 2) <> '00')",
                      "kk_number", errors, _kk_message)
    total += _collect(con, "nik IN (SELECT nik FROM raw GROUP BY nik HAVING count(*) > 1)",
                      "nik", errors,
                      lambda v: (f"NIK {v} muncul lebih dari sekali.",
                                 f"NIK {v} appears more than once."))
    if total:
        errors.sort(key=lambda e: (e.row, e.field))
        raise ExtractError(errors[:MAX_REPORTED], total)


def _register(con: duckdb.DuckDBPyConnection, table: pa.Table) -> None:
    columns = {name: table[name] for name in (*REQUIRED, *OPTIONAL) if name in table.column_names}
    for name in OPTIONAL:
        columns.setdefault(name, pa.array([""] * table.num_rows, pa.string()))
    columns["row"] = pa.array(range(1, table.num_rows + 1), pa.int64())
    con.register("raw_arrow", pa.table(columns))
    con.execute("CREATE OR REPLACE TEMP VIEW raw AS SELECT * FROM raw_arrow")


def _collect(con, condition: str, field: str, errors: list[RowError], message,
             source: str = "SELECT * FROM raw") -> int:
    query = f"SELECT row, {field} AS value FROM (SELECT *, {condition} AS bad FROM ({source}) s) "
    bad = con.execute(f"SELECT count(*) FROM ({query} WHERE bad)").fetchall()[0][0]
    for row, value in con.execute(
            f"{query} WHERE bad ORDER BY row LIMIT {MAX_REPORTED}").fetchall():
        errors.append(RowError(row, field, *message(value)))
    return bad


def _nik_message(value: str) -> tuple[str, str]:
    parsed = identity.parse_nik(value)
    problem = parsed.errors[0]
    return problem.message_id, problem.message_en


def _kk_message(value: str) -> tuple[str, str]:
    parsed = identity.parse_kk(value)
    problem = parsed.errors[0]
    return problem.message_id, problem.message_en


def civil_name_keys(names: pa.ChunkedArray) -> pa.ChunkedArray:
    """registry.names.name_key for a column: accents folded to ASCII first ('Désa' -> 'DESA')."""
    folded = pc.utf8_normalize(names, "NFKD")
    return name_keys(pc.replace_substring_regex(folded, r"[^\x00-\x7f]", ""))


def write_dataset(con: duckdb.DuckDBPyConnection, table: pa.Table, target: Path) -> int:
    """Write the checked rows (typed, with name_key, sorted by NIK) to `target`/extract.parquet
    through a temporary directory renamed into place; the file is made read-only."""
    keys = civil_name_keys(table["name"])
    con.register("keys_arrow", pa.table({"row": pa.array(range(1, table.num_rows + 1)),
                                         "name_key": keys}))
    tmp = target.parent / f".{target.name}.tmp-{os.getpid()}"
    tmp.mkdir(parents=True)
    con.execute(f"""
        COPY (
            SELECT nik, kk_number, trim(name) AS name, k.name_key, birth_place,
                   CAST(birth_date AS DATE) AS birth_date, sex, village_code,
                   substr(village_code, 1, 8) AS district_code, address, rt, rw,
                   CAST(nullif(death_date, '') AS DATE) AS death_date
            FROM raw JOIN keys_arrow k USING (row) ORDER BY nik
        ) TO {literal(tmp / FILE_NAME)} (FORMAT parquet)""")
    (tmp / FILE_NAME).chmod(0o444)
    tmp.rename(target)
    return table.num_rows
