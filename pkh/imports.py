"""Bulk imports of verification data: school attendance per stage and health-facility visits,
from CSV or XLSX, matched by NIK. A file with any error is refused whole, with every error by
row and field in Indonesian and English; a file imported before changes nothing."""

import csv
import hashlib
import io
from dataclasses import dataclass
from datetime import date, datetime

from django.db import transaction

from accounts import policy
from audit import services as audit

from . import rules
from .models import Evidence, ImportBatch
from .selectors import rules_in_force
from .services import PkhError

# Column names (Indonesian first) and their English aliases.
COLUMNS = {
    ImportBatch.Kind.SCHOOL: {"nik": "nik", "tahun": "year", "tahap": "stage",
                              "terdaftar": "enrolled", "hari_sekolah": "school_days",
                              "hari_hadir": "days_present", "sekolah": "school"},
    ImportBatch.Kind.HEALTH: {"nik": "nik", "tanggal": "date", "jenis": "type",
                              "hadir": "attended", "fasilitas": "facility"},
}
REQUIRED = {ImportBatch.Kind.SCHOOL: ["nik", "tahun", "tahap", "terdaftar", "hari_sekolah",
                                      "hari_hadir"],
            ImportBatch.Kind.HEALTH: ["nik", "tanggal", "jenis"]}
YES, NO = {"ya", "y", "yes", "1", "true"}, {"tidak", "t", "no", "n", "0", "false"}


@dataclass
class ImportResult:
    batch: ImportBatch
    created: bool
    rows: int


def read_rows(content: bytes, name: str) -> list[dict[str, str]]:
    """The rows of a CSV (comma or semicolon) or XLSX file as {lower-case header: text}."""
    if name.lower().endswith(".xlsx"):
        from openpyxl import load_workbook

        sheet = load_workbook(io.BytesIO(content), read_only=True, data_only=True).active
        values = [["" if v is None else (v.strftime("%Y-%m-%d") if isinstance(v, datetime | date)
                                         else str(v)) for v in row]
                  for row in sheet.iter_rows(values_only=True)]
    else:
        text = content.decode("utf-8-sig")
        dialect = csv.Sniffer().sniff(text.splitlines()[0] if text else ",", delimiters=",;")
        values = list(csv.reader(io.StringIO(text), dialect))
    if not values:
        return []
    header = [h.strip().lower() for h in values[0]]
    return [dict(zip(header, [c.strip() for c in row], strict=False))
            for row in values[1:] if any(c.strip() for c in row)]


def _error(row: int, column: str, message_id: str, message_en: str) -> dict:
    return {"row": row, "column": column, "message_id": message_id, "message_en": message_en}


def _canonical(kind: str, raw: dict[str, str]) -> dict[str, str]:
    aliases = {en: idn for idn, en in COLUMNS[kind].items()}
    return {aliases.get(k, k): v for k, v in raw.items()}


def _int(value: str, row: int, column: str, errors: list, low: int = 0, high: int = 10**6):
    try:
        number = int(value)
    except ValueError:
        errors.append(_error(row, column, f"'{value}' bukan bilangan bulat.",
                             f"'{value}' is not a whole number."))
        return None
    if not low <= number <= high:
        errors.append(_error(row, column, f"{number} di luar rentang {low}-{high}.",
                             f"{number} is outside {low}-{high}."))
        return None
    return number


def _bool(value: str, row: int, column: str, errors: list, default: bool | None = None):
    v = value.lower()
    if not v and default is not None:
        return default
    if v in YES:
        return True
    if v in NO:
        return False
    errors.append(_error(row, column, f"'{value}' harus 'ya' atau 'tidak'.",
                         f"'{value}' must be 'ya' (yes) or 'tidak' (no)."))
    return None


def _date(value: str, row: int, column: str, errors: list):
    for fmt in ("%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y"):
        try:
            return datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    errors.append(_error(row, column, f"Tanggal '{value}' tidak dikenali (pakai YYYY-MM-DD).",
                         f"Date '{value}' not understood (use YYYY-MM-DD)."))
    return None


def parse(kind: str, rows: list[dict[str, str]]) -> tuple[list[dict], list[dict]]:
    """Checked rows and errors; row numbers count the header as row 1."""
    from registry.models import Member

    errors: list[dict] = []
    if not rows:
        return [], [_error(1, "", "Berkas tidak berisi baris data.", "The file has no data rows.")]
    present = set(_canonical(kind, rows[0]))
    missing = [c for c in REQUIRED[kind] if c not in present]
    if missing:
        return [], [_error(1, c, f"Kolom '{c}' tidak ada.", f"Column '{c}' "
                           f"({COLUMNS[kind][c]}) is missing.") for c in missing]
    niks = {r.get("nik", "").strip() for r in (_canonical(kind, x) for x in rows)}
    found: dict[str, list[tuple[int, int, str]]] = {}
    for mid, hid, village, nik in Member.objects.filter(
            nik__in=niks, status="active").values_list("id", "household_id",
                                                       "household__village_id", "nik"):
        found.setdefault(nik, []).append((mid, hid, village))
    checked, seen = [], set()
    for i, raw in enumerate(rows, start=2):
        r = _canonical(kind, raw)
        nik = r.get("nik", "")
        matches = found.get(nik, [])
        if len(nik) != 16 or not nik.isdigit():
            errors.append(_error(i, "nik", f"NIK '{nik}' harus 16 angka.",
                                 f"NIK '{nik}' must be 16 digits."))
        elif not matches:
            errors.append(_error(i, "nik", f"NIK {nik} tidak ditemukan di DTKS.",
                                 f"NIK {nik} is not found in the registry."))
        elif len(matches) > 1:
            errors.append(_error(i, "nik", f"NIK {nik} tercatat pada lebih dari satu anggota.",
                                 f"NIK {nik} is held by more than one member."))
        out: dict = {}
        if kind == ImportBatch.Kind.SCHOOL:
            out["year"] = _int(r.get("tahun", ""), i, "tahun", errors, 2000, 2100)
            out["stage"] = _int(r.get("tahap", ""), i, "tahap", errors, 1, 4)
            out["enrolled"] = _bool(r.get("terdaftar", ""), i, "terdaftar", errors)
            out["school_days"] = _int(r.get("hari_sekolah", ""), i, "hari_sekolah", errors, 1, 120)
            out["days_present"] = _int(r.get("hari_hadir", ""), i, "hari_hadir", errors, 0, 120)
            if None not in (out["school_days"], out["days_present"]) and \
                    out["days_present"] > out["school_days"]:
                errors.append(_error(i, "hari_hadir", "Hari hadir melebihi hari sekolah.",
                                     "Days present exceed school days."))
            out["place"] = r.get("sekolah", "")[:120]
            key = (nik, out["year"], out["stage"])
        else:
            out["on"] = _date(r.get("tanggal", ""), i, "tanggal", errors)
            out["visit_type"] = r.get("jenis", "").lower()
            if out["visit_type"] not in rules.VISIT_TYPES:
                errors.append(_error(
                    i, "jenis", f"Jenis '{out['visit_type']}' tidak dikenal "
                    f"({', '.join(rules.VISIT_TYPES)}).",
                    f"Type '{out['visit_type']}' is unknown ({', '.join(rules.VISIT_TYPES)})."))
            out["attended"] = _bool(r.get("hadir", ""), i, "hadir", errors, default=True)
            out["place"] = r.get("fasilitas", "")[:120]
            key = (nik, out["visit_type"], out["on"])
        if key in seen:
            errors.append(_error(i, "nik", "Baris ganda untuk NIK dan periode yang sama.",
                                 "Duplicate row for the same NIK and period."))
        seen.add(key)
        if len(matches) == 1:
            out["member_id"], out["household_id"], out["village_code"] = matches[0]
        checked.append(out)
    return checked, errors


def import_file(ctx: audit.Context, kind: str, content: bytes, name: str) -> ImportResult:
    """Import one file whole or not at all. The same file (checksum) twice changes nothing; a
    row for a member, period and type already known replaces the earlier figures."""
    policy.require(ctx.actor, policy.PKH_IMPORT)
    sha = hashlib.sha256(content).hexdigest()
    known = ImportBatch.objects.filter(sha256=sha).first()
    if known:
        return ImportResult(known, False, known.rows)
    try:
        rows = read_rows(content, name)
    except Exception as error:  # noqa: BLE001 - any unreadable file is refused the same way
        raise PkhError("Berkas tidak dapat dibaca (CSV atau XLSX).",
                       "The file cannot be read (CSV or XLSX).") from error
    checked, errors = parse(kind, rows)
    if errors:
        raise PkhError(f"Berkas ditolak: {len(errors)} kesalahan; tidak ada yang disimpan.",
                       f"File refused: {len(errors)} errors; nothing was saved.", errors)
    definition = rules_in_force().definition
    with transaction.atomic():
        batch = ImportBatch.objects.create(kind=kind, file_name=name[:200], sha256=sha,
                                           rows=len(checked), imported_by=ctx.actor)
        for r in checked:
            common = {"household_id": r["household_id"], "village_code": r["village_code"],
                      "place": r["place"], "source": Evidence.Source.IMPORT, "batch": batch,
                      "recorded_by": ctx.actor}
            if kind == ImportBatch.Kind.SCHOOL:
                start, _ = rules.verification_period(definition, r["year"], r["stage"])
                Evidence.objects.update_or_create(
                    member_id=r["member_id"], kind=Evidence.Kind.ATTENDANCE, year=r["year"],
                    stage=r["stage"], defaults=common | {
                        "on": start, "enrolled": r["enrolled"], "school_days": r["school_days"],
                        "days_present": r["days_present"]})
            else:
                Evidence.objects.update_or_create(
                    member_id=r["member_id"], kind=Evidence.Kind.VISIT,
                    visit_type=r["visit_type"], on=r["on"],
                    defaults=common | {"attended": r["attended"]})
        audit.record(ctx, f"pkh.import.{kind}", batch, {"rows": len(checked), "sha256": sha})
    return ImportResult(batch, True, len(checked))
