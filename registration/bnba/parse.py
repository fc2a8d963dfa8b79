"""Read a BNBA list (XLSX or CSV, layout in layout.py) into validated household records.

Every problem is collected, never just the first: (row as the user sees it, column title,
message in Indonesian and English). A file with any error yields no households at all, so a
caller can never import half a file.

Household record (the shape export.py writes and registration payloads use):

    {village_code, address, rt, rw, row (first sheet row of the household),
     families: [{kk_number, members: [{nik, name, sex, birth_place, birth_date 'YYYY-MM-DD',
       relation_to_household_head, relation_to_family_head, family_order, marital_status,
       pregnant, attributes: {disability, chronic_illness, ..., employment_status}}]}]}
"""

import csv
import hashlib
import io
import json
import re
import zipfile
from collections.abc import Callable, Collection, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from python_calamine import CalamineError, CalamineWorkbook

from registry import identity
from registry.instrument import shipped_definition

from .layout import ATTRIBUTE_KEYS, BY_KEY, COLUMNS, SHEET_TITLE, Column, RowError

MAX_LENGTH = {"address": 200, "name": 100, "birth_place": 60}
_HEADER_KEY = re.compile(r"[^a-z0-9]+")
_SPACES = re.compile(r"\s+")
_DMY = re.compile(r"(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})")
_YMD = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_EXCEL_EPOCH = date(1899, 12, 30)
_YES = {"Y", "YA", "YES", "1", "TRUE"}
_NO = {"", "T", "TIDAK", "N", "NO", "0", "FALSE"}
_SEX = {"L": "L", "P": "P", "LK": "L", "PR": "P", "LAKI-LAKI": "L", "PEREMPUAN": "P"}


@dataclass(frozen=True)
class ParseResult:
    households: list[dict]  # empty whenever `errors` is not
    errors: list[RowError]
    content_hash: str  # sha256 of the normalised rows: the same list gives the same hash
    rows: int = 0  # member rows read (blank rows not counted)
    warnings: list[RowError] = field(default_factory=list)


class _Bad(Exception):
    def __init__(self, message_id: str, message_en: str) -> None:
        super().__init__(message_en)
        self.message_id, self.message_en = message_id, message_en


def parse_bnba(
    data: bytes,
    *,
    definition: dict | None = None,
    village_codes: Collection[str] | None = None,
    known_district: Callable[[str], bool] | None = None,
    today: date | None = None,
) -> ParseResult:
    """Parse an XLSX (detected by its ZIP signature) or CSV BNBA file. `village_codes`, when
    given, are the only villages the file may name (the importer's scope); `known_district`
    turns NIKs from unknown districts into warnings."""
    reader = parse_xlsx if data[:4] == b"PK\x03\x04" else parse_csv
    return reader(
        data,
        definition=definition,
        village_codes=village_codes,
        known_district=known_district,
        today=today,
    )


def _xlsx_rows(data: bytes, sheet: str) -> Iterator[tuple[int, list[Any]]]:
    """(row number as shown in the sheet, values) of the named sheet, else the first one.
    calamine (Rust) reads a large sheet about ten times faster than openpyxl."""
    workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
    name = sheet if sheet in workbook.sheet_names else workbook.sheet_names[0]
    rows = workbook.get_sheet_by_name(name).to_python(skip_empty_area=False)
    for number, values in enumerate(rows, start=1):
        yield number, [None if value == "" else value for value in values]


def parse_xlsx(data: bytes, **options: Any) -> ParseResult:
    try:
        rows = list(_xlsx_rows(data, SHEET_TITLE))
    except (CalamineError, zipfile.BadZipFile, KeyError, ValueError, OSError, EOFError):
        return _file_error(
            data,
            "Berkas tidak dapat dibaca sebagai XLSX (rusak atau bukan berkas Excel).",
            "The file cannot be read as XLSX (damaged or not an Excel file).",
        )
    return _parse_rows(rows, **options)


def parse_csv(data: bytes, **options: Any) -> ParseResult:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1252")  # what Excel's "CSV" (not "CSV UTF-8") writes
        except UnicodeDecodeError:
            return _file_error(
                data,
                "Berkas CSV harus berkode UTF-8.",
                "The CSV file must be encoded as UTF-8.",
            )
    first_line = text.split("\n", 1)[0]
    delimiter = max(";,\t", key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    return _parse_rows(enumerate(reader, start=1), **options)


def _file_error(data: bytes, message_id: str, message_en: str) -> ParseResult:
    return ParseResult([], [RowError(0, "", message_id, message_en)], _sha256(data))


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# --- header -------------------------------------------------------------------------------


def _header_key(title: Any) -> str:
    return _HEADER_KEY.sub("", str(title or "").lower())


_HEADER_ALIASES = {
    alias: c.key
    for c in COLUMNS
    for alias in (_header_key(c.title), _header_key(c.title_en), _header_key(c.key))
}


def _read_header(number: int, values: list) -> tuple[dict[str, int], list[RowError]]:
    positions: dict[str, int] = {}
    errors = []
    for index, title in enumerate(values):
        key = _HEADER_ALIASES.get(_header_key(title))
        if key is None:
            continue
        if key in positions:
            errors.append(
                _error(
                    number, BY_KEY[key], "Kolom ini muncul dua kali.", "This column appears twice."
                )
            )
        positions[key] = index
    for column in COLUMNS:
        if column.required and column.key not in positions:
            errors.append(
                _error(
                    number,
                    column,
                    "Kolom wajib ini tidak ada di baris judul.",
                    "This required column is missing from the header row.",
                )
            )
    return positions, errors


def _error(row: int, column: Column | None, message_id: str, message_en: str) -> RowError:
    title = column.title if column else ""
    return RowError(row, title, message_id, message_en)


# --- rows ---------------------------------------------------------------------------------


@dataclass
class _Context:
    definition: dict
    village_codes: Collection[str] | None
    known_district: Callable[[str], bool] | None
    today: date
    kk_cache: dict[str, Any] = field(default_factory=dict)  # a KK repeats on its members' rows
    codes: dict[str, frozenset[int]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.codes = {
            name: frozenset(int(code) for code in codes)
            for name, codes in self.definition["code_lists"].items()
        }


def _parse_rows(
    rows: Iterable[tuple[int, list]],
    *,
    definition: dict | None = None,
    village_codes: Collection[str] | None = None,
    known_district: Callable[[str], bool] | None = None,
    today: date | None = None,
) -> ParseResult:
    ctx = _Context(
        definition or shipped_definition(), village_codes, known_district, today or date.today()
    )
    digest = hashlib.sha256()
    errors: list[RowError] = []
    warnings: list[RowError] = []
    records: list[tuple[int, dict]] = []
    positions: dict[str, int] | None = None
    for number, values in rows:
        if not any(_present(v) for v in values):
            continue
        if positions is None:
            positions, header_errors = _read_header(number, values)
            if header_errors:
                return ParseResult([], header_errors, digest.hexdigest())
            continue
        record, canonical = _parse_row(number, values, positions, ctx, errors, warnings)
        digest.update(json.dumps(canonical, ensure_ascii=False).encode() + b"\n")
        records.append((number, record))
    if positions is None:
        errors.append(
            RowError(
                0,
                "",
                "Berkas kosong: tidak ada baris judul.",
                "The file is empty: there is no header row.",
            )
        )
    elif not records:
        errors.append(
            RowError(0, "", "Berkas tidak berisi baris data.", "The file has no data rows.")
        )
    households = _group(records, errors)
    errors.sort(key=lambda e: (e.row, _COLUMN_ORDER.get(e.column, 99)))
    return ParseResult(
        [] if errors else households, errors, digest.hexdigest(), len(records), warnings
    )


_COLUMN_ORDER = {c.title: i for i, c in enumerate(COLUMNS)}


def _present(value: Any) -> bool:
    return value is not None and (not isinstance(value, str) or value.strip() != "")


def _parse_row(
    number: int,
    values: list,
    positions: dict[str, int],
    ctx: _Context,
    errors: list[RowError],
    warnings: list[RowError],
) -> tuple[dict, list]:
    """The row's values by column key (None where invalid) and its canonical form for the
    content hash; problems are appended to `errors` / `warnings`."""
    record: dict[str, Any] = {}
    canonical = []
    for column in COLUMNS:
        index = positions.get(column.key)
        raw = values[index] if index is not None and index < len(values) else None
        try:
            value = _PARSERS[column.kind](raw, column, ctx, number, warnings)
        except _Bad as bad:
            errors.append(_error(number, column, bad.message_id, bad.message_en))
            record[column.key] = None
            canonical.append(_cell_text(raw))
            continue
        record[column.key] = value
        canonical.append(value)
    if record.get("pregnant") and record.get("sex") == "L":
        errors.append(
            _error(
                number,
                BY_KEY["pregnant"],
                "Laki-laki tidak dapat berstatus hamil.",
                "A man cannot be recorded as pregnant.",
            )
        )
    _check_nik_matches(number, record, warnings)
    return record, canonical


def _check_nik_matches(number: int, record: dict, warnings: list[RowError]) -> None:
    """The NIK encodes sex and birth date; a mismatch is worth a look but the NIK may be the
    one that is out of date, so it is a warning."""
    nik, sex, born = record.get("nik"), record.get("sex"), record.get("birth_date")
    if not nik:
        return
    day = int(nik[6:8])
    if sex and sex != ("P" if day > 40 else "L"):
        warnings.append(
            _error(
                number,
                BY_KEY["sex"],
                "Jenis kelamin tidak sesuai dengan NIK.",
                "Sex does not match the NIK.",
            )
        )
    if born and f"{day % 40:02d}{nik[8:10]}{nik[10:12]}" != f"{born[8:10]}{born[5:7]}{born[2:4]}":
        warnings.append(
            _error(
                number,
                BY_KEY["birth_date"],
                "Tanggal lahir tidak sesuai dengan NIK.",
                "Birth date does not match the NIK.",
            )
        )


def _cell_text(raw: Any) -> str:
    if type(raw) is str:
        text = raw.strip()
        return _SPACES.sub(" ", text) if ("  " in text or "\t" in text or "\n" in text) else text
    if raw is None:
        return ""
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    if isinstance(raw, datetime):
        return raw.date().isoformat() if raw.time() == datetime.min.time() else raw.isoformat()
    if isinstance(raw, date):
        return raw.isoformat()
    return _SPACES.sub(" ", str(raw)).strip()


def _required(text: str, column: Column) -> None:
    if not text and column.required:
        raise _Bad("Wajib diisi.", "Required.")


def _parse_text(raw: Any, column: Column, ctx: _Context, row: int, warnings: list) -> str:
    text = _cell_text(raw)
    _required(text, column)
    limit = MAX_LENGTH.get(column.key)
    if limit and len(text) > limit:
        raise _Bad(f"Paling banyak {limit} karakter.", f"At most {limit} characters.")
    return text


def _parse_village(raw: Any, column: Column, ctx: _Context, row: int, warnings: list) -> str:
    text = _cell_text(raw)
    _required(text, column)
    digits = identity.normalize_digits(text)
    if len(digits) != 10 or not (digits.isascii() and digits.isdigit()) or int(digits[:2]) < 11:
        raise _Bad(
            f"Kode desa/kelurahan tidak valid: {text} (contoh 32.01.01.1001).",
            f"Invalid village code: {text} (e.g. 32.01.01.1001).",
        )
    code = f"{digits[0:2]}.{digits[2:4]}.{digits[4:6]}.{digits[6:]}"
    if ctx.village_codes is not None and code not in ctx.village_codes:
        raise _Bad(
            f"Desa/kelurahan {code} tidak dikenal atau di luar wilayah Anda.",
            f"Village {code} is unknown or outside your area.",
        )
    return code


def _parse_rt(raw: Any, column: Column, ctx: _Context, row: int, warnings: list) -> str:
    text = _cell_text(raw)
    if not text:
        return ""
    if not (text.isascii() and text.isdigit()) or len(text.lstrip("0") or "0") > 3:
        raise _Bad(
            f"Harus angka, paling banyak 3 digit: {text}.",
            f"Must be a number of at most 3 digits: {text}.",
        )
    return text.lstrip("0").zfill(3)


def _parse_kk(raw: Any, column: Column, ctx: _Context, row: int, warnings: list) -> str:
    text = _cell_text(raw)
    _required(text, column)
    parsed = ctx.kk_cache.get(text)
    if parsed is None:
        parsed = ctx.kk_cache[text] = identity.parse_kk(text, known_district=ctx.known_district)
    return _identity_value(parsed, column, row, warnings)


def _parse_nik(raw: Any, column: Column, ctx: _Context, row: int, warnings: list) -> str:
    text = _cell_text(raw)
    _required(text, column)
    parsed = identity.parse_nik(text, known_district=ctx.known_district, today=ctx.today)
    return _identity_value(parsed, column, row, warnings)


def _identity_value(parsed: Any, column: Column, row: int, warnings: list) -> str:
    if not parsed.ok:
        first = parsed.errors[0]
        raise _Bad(first.message_id, first.message_en)
    warnings.extend(_error(row, column, w.message_id, w.message_en) for w in parsed.warnings)
    return parsed.value


def _parse_sex(raw: Any, column: Column, ctx: _Context, row: int, warnings: list) -> str:
    text = _cell_text(raw)
    _required(text, column)
    sex = _SEX.get(text.upper())
    if sex is None:
        raise _Bad(f"Harus L atau P, bukan '{text}'.", f"Must be L or P, not '{text}'.")
    return sex


def _parse_date(raw: Any, column: Column, ctx: _Context, row: int, warnings: list) -> str:
    value = _to_date(raw)
    if value is None:
        _required(_cell_text(raw), column)
        return ""
    if value > ctx.today or value.year < 1900:
        raise _Bad(
            f"Tanggal lahir tidak masuk akal: {value:%d-%m-%Y}.",
            f"Implausible birth date: {value:%d-%m-%Y}.",
        )
    return value.isoformat()


def _to_date(raw: Any) -> date | None:
    """A date from a date cell, an Excel serial number or DD-MM-YYYY / YYYY-MM-DD text."""
    if isinstance(raw, datetime):
        return raw.date()
    if isinstance(raw, date):
        return raw
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        if 1 <= raw < 2958466:
            return _EXCEL_EPOCH + timedelta(days=int(raw))
        raise _Bad("Tanggal tidak valid.", "Invalid date.")
    text = _cell_text(raw)
    if not text:
        return None
    for pattern, order in ((_DMY, (2, 1, 0)), (_YMD, (0, 1, 2))):
        m = pattern.fullmatch(text)
        if m:
            parts = [int(p) for p in m.groups()]
            try:
                return date(*(parts[i] for i in order))
            except ValueError:
                break
    raise _Bad(
        f"Tanggal tidak valid: '{text}' (gunakan DD-MM-YYYY).",
        f"Invalid date: '{text}' (use DD-MM-YYYY).",
    )


def _integer(raw: Any) -> int | None:
    if raw is None or isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        return raw
    if isinstance(raw, float):
        return int(raw) if raw.is_integer() else None
    text = str(raw).strip()
    return int(text) if text.isascii() and text.isdigit() else None


def _parse_code(raw: Any, column: Column, ctx: _Context, row: int, warnings: list) -> int:
    text = _cell_text(raw)
    if not text:
        _required(text, column)
        return 0
    value = _integer(raw)
    if value is None or value not in ctx.codes[column.code_list]:
        raise _Bad(
            f"Kode '{text}' tidak ada dalam daftar kode (lihat lembar Petunjuk).",
            f"Code '{text}' is not in the code list (see the Petunjuk sheet).",
        )
    return value


def _parse_order(raw: Any, column: Column, ctx: _Context, row: int, warnings: list) -> int:
    text = _cell_text(raw)
    _required(text, column)
    value = _integer(raw)
    if value is None or not 1 <= value <= 99:
        raise _Bad(f"Harus angka 1-99, bukan '{text}'.", f"Must be a number 1-99, not '{text}'.")
    return value


def _parse_yes_no(raw: Any, column: Column, ctx: _Context, row: int, warnings: list) -> bool:
    text = _cell_text(raw).upper()
    if text in _YES:
        return True
    if text in _NO:
        return False
    raise _Bad(f"Harus Y atau T, bukan '{text}'.", f"Must be Y or T, not '{text}'.")


_PARSERS: dict[str, Callable[..., Any]] = {
    "village": _parse_village,
    "text": _parse_text,
    "rt": _parse_rt,
    "kk": _parse_kk,
    "nik": _parse_nik,
    "sex": _parse_sex,
    "date": _parse_date,
    "code": _parse_code,
    "order": _parse_order,
    "yes_no": _parse_yes_no,
}


# --- grouping and checks across rows -------------------------------------------------------


def _household_key(record: dict) -> tuple:
    address = _SPACES.sub(" ", (record["address"] or "")).strip().upper()
    return (record["village_code"], address, record["rt"], record["rw"])


def _group(records: list[tuple[int, dict]], errors: list[RowError]) -> list[dict]:
    households: dict[tuple, dict] = {}
    families: dict[str, tuple[tuple, int, dict]] = {}  # kk -> (household key, first row, family)
    nik_rows: dict[str, int] = {}
    for number, record in records:
        key = _household_key(record)
        household = households.get(key)
        if household is None:
            household = households[key] = _new_household(number, record)
        _check_nik_once(number, record, nik_rows, errors)
        kk = record["kk_number"]
        if not kk:
            household["_incomplete"] = True  # the row's own error says why
            continue
        if kk not in families:
            family = {"kk_number": kk, "members": [], "_rows": []}
            household["families"].append(family)
            families[kk] = (key, number, family)
        kk_household, first_row, family = families[kk]
        if kk_household != key:
            errors.append(
                _error(
                    number,
                    BY_KEY["kk_number"],
                    f"Nomor KK ini sudah dipakai di baris {first_row} dengan alamat/RT/RW/desa "
                    "lain; satu KK hanya boleh berada di satu rumah tangga.",
                    f"This KK number is already used in row {first_row} with another address/RT/RW/"
                    "village; a KK belongs to one household only.",
                )
            )
            household["_incomplete"] = True
            continue
        family["members"].append(_member(record))
        family["_rows"].append(number)
    result = list(households.values())
    for household in result:
        _check_heads(household, errors)
    return result


def _new_household(number: int, record: dict) -> dict:
    return {
        "village_code": record["village_code"],
        "address": record["address"],
        "rt": record["rt"],
        "rw": record["rw"],
        "row": number,
        "families": [],
    }


def _member(record: dict) -> dict:
    return {
        "nik": record["nik"],
        "name": record["name"],
        "sex": record["sex"],
        "birth_place": record["birth_place"],
        "birth_date": record["birth_date"],
        "relation_to_household_head": record["relation_to_household_head"],
        "relation_to_family_head": record["relation_to_family_head"],
        "family_order": record["family_order"],
        "marital_status": record["marital_status"],
        "pregnant": record["pregnant"],
        "attributes": {k: record[k] for k in ATTRIBUTE_KEYS},
    }


def _check_nik_once(number: int, record: dict, nik_rows: dict, errors: list) -> None:
    nik = record["nik"]
    if not nik:
        return
    first = nik_rows.setdefault(nik, number)
    if first != number:
        errors.append(
            _error(
                number,
                BY_KEY["nik"],
                f"NIK ini sudah ada di baris {first}; satu orang hanya satu baris.",
                f"This NIK already appears in row {first}; one row per person.",
            )
        )


def _check_heads(household: dict, errors: list[RowError]) -> None:
    """Exactly one head of household per household, one head of family and distinct order
    numbers per KK. A missing head is not reported while a relationship code in the group is
    itself invalid (that row's error says what to fix)."""
    hh_heads: list[int] = []
    hh_complete = not household.pop("_incomplete", False)
    for family in household["families"]:
        rows = family.pop("_rows")
        members = family["members"]
        family_heads = [
            r for r, m in zip(rows, members, strict=True) if m["relation_to_family_head"] == 1
        ]
        hh_heads += [
            r for r, m in zip(rows, members, strict=True) if m["relation_to_household_head"] == 1
        ]
        hh_complete &= all(m["relation_to_household_head"] is not None for m in members)
        complete = hh_complete and all(m["relation_to_family_head"] is not None for m in members)
        _check_one_head(
            family_heads,
            rows[0],
            complete,
            BY_KEY["relation_to_family_head"],
            ("KK ini", "This KK"),
            ("kepala keluarga", "head of family"),
            errors,
        )
        _check_orders(rows, members, errors)
    first_row = household["row"]
    _check_one_head(
        hh_heads,
        first_row,
        hh_complete,
        BY_KEY["relation_to_household_head"],
        ("Rumah tangga ini", "This household"),
        ("kepala rumah tangga", "head of household"),
        errors,
    )


def _check_orders(rows: list[int], members: list[dict], errors: list[RowError]) -> None:
    orders: dict[int, int] = {}
    for row, member in zip(rows, members, strict=True):
        order = member["family_order"]
        if order is not None and orders.setdefault(order, row) != row:
            errors.append(
                _error(
                    row,
                    BY_KEY["family_order"],
                    f"Nomor urut {order} sudah dipakai di baris {orders[order]} "
                    "dalam KK yang sama.",
                    f"Order number {order} is already used in row {orders[order]} on the same KK.",
                )
            )


def _check_one_head(
    rows: list[int],
    first_row: int,
    complete: bool,
    column: Column,
    subject: tuple[str, str],
    head: tuple[str, str],
    errors: list[RowError],
) -> None:
    if not rows and complete:
        errors.append(
            _error(
                first_row,
                column,
                f"{subject[0]} tidak punya {head[0]} (kode 1).",
                f"{subject[1]} has no {head[1]} (code 1).",
            )
        )
    for row in rows[1:]:
        errors.append(
            _error(
                row,
                column,
                f"{subject[0]} sudah punya {head[0]} di baris {rows[0]}.",
                f"{subject[1]} already has a {head[1]} in row {rows[0]}.",
            )
        )
