"""Outside tables for the linkage engine (`kesos link`, `linkage.dedup.link_tables`).

A table (a CSV or Parquet file, a pandas frame, a relation of the connection) is copied into
DuckDB with its record order kept, so every problem can name its rows, and checked against
its column mapping before any linkage SQL runs over it: the mapped columns exist, there are
records, every record has its own id, mapped columns hold values, and the birth dates fit
the date format (below `MIN_DATES` of them the table is refused; the share can be lowered).
Each refusal (`LinkInputError`) and each note names the file, the column and rows, in
Indonesian and English. `own_ids` writes a link's outputs in the users' own ids with the side
of each record: inside the engine the ids of the two tables carry 'l:'/'r:' to keep apart."""

# ruff: noqa: S608 -- SQL text names the tables this module creates; file paths, formats and
# the user's column names reach it only through base.sql.literal and identifier.

import codecs
import difflib
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from base.sql import identifier, literal

from .mapping import ColumnMapping

MIN_DATES = 0.95  # share of the non-empty birth dates that must fit the format
EXAMPLES = 3  # rows quoted in a message
ID_TYPES = {"VARCHAR", "BIGINT", "INTEGER", "SMALLINT", "TINYINT", "HUGEINT", "UBIGINT",
            "UINTEGER", "USMALLINT", "UTINYINT"}
CSV_SUFFIXES = (".csv", ".txt", ".tsv")
SIDES = {"left": ("kiri", "left"), "right": ("kanan", "right")}


class LinkInputError(ValueError):
    """A table the linkage cannot use, with the reason in Indonesian and English."""

    def __init__(self, id_: str, en: str):
        super().__init__(en)
        self.id, self.en = id_, en

    def message(self, lang: str = "id") -> str:
        return self.id if lang == "id" else self.en


@dataclass(frozen=True)
class Note:
    """Something the user should know about a table that was linked all the same."""

    id: str
    en: str

    def message(self, lang: str = "id") -> str:
        return self.id if lang == "id" else self.en


@dataclass(frozen=True)
class Side:
    """One input table as loaded: `name` in the connection, `label` what its user calls it
    (Indonesian, English), `first_row` the row number of its first record."""

    side: str
    name: str
    label: tuple[str, str]
    first_row: int
    id_type: str = "VARCHAR"
    records: int = 0


def _n(value: int, lang: str) -> str:
    """3,150 in English, 3.150 in Indonesian."""
    text = f"{value:,}"
    return text.replace(",", ".") if lang == "id" else text


def _rows(rows: list[tuple[int, Any]], lang: str) -> str:
    word = "baris" if lang == "id" else "row"
    return ", ".join(f"{word} {n} {_shown(v)}" if v is not None else f"{word} {n}"
                     for n, v in rows)


def _shown(value: Any) -> str:
    text = str(value)
    return repr(text if len(text) <= 40 else text[:40] + "…")


# --- loading -----------------------------------------------------------------------------------


def load(con: duckdb.DuckDBPyConnection, side: str, table: Any, encoding: str = "utf-8"
         ) -> Side:
    """Copy `table` into the temp table link_<side>_raw of `con` (rowid = record order)."""
    name = f"link_{side}_raw"
    target = f"create or replace temp table {name} as select * from"
    if isinstance(table, pd.DataFrame):
        con.register(f"{name}_df", table)
        con.execute(f"{target} {name}_df")
        con.unregister(f"{name}_df")
        side_id, side_en = SIDES[side]
        return Side(side, name, (f"tabel {side_id}", f"{side_en} table"), 1)
    path = Path(table)
    if isinstance(table, Path) or path.suffix.lower() in (".parquet", *CSV_SUFFIXES) \
            or "/" in str(table):
        return _load_file(con, side, name, path, encoding)
    con.execute(f"{target} {identifier(str(table))}")
    return Side(side, name, (str(table), str(table)), 1)


def _load_file(con: duckdb.DuckDBPyConnection, side: str, name: str, path: Path,
               encoding: str) -> Side:
    label = (str(path), str(path))
    if not path.is_file():
        raise LinkInputError(f"Berkas {path} tidak ada.", f"File {path} does not exist.")
    if path.stat().st_size == 0:
        raise LinkInputError(f"Berkas {path} kosong.", f"File {path} is empty.")
    target = f"create or replace temp table {name} as select * from"
    suffix = path.suffix.lower()
    if suffix == ".parquet":
        try:
            con.execute(f"{target} read_parquet({literal(path)})")
        except duckdb.Error:
            raise LinkInputError(f"Berkas {path} bukan berkas Parquet yang dapat dibaca.",
                                 f"File {path} is not a readable Parquet file.") from None
        return Side(side, name, label, 1)
    if suffix not in CSV_SUFFIXES:
        raise LinkInputError(f"Berkas {path}: hanya CSV atau Parquet yang dapat dibaca.",
                             f"File {path}: only CSV or Parquet files can be read.")
    codec = _codec(encoding)
    with tempfile.TemporaryDirectory() as tmp:
        source = path if codec == "utf-8" else _to_utf8(path, codec, Path(tmp) / "utf8.csv")
        try:  # all text: ids, postcodes and dates stay as written (leading zeros kept)
            con.execute(f"{target} read_csv({literal(source)}, all_varchar = true)")
        except duckdb.InvalidInputException as error:
            if codec == "utf-8" and "unicode" in str(error).lower():
                raise _not_utf8(path) from None
            raise _unreadable_csv(path, error) from None
    return Side(side, name, label, 2)  # the header is row 1, as in a spreadsheet


def _codec(encoding: str) -> str:
    try:
        return codecs.lookup(encoding or "utf-8").name
    except LookupError:
        raise LinkInputError(
            f"Pengodean '{encoding}' tidak dikenal; contoh: utf-8, cp1252, latin-1.",
            f"Unknown encoding '{encoding}'; for example utf-8, cp1252, latin-1.") from None


def _to_utf8(path: Path, codec: str, target: Path) -> Path:
    """The file re-encoded as UTF-8, line by line (memory stays flat)."""
    with open(path, encoding=codec, newline="") as src, \
            open(target, "w", encoding="utf-8", newline="") as out:
        try:
            for line in src:
                out.write(line)
        except UnicodeDecodeError:
            raise LinkInputError(
                f"Berkas {path} tidak dapat dibaca dengan pengodean {codec}.",
                f"File {path} cannot be read with the encoding {codec}.") from None
    return target


def _not_utf8(path: Path) -> LinkInputError:
    """Where the first byte that is not UTF-8 is, and what to do."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    row, byte = 1, None
    with open(path, "rb") as f:
        for line in f:
            try:
                decoder.decode(line)
            except UnicodeDecodeError as e:
                byte = line[e.start]
                break
            row += 1
    where_id = f" (baris {row}, bita 0x{byte:02X})" if byte is not None else ""
    where_en = f" (row {row}, byte 0x{byte:02X})" if byte is not None else ""
    return LinkInputError(
        f"Berkas {path} bukan teks UTF-8{where_id}. Sebutkan pengodeannya, misalnya "
        "--encoding cp1252 (Excel di Windows) atau --encoding latin-1.",
        f"File {path} is not UTF-8 text{where_en}. Give its encoding, e.g. --encoding cp1252 "
        "(Excel on Windows) or --encoding latin-1.")


def _unreadable_csv(path: Path, error: Exception) -> LinkInputError:
    first = str(error).split("\n")[0].removeprefix("Invalid Input Error: ")
    return LinkInputError(f"Berkas {path} tidak dapat dibaca sebagai CSV: {first}",
                          f"File {path} cannot be read as CSV: {first}")


# --- checks ------------------------------------------------------------------------------------


def prepare(con: duckdb.DuckDBPyConnection, given: list[tuple[str, Any, ColumnMapping, str]],
            min_dates: float = MIN_DATES
            ) -> tuple[list[Side], list[ColumnMapping], list[Note]]:
    """Load and check each (side, table, mapping, encoding): the sides, the mappings to use
    and the notes of them all."""
    sides, mappings, notes = [], [], []
    for side, table, mapping, encoding in given:
        checked, usable, found = check(con, load(con, side, table, encoding), mapping,
                                       min_dates)
        sides.append(checked)
        mappings.append(usable)
        notes += found
    return sides, mappings, notes


def check(con: duckdb.DuckDBPyConnection, side: Side, mapping: ColumnMapping,
          min_dates: float = MIN_DATES) -> tuple[Side, ColumnMapping, list[Note]]:
    """Refuse the table (LinkInputError) unless `mapping` can link it. Returns the side with
    its id type, the mapping to use (a date format only applies to text: a column already
    holding dates drops it) and notes (birth dates left empty, within the share allowed)."""
    columns = _columns(con, side.name)
    _check_columns(side, mapping, columns)
    if "birth_date" in mapping.columns and \
            columns[mapping.columns["birth_date"][0].lower()].startswith(("DATE", "TIMESTAMP")):
        mapping = replace(mapping, birth_date_format=None)
    records = con.execute(f"select count(*) from {side.name}").fetchone()[0]
    if records == 0:
        raise LinkInputError(f"{side.label[0]}: tidak ada data, hanya judul kolom.",
                             f"{side.label[1]}: no records, only a header.")
    _check_ids(con, side, mapping.columns["unique_id"][0])
    for role, cols in mapping.columns.items():
        for column in cols:
            _check_not_empty(con, side, column, role)
    notes = _check_dates(con, side, mapping, records, min_dates) \
        if "birth_date" in mapping.columns else []
    id_type = columns[mapping.columns["unique_id"][0].lower()]
    checked = replace(side, id_type=id_type if id_type in ID_TYPES else "VARCHAR",
                      records=records)
    return checked, mapping, notes


def _columns(con: duckdb.DuckDBPyConnection, table: str) -> dict[str, str]:
    """lower-case name -> type (DuckDB binds names without regard to case)."""
    rows = con.execute("select column_name, data_type from information_schema.columns "
                       "where table_name = ? order by ordinal_position", [table]).fetchall()
    return {name.lower(): type_ for name, type_ in rows}


def _check_columns(side: Side, mapping: ColumnMapping, columns: dict[str, str]) -> None:
    missing = [(c, role) for role, cols in mapping.columns.items() for c in cols
               if c.lower() not in columns]
    if not missing:
        return
    names = list(columns)
    parts = []
    for column, role in missing:
        close = difflib.get_close_matches(column.lower(), names, n=1)
        parts.append((column, role, close[0] if close else None))
    listed = ", ".join(names)
    id_ = "; ".join(f"kolom '{c}' ({r}) tidak ada" + (f" (maksud Anda '{m}'?)" if m else "")
                    for c, r, m in parts)
    en = "; ".join(f"column '{c}' ({r}) is not in it" + (f" (did you mean '{m}'?)" if m else "")
                   for c, r, m in parts)
    raise LinkInputError(f"{side.label[0]}: {id_}. Kolom berkas: {listed}.",
                         f"{side.label[1]}: {en}. Its columns: {listed}.")


def _text(column: str) -> str:
    return f"nullif(trim(cast({identifier(column)} as varchar)), '')"


def _row(side: Side) -> str:
    return f"rowid + {side.first_row}"


def _check_ids(con: duckdb.DuckDBPyConnection, side: Side, column: str) -> None:
    where_id, where_en = (f"{side.label[0]}, kolom {column} (unique_id)",
                          f"{side.label[1]}, column {column} (unique_id)")
    empty = con.execute(
        f"select count(*), list({_row(side)} order by rowid)[1:{EXAMPLES}] from {side.name} "
        f"where {_text(column)} is null").fetchone()
    if empty[0]:
        rows = [(r, None) for r in empty[1]]
        raise LinkInputError(
            f"{where_id}: {_n(empty[0], 'id')} data tanpa id; {_rows(rows, 'id')}.",
            f"{where_en}: {_n(empty[0], 'en')} record(s) without an id; {_rows(rows, 'en')}.")
    repeated = con.execute(f"""
        with d as (select {identifier(column)} as id, count(*) as n,
                          list({_row(side)} order by rowid) as rows, min(rowid) as first
                   from {side.name} group by 1 having count(*) > 1)
        select (select count(*) from d), id, rows[1:{EXAMPLES}] from d
        order by first limit {EXAMPLES}""").fetchall()
    if repeated:
        total = repeated[0][0]
        def examples(lang: str) -> str:
            word = "baris" if lang == "id" else "rows"
            return "; ".join(f"{_shown(i)} {word} {', '.join(map(str, rows))}"
                             for _, i, rows in repeated)
        raise LinkInputError(
            f"{where_id}: {_n(total, 'id')} id dipakai lebih dari satu data, misalnya "
            f"{examples('id')}. Setiap data perlu id sendiri.",
            f"{where_en}: {_n(total, 'en')} id(s) used by more than one record, e.g. "
            f"{examples('en')}. Each record needs its own id.")


def _check_not_empty(con: duckdb.DuckDBPyConnection, side: Side, column: str, role: str
                     ) -> None:
    filled = con.execute(f"select count({_text(column)}) from {side.name}").fetchone()[0]
    if not filled:
        raise LinkInputError(
            f"{side.label[0]}, kolom {column} ({role}): kosong di setiap baris; "
            "hapus dari --map atau pilih kolom lain.",
            f"{side.label[1]}, column {column} ({role}): empty in every row; "
            "drop it from --map or map another column.")


def _check_dates(con: duckdb.DuckDBPyConnection, side: Side, mapping: ColumnMapping,
                 records: int, min_dates: float) -> list[Note]:
    column, fmt = mapping.columns["birth_date"][0], mapping.birth_date_format
    raw = _text(column)
    parsed = f"try_strptime({raw}, {literal(fmt)})" if fmt else f"try_cast({raw} as date)"
    try:
        given, bad, first = con.execute(f"""
            select count({raw}), count({raw}) - count({parsed}),
                   list({{'row': {_row(side)}, 'value': {raw}}} order by rowid)
                       filter (where {raw} is not null and {parsed} is null)[1:{EXAMPLES}]
            from {side.name}""").fetchone()
    except duckdb.InvalidInputException:
        raise LinkInputError(
            f"Format tanggal {fmt!r} tidak dapat dipakai; contoh: %d/%m/%Y, %Y%m%d, %d-%m-%Y.",
            f"The date format {fmt!r} cannot be used; for example %d/%m/%Y, %Y%m%d, %d-%m-%Y."
        ) from None
    if not bad:
        return []
    rows = [(r["row"], r["value"]) for r in first]
    shape_id = fmt or "tanggal (YYYY-MM-DD)"
    shape_en = fmt or "a date (YYYY-MM-DD)"
    where_id = f"{side.label[0]}, kolom {column} (birth_date)"
    where_en = f"{side.label[1]}, column {column} (birth_date)"
    what_id = (f"{_n(bad, 'id')} dari {_n(given, 'id')} nilai tidak sesuai {shape_id}; "
               f"pertama: {_rows(rows, 'id')}")
    what_en = (f"{_n(bad, 'en')} of {_n(given, 'en')} values do not match {shape_en}; "
               f"first: {_rows(rows, 'en')}")
    share = (given - bad) / given
    if bad == given or share < min_dates:
        raise LinkInputError(
            f"{where_id}: {what_id}. Berikan format yang benar dengan --date-format, atau "
            f"turunkan --min-dates (sekarang {min_dates:g}) untuk menautkan tanpa tanggal "
            "itu.",
            f"{where_en}: {what_en}. Give the right format with --date-format, or lower "
            f"--min-dates (now {min_dates:g}) to link without those dates.")
    return [Note(f"{where_id}: {what_id}; tanggal itu dibiarkan kosong.",
                 f"{where_en}: {what_en}; those dates are left empty.")]


def too_few(side: Side) -> LinkInputError:
    return LinkInputError(
        f"{side.label[0]}: hanya {_n(side.records, 'id')} data; tidak ada yang dapat "
        "dibandingkan.",
        f"{side.label[1]}: only {_n(side.records, 'en')} record(s); nothing to compare.")


def untrainable(sides: list[Side]) -> LinkInputError:
    """The model could not be trained: too few pairs agree on the keys EM learns from."""
    labels = [(s.label, s.records) for s in sides]
    id_ = " dan ".join(f"{label[0]} ({_n(n, 'id')} data)" for label, n in labels)
    en = " and ".join(f"{label[1]} ({_n(n, 'en')} records)" for label, n in labels)
    return LinkInputError(
        f"Model tidak dapat dilatih dari {id_}: terlalu sedikit pasangan yang sama nama, "
        "tanggal lahir atau nomor identitasnya. Tautkan tabel yang lebih besar, atau pakai "
        "model yang sudah dilatih dengan --model (dedup_model.json dari tautan sebelumnya "
        "dengan pemetaan yang sama).",
        f"The model cannot be trained from {en}: too few pairs share a name, birth date or "
        "ID number. Link larger tables, or use a trained model with --model (the "
        "dedup_model.json of an earlier link with the same mapping).")


# --- outputs -----------------------------------------------------------------------------------


def own_ids(con: duckdb.DuckDBPyConnection, out_dir: Path, left: Side, right: Side,
            pairs_file: str, clusters_file: str) -> None:
    """Rewrite a link's pairs (left_id, right_id, ...) and clusters (cluster_id, side, id,
    cluster_size) in the tables' own ids; cluster_id is the cluster's smallest left id."""
    pairs, clusters = out_dir / pairs_file, out_dir / clusters_file
    lt, rt = left.id_type, right.id_type
    both = lt if lt == rt else "VARCHAR"
    own = "cast(substr({c}, 3) as {t})"
    _rewrite(con, pairs, f"""
        select {own.format(c='member_id_l', t=lt)} as left_id,
               {own.format(c='member_id_r', t=rt)} as right_id,
               * exclude (member_id_l, member_id_r)
        from read_parquet({literal(pairs)}) order by left_id, right_id""")
    _rewrite(con, clusters, f"""
        with c as (select *, starts_with(member_id, 'l:') as is_left
                   from read_parquet({literal(clusters)}))
        select min(case when is_left then {own.format(c='member_id', t=lt)} end)
                   over (partition by cluster_id) as cluster_id,
               case when is_left then 'left' else 'right' end as side,
               case when is_left then cast({own.format(c='member_id', t=lt)} as {both})
                    else cast({own.format(c='member_id', t=rt)} as {both}) end as id,
               cluster_size
        from c order by cluster_id, side, id""")


def _rewrite(con: duckdb.DuckDBPyConnection, path: Path, select: str) -> None:
    staged = path.with_name(path.name + ".tmp")
    con.execute(f"copy ({select}) to {literal(staged)} (format parquet)")
    staged.replace(path)
