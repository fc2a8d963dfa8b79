"""Write household records (the shape parse.py returns) as a BNBA list, XLSX or CSV, in the
layout of layout.py, so that parsing an export gives the same records back."""

import csv
import io
from collections.abc import Iterable, Iterator
from datetime import date

from openpyxl import Workbook

from .layout import ATTRIBUTE_KEYS, COLUMNS, SHEET_TITLE

TEXT_FORMAT = "@"  # Excel's Text format: keeps NIK/KK digits and RT '001' as typed
DATE_FORMAT = "DD-MM-YYYY"


def member_rows(households: Iterable[dict]) -> Iterator[list]:
    """One list of values per member, in column order (dates as `date`, flags as 'Y'/'T')."""
    for household in households:
        for family in household["families"]:
            for member in family["members"]:
                yield _row(household, family, member)


def _row(household: dict, family: dict, member: dict) -> list:
    attributes = member.get("attributes") or {}
    values = {
        "village_code": household["village_code"],
        "address": household["address"],
        "rt": household.get("rt", ""),
        "rw": household.get("rw", ""),
        "kk_number": family["kk_number"],
        **{k: member.get(k) for k in ("nik", "name", "sex", "birth_place", "family_order")},
        "birth_date": _date(member.get("birth_date")),
        "relation_to_household_head": member["relation_to_household_head"],
        "relation_to_family_head": member["relation_to_family_head"],
        "marital_status": member["marital_status"],
        "pregnant": "Y" if member.get("pregnant") else "T",
        **{k: attributes.get(k, 0) for k in ATTRIBUTE_KEYS},
    }
    return [values[c.key] for c in COLUMNS]


def _date(value: date | str | None) -> date | None:
    if isinstance(value, str):
        return date.fromisoformat(value) if value else None
    return value


def export_xlsx(households: Iterable[dict]) -> bytes:
    """The BNBA sheet as XLSX. Identity numbers are written as text cells (never numbers, which
    Excel would round to 15 digits); birth dates as date cells."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(SHEET_TITLE)
    ws.freeze_panes = "A2"
    ws.append([c.title for c in COLUMNS])
    for values in member_rows(households):
        ws.append(values)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def export_csv(households: Iterable[dict], delimiter: str = ";") -> bytes:
    """The BNBA list as UTF-8 CSV with a BOM (so Excel reads it as UTF-8); ';' by default, the
    list separator of Excel in the Indonesian locale. Dates as DD-MM-YYYY."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow([c.title for c in COLUMNS])
    for values in member_rows(households):
        writer.writerow([v.strftime("%d-%m-%Y") if isinstance(v, date) else v for v in values])
    return ("\ufeff" + out.getvalue()).encode("utf-8")
