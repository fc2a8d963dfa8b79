"""Complaints arriving from the national channel (SP4N-LAPOR!) as CSV or XLSX files.

Columns (header row, names as below; order free):
    lapor_id, date (YYYY-MM-DD), category (a grievance category code), village_code,
    description, submitter_name?, submitter_phone?, subject_name?, subject_nik?

The file is checked whole first: one bad row refuses the file and nothing is saved (errors by
row and column, in Indonesian and English). Rows whose lapor_id was imported before are
skipped, so importing the same file twice changes nothing."""

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime, time

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts import policy
from audit import services as audit
from audit.models import Source

from . import services
from .models import Channel, Kind, Submission

COLUMNS = ["lapor_id", "date", "category", "village_code", "description", "submitter_name",
           "submitter_phone", "subject_name", "subject_nik"]
REQUIRED = ["lapor_id", "date", "category", "village_code", "description"]
MAX_ROWS = 50_000


@dataclass
class ImportRefused(Exception):  # noqa: N818 (domain word)
    message_id: str
    message_en: str
    errors: list[dict]


def _both(text) -> tuple[str, str]:
    out = []
    for lang in ("id", "en"):
        with translation.override(lang):
            out.append(str(text()))
    return out[0], out[1]


def read_rows(content: bytes, filename: str) -> list[dict]:
    """The rows as dicts of strings (header names lower-cased)."""
    if filename.lower().endswith(".xlsx"):
        from openpyxl import load_workbook

        try:
            wb = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        except Exception as exc:  # a broken or renamed file
            raise ImportRefused(*_both(lambda: _("The file is not a readable XLSX workbook.")),
                                []) from exc
        rows = list(wb.worksheets[0].iter_rows(values_only=True))
    else:
        try:
            text = content.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise ImportRefused(*_both(lambda: _("The file is not UTF-8 CSV.")), []) from exc
        sample = text[:2048]
        delimiter = ";" if sample.count(";") > sample.count(",") else ","
        rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    if not rows:
        raise ImportRefused(*_both(lambda: _("The file is empty.")), [])
    header = [str(h or "").strip().lower() for h in rows[0]]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise ImportRefused(*_both(lambda: _("Columns missing: %(cols)s.")
                                   % {"cols": ", ".join(missing)}), [])
    if len(rows) - 1 > MAX_ROWS:
        raise ImportRefused(*_both(lambda: _("At most %(n)d rows per file.") % {"n": MAX_ROWS}),
                            [])
    out = []
    for values in rows[1:]:
        if not any(v not in (None, "") for v in values):
            continue
        row = {h: ("" if v is None else v) for h, v in zip(header, values, strict=False)}
        out.append(row)
    return out


def _parse_date(value) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip()[:10])
    except ValueError:
        return None


def _row_errors(row: dict, number: int, actor=None) -> list[dict]:
    errors = []
    village = str(row.get("village_code") or "").strip()
    if actor is not None and village and not policy.can(actor, policy.IMPORT_COMPLAINTS,
                                                         village):
        msg_id, msg_en = _both(lambda: _("This village lies outside your region."))
        errors.append({"row": number, "column": "village_code", "message_id": msg_id,
                       "message_en": msg_en})
    if not str(row.get("lapor_id") or "").strip():
        msg_id, msg_en = _both(lambda: _("This field is required."))
        errors.append({"row": number, "column": "lapor_id", "message_id": msg_id,
                       "message_en": msg_en})
    if _parse_date(row.get("date")) is None:
        msg_id, msg_en = _both(lambda: _("Write the date as YYYY-MM-DD."))
        errors.append({"row": number, "column": "date", "message_id": msg_id,
                       "message_en": msg_en})
    data = {k: str(v) for k, v in row.items()}
    found = {}
    for lang in ("id", "en"):
        with translation.override(lang):
            try:
                services._validate(Kind.COMPLAINT, data, require_submitter=False)
            except ValidationError as exc:
                for key, msgs in exc.message_dict.items():
                    found.setdefault(key, {})[lang] = msgs[0]
    for key, msgs in found.items():
        errors.append({"row": number, "column": key, "message_id": msgs.get("id", ""),
                       "message_en": msgs.get("en", "")})
    return errors


def import_lapor(ctx: audit.Context, content: bytes, filename: str) -> dict[str, int]:
    """Import a SP4N-LAPOR! file: all rows or none; rows seen before are skipped."""
    rows = read_rows(content, filename)
    errors = []
    seen = set()
    for i, row in enumerate(rows, start=2):  # row 1 is the header
        errors += _row_errors(row, i, ctx.actor)
        ref = str(row.get("lapor_id") or "").strip()
        if ref in seen:
            msg_id, msg_en = _both(lambda: _("This LAPOR! number appears twice in the file."))
            errors.append({"row": i, "column": "lapor_id", "message_id": msg_id,
                           "message_en": msg_en})
        seen.add(ref)
    if errors:
        raise ImportRefused(*_both(lambda: _("The file was refused; nothing was imported. "
                                             "Correct the rows listed and import it again.")),
                            errors)
    known = set(Submission.objects.filter(external_ref__in=[f"LAPOR:{r}" for r in seen])
                .values_list("external_ref", flat=True))
    ctx = audit.Context(actor=ctx.actor, source=Source.IMPORT, source_ref=ctx.source_ref,
                        reason="SP4N-LAPOR! import")
    created = 0
    with transaction.atomic():
        for row in rows:
            ref = f"LAPOR:{str(row['lapor_id']).strip()}"
            if ref in known:
                continue
            data = {k: str(v) for k, v in row.items()}
            fields = services._validate(Kind.COMPLAINT, data, require_submitter=False)
            when = timezone.make_aware(datetime.combine(_parse_date(row["date"]), time(8)))
            services._create(ctx, Kind.COMPLAINT, Channel.LAPOR, fields, now=when,
                             external_ref=ref, created_by=ctx.actor)
            created += 1
    return {"created": created, "skipped": len(rows) - created}
