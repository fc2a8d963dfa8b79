"""Read submissions of the household-visit form (xlsform.py) exported from ODK Central or
KoboToolbox into typed, validated VisitSubmission records.

Accepted exports:
- ODK Central's CSV zip (the export download): '<formId>.csv' with group paths joined by '-'
  ('block_III-floor_material', 'meta-instanceID', geopoints split into '...-Latitude' /
  '-Longitude') or without them ("remove group names"), and the members repeat in
  '<formId>-members.csv', its rows joined to their submission by PARENT_KEY = KEY; media files
  in the zip are ignored. The two CSVs may also be given apart (`members_csv`).
- KoboToolbox CSV: paths joined by '/'; the repeat sheet joined by '_submission__uuid'.
- KoboToolbox JSON (/api/v2/assets/<uid>/data.json: a list or {"results": [...]}) with keys like
  'block_III/floor_material' and the repeat as a list under 'members'.
- ODK Central OData JSON ({"value": [...]}) with nested group objects, GeoJSON points and the
  repeat expanded inline ($expand=*).

The instance id (meta/instanceID, __id or _uuid, without the 'uuid:' prefix) identifies a
submission: a caller skips ids it has already imported, so re-importing a file is harmless.
Row numbers are the sheet row for CSV (header = row 1) and the 1-based position for JSON.
"""

import csv
import io
import json
import re
import zipfile
import zlib
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from registry import identity
from registry.instrument import questions, validate_answers

from .codes import RESULT_CODES, VERIFIED
from .xlsform import form_id

_SPLIT = re.compile(r"[/-]")
_GEO_PARTS = {"latitude", "longitude", "altitude", "accuracy"}
_VILLAGE = re.compile(r"[0-9]{2}\.[0-9]{2}\.[0-9]{2}\.[0-9]{4}")
_YES = {"yes", "1", "true", "ya", "y"}
_NO = {"no", "0", "false", "tidak", "t", "n"}
_REQUIRED_MEMBER_CODES = ("relation_to_household_head", "relation_to_family_head", "marital_status")
_MAX_CSV_BYTES = 512 * 1024 * 1024  # unpacked, per CSV of a Central zip


@dataclass(frozen=True)
class SubmissionError:
    row: int
    field: str  # instrument key, 'members[2].nik', 'result', ... ('' for the whole file)
    message_id: str
    message_en: str

    def message(self, lang: str = "id") -> str:
        return self.message_en if lang == "en" else self.message_id


@dataclass
class VisitSubmission:
    row: int
    instance_id: str
    household_ref: str
    village_code: str
    result: int | None
    visited_at: datetime | None
    latitude: float | None
    longitude: float | None
    answers: dict[str, Any] = field(default_factory=dict)
    members: list[dict] = field(default_factory=list)
    errors: list[SubmissionError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass
class SubmissionBatch:
    submissions: list[VisitSubmission]
    errors: list[SubmissionError]  # every submission's errors plus the file's own

    @property
    def valid(self) -> list[VisitSubmission]:
        return [s for s in self.submissions if s.ok]


class _Bad(Exception):
    def __init__(self, message_id: str, message_en: str) -> None:
        super().__init__(message_en)
        self.message_id, self.message_en = message_id, message_en


# --- entry points ---------------------------------------------------------------------------


def parse_csv(data: bytes, definition: dict, members_csv: bytes | None = None) -> SubmissionBatch:
    """An ODK Central or Kobo CSV export (plus the members repeat CSV, if any), or ODK
    Central's CSV zip, which holds both."""
    if data[:4] == b"PK\x03\x04":
        try:
            data, members_csv = _central_zip(data, form_id(definition))
        except _Bad as bad:
            return SubmissionBatch([], [SubmissionError(0, "", bad.message_id, bad.message_en)])
    records = [(number, _flatten(row)) for number, row in _csv_rows(data)]
    if members_csv is not None:
        by_parent: dict[str, list[dict]] = {}
        for _, row in _csv_rows(members_csv):
            parent = row.get("PARENT_KEY") or row.get("_submission__uuid") or ""
            by_parent.setdefault(_instance_key(parent.split("/")[0]), []).append(row)
        for _, record in records:
            # Central keys rows by the first version's instanceID (KEY): after an edit in
            # Central, meta-instanceID is the new version's, PARENT_KEY still the first's.
            key = record.get("KEY") or record.get("instanceID") or record.get("_uuid") or ""
            record["members"] = by_parent.get(_instance_key(key), [])
    return _parse_records(records, definition)


def _central_zip(data: bytes, example_id: str) -> tuple[bytes, bytes | None]:
    """The form's CSV and its members CSV from Central's zip: '<formId>.csv' is the CSV
    that every other CSV's name extends ('<formId>-<repeat>.csv'). The form id is not
    checked: an export of an earlier version of the form reads as well."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            csvs = {
                i.filename: i
                for i in archive.infolist()
                if "/" not in i.filename and i.filename.lower().endswith(".csv")
            }
            stems = [
                n[:-4] for n in csvs if all(o == n or o.startswith(n[:-4] + "-") for o in csvs)
            ]
            if len(stems) != 1:
                raise _Bad(
                    "Berkas ZIP ini bukan ekspor CSV ODK Central: harus berisi satu CSV "
                    f"formulir dan CSV anggotanya ({example_id}.csv, {example_id}-members.csv).",
                    "This ZIP file is not an ODK Central CSV export: it must hold one form CSV "
                    f"and its members CSV ({example_id}.csv, {example_id}-members.csv).",
                )
            members = csvs.get(f"{stems[0]}-members.csv")
            if any(i.file_size > _MAX_CSV_BYTES for i in csvs.values()):
                raise _Bad("CSV dalam ZIP terlalu besar.", "A CSV in the ZIP file is too large.")
            root = archive.read(csvs[f"{stems[0]}.csv"])
            return root, archive.read(members) if members else None
    except (zipfile.BadZipFile, zlib.error, EOFError):
        raise _Bad("Berkas ZIP rusak.", "The ZIP file is damaged.") from None


def parse_json(data: bytes | list | dict, definition: dict) -> SubmissionBatch:
    """A Kobo data.json or an ODK Central OData response (bytes or already decoded)."""
    payload = json.loads(data) if isinstance(data, bytes | str) else data
    if isinstance(payload, dict):
        payload = payload.get("value", payload.get("results", []))
    if not isinstance(payload, list):
        error = SubmissionError(
            0,
            "",
            "Berkas JSON tidak berisi daftar kiriman.",
            "The JSON file does not hold a list of submissions.",
        )
        return SubmissionBatch([], [error])
    return _parse_records([(i, _flatten(s)) for i, s in enumerate(payload, start=1)], definition)


def _csv_rows(data: bytes) -> list[tuple[int, dict]]:
    text = data.decode("utf-8-sig")
    delimiter = max(",;\t", key=text.split("\n", 1)[0].count)
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter)
    return [(number, row) for number, row in enumerate(reader, start=2)]


def _instance_key(value: str) -> str:
    value = str(value or "").strip()
    return value[5:] if value.startswith("uuid:") else value


# --- flattening -----------------------------------------------------------------------------


def _flatten(obj: dict, into: dict | None = None) -> dict:
    """Group paths dropped: {'block_III-floor_material': '2'} -> {'floor_material': '2'}.
    Geopoint parts become 'location.latitude' etc.; repeats stay lists of flat dicts."""
    flat = {} if into is None else into
    for key, value in obj.items():
        parts = _SPLIT.split(key)
        leaf = parts[-1]
        if leaf.lower() in _GEO_PARTS and len(parts) > 1:
            flat[f"{parts[-2]}.{leaf.lower()}"] = value
        elif isinstance(value, dict) and "coordinates" in value:
            lon, lat = value["coordinates"][:2]  # GeoJSON order
            flat[f"{leaf}.latitude"], flat[f"{leaf}.longitude"] = lat, lon
        elif isinstance(value, dict):
            _flatten(value, flat)
        elif isinstance(value, list) and all(isinstance(v, dict) for v in value):
            flat[leaf] = [_flatten(v) for v in value]
        elif leaf not in flat or flat[leaf] in (None, ""):
            flat[leaf] = value
    if "__id" in obj and not flat.get("instanceID"):
        flat["instanceID"] = obj["__id"]
    return flat


# --- validation -----------------------------------------------------------------------------


def _parse_records(records: list[tuple[int, dict]], definition: dict) -> SubmissionBatch:
    submissions = []
    seen: dict[str, int] = {}
    for number, record in records:
        submission = _submission(number, record, definition)
        if submission.instance_id:
            first = seen.setdefault(submission.instance_id, number)
            if first != number:
                submission.errors.append(
                    SubmissionError(
                        number,
                        "instance_id",
                        f"Kiriman yang sama sudah ada di baris {first}.",
                        f"The same submission is already in row {first}.",
                    )
                )
        submissions.append(submission)
    return SubmissionBatch(submissions, [e for s in submissions for e in s.errors])


def _submission(number: int, record: dict, definition: dict) -> VisitSubmission:
    errors: list[SubmissionError] = []

    def check(field_name: str, parse, *args):
        try:
            return parse(*args)
        except _Bad as bad:
            errors.append(SubmissionError(number, field_name, bad.message_id, bad.message_en))
            return None

    instance_id = _instance_key(record.get("instanceID") or record.get("_uuid") or "")
    if not instance_id:
        errors.append(
            SubmissionError(
                number,
                "instance_id",
                "ID kiriman (instanceID) tidak ada.",
                "The submission id (instanceID) is missing.",
            )
        )
    result = check("result", _result, record.get("result"))
    submission = VisitSubmission(
        row=number,
        instance_id=instance_id,
        household_ref=check("household_ref", _required_text, record.get("household_ref")) or "",
        village_code=check("village_code", _village, record.get("village_code")) or "",
        result=result,
        visited_at=check("visited_at", _visited_at, record),
        latitude=None,
        longitude=None,
        errors=errors,
    )
    coords = check("location", _location, record, result == VERIFIED)
    if coords:
        submission.latitude, submission.longitude = coords
    submission.answers = _answers(number, record, definition, errors)
    if result == VERIFIED:
        for e in validate_answers(definition, submission.answers):
            if not any(x.field == e.key for x in errors):
                errors.append(SubmissionError(number, e.key, e.message_id, e.message_en))
        submission.members = _members(number, record.get("members") or [], definition, errors)
    return submission


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _required_text(value: Any) -> str:
    if _blank(value):
        raise _Bad("Wajib diisi.", "Required.")
    return str(value).strip()


def _result(value: Any) -> int:
    code = _integer(_required_text(value))
    if code not in RESULT_CODES:
        raise _Bad(
            f"Kode hasil pendataan '{value}' tidak dikenal (1-5).",
            f"Unknown visit result code '{value}' (1-5).",
        )
    return code


def _village(value: Any) -> str:
    text = _required_text(value)
    if not _VILLAGE.fullmatch(text):
        raise _Bad(f"Kode desa tidak valid: {text}.", f"Invalid village code: {text}.")
    return text


def _visited_at(record: dict) -> datetime:
    for key in ("end", "start", "SubmissionDate", "submissionDate", "_submission_time"):
        if not _blank(record.get(key)):
            try:
                return datetime.fromisoformat(str(record[key]).strip())
            except ValueError:
                raise _Bad(
                    f"Waktu kunjungan tidak valid: {record[key]}.",
                    f"Invalid visit time: {record[key]}.",
                ) from None
    raise _Bad("Waktu kunjungan (start/end) tidak ada.", "The visit time (start/end) is missing.")


def _location(record: dict, required: bool) -> tuple[float, float] | None:
    lat, lon = record.get("location.latitude"), record.get("location.longitude")
    if _blank(lat) and not _blank(record.get("location")):
        parts = str(record["location"]).split()  # Kobo/ODK: 'lat lon altitude accuracy'
        lat, lon = (parts + [None, None])[:2]
    if _blank(lat) or _blank(lon):
        if required:
            raise _Bad("Lokasi (GPS) wajib diisi.", "The location (GPS) is required.")
        return None
    try:
        lat_f, lon_f = float(lat), float(lon)
    except (TypeError, ValueError):
        raise _Bad("Lokasi tidak valid.", "Invalid location.") from None
    if not (-90 <= lat_f <= 90 and -180 <= lon_f <= 180):
        raise _Bad("Lokasi di luar rentang koordinat.", "Location is out of coordinate range.")
    return lat_f, lon_f


def _integer(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else None
    text = str(value).strip()
    if text.endswith(".0"):
        text = text[:-2]
    return int(text) if text.lstrip("-").isascii() and text.lstrip("-").isdigit() else None


def _typed(q: dict, value: Any) -> Any:
    """The answer in the instrument's type (range and code list are checked later)."""
    if q["type"] == "boolean":
        text = str(value).strip().lower()
        if text in _YES:
            return True
        if text in _NO:
            return False
        raise _Bad(
            f"{q['label']['id']}: harus ya/tidak, bukan '{value}'.",
            f"{q['label']['en']}: must be yes/no, not '{value}'.",
        )
    number = _integer(value)
    if number is None:
        raise _Bad(
            f"{q['label']['id']}: harus bilangan bulat, bukan '{value}'.",
            f"{q['label']['en']}: must be a whole number, not '{value}'.",
        )
    return number


def _answers(number: int, record: dict, definition: dict, errors: list) -> dict[str, Any]:
    answers = {}
    for key, q in questions(definition).items():
        value = record.get(key)
        if _blank(value):
            continue
        try:
            answers[key] = _typed(q, value)
        except _Bad as bad:
            errors.append(SubmissionError(number, key, bad.message_id, bad.message_en))
    return answers


def _members(number: int, rows: list[dict], definition: dict, errors: list) -> list[dict]:
    if not rows:
        errors.append(
            SubmissionError(
                number,
                "members",
                "Rumah tangga terverifikasi harus punya anggota.",
                "A verified household must list its members.",
            )
        )
    members = []
    for index, raw in enumerate(rows, start=1):
        row = _flatten(raw)
        prefix = f"members[{index}]."
        member, problems = _member(row, definition)
        errors += [SubmissionError(number, prefix + f, mid, men) for f, mid, men in problems]
        members.append(member)
    return members


def _member(row: dict, definition: dict) -> tuple[dict, list[tuple[str, str, str]]]:
    problems: list[tuple[str, str, str]] = []
    member: dict[str, Any] = {}
    for key, parse in (("nik", identity.parse_nik), ("kk_number", identity.parse_kk)):
        parsed = parse(str(row.get(key) or ""))
        if not parsed.ok:
            problems.append((key, parsed.errors[0].message_id, parsed.errors[0].message_en))
        member[key] = parsed.value
    member["name"] = str(row.get("name") or "").strip()
    if not member["name"]:
        problems.append(("name", "Nama wajib diisi.", "The name is required."))
    member["sex"] = str(row.get("sex") or "").strip().upper()
    if member["sex"] not in ("L", "P"):
        problems.append(("sex", "Jenis kelamin harus L atau P.", "Sex must be L or P."))
    member["birth_place"] = str(row.get("birth_place") or "").strip()
    member["birth_date"] = _member_date(row.get("birth_date"), problems)
    member["family_order"] = _integer(row.get("family_order") or "")
    if member["family_order"] is None or not 1 <= member["family_order"] <= 99:
        problems.append(("family_order", "Nomor urut harus 1-99.", "Order must be 1-99."))
    member["pregnant"] = str(row.get("pregnant") or "").strip().lower() in _YES
    attributes = {}
    for key, code_list in definition["member_fields"].items():
        value = _integer(row.get(key) or "") if not _blank(row.get(key)) else None
        if value is None and key not in _REQUIRED_MEMBER_CODES:
            value = 0
        if value is None or str(value) not in definition["code_lists"][code_list]:
            problems.append(
                (
                    key,
                    f"Kode '{row.get(key) or ''}' tidak ada dalam daftar.",
                    f"Code '{row.get(key) or ''}' is not in the list.",
                )
            )
        if key in _REQUIRED_MEMBER_CODES:
            member[key] = value
        else:
            attributes[key] = value
    member["attributes"] = attributes
    return member, problems


def _member_date(value: Any, problems: list) -> str:
    text = str(value or "").strip()[:10]
    try:
        born = date.fromisoformat(text)
    except ValueError:
        problems.append(
            (
                "birth_date",
                f"Tanggal lahir tidak valid: '{text}'.",
                f"Invalid birth date: '{text}'.",
            )
        )
        return ""
    if born > date.today():
        problems.append(
            ("birth_date", "Tanggal lahir di masa depan.", "The birth date is in the future.")
        )
    return born.isoformat()
