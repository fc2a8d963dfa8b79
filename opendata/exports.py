"""The open-data table as CSV and XLSX: the same published cells as the page ("<5" and "x"
as text, never the value behind them), with the licence, the source and the rule as notes."""

import csv
import io

from django.utils.translation import gettext as _

from reports.metrics import BY_CODE

from .rules import THRESHOLD
from .tables import COLUMNS, Table

LICENCE_URL = "https://creativecommons.org/licenses/by/4.0/"


def notes(table: Table, program_name: str, as_of: str) -> list[str]:
    """The lines every download carries: what it is, licence and source, the rule."""
    return [
        _("Kesos open data: %(program)s, %(period)s") % {"program": program_name,
                                                         "period": table.period},
        _("Licence: CC BY 4.0 (%(url)s). Source: Kesos, data as of %(date)s.") % {
            "url": LICENCE_URL, "date": as_of},
        _("Counts of 1 to %(max)d are shown as <%(threshold)d so that no person can be singled "
          "out; 0 is shown. x: withheld so that a small cell cannot be worked out from the "
          "province total. A rupiah amount is withheld with its count.") % {
            "max": THRESHOLD - 1, "threshold": THRESHOLD},
        _("Households, members and KPM enrolled as of %(stock)s; the other columns are the "
          "month %(period)s. Level 1: province (its total), 2: kabupaten/kota. No national "
          "total is given.") % {"stock": table.stock_period, "period": table.period},
    ]


def _lines(table: Table):
    for group in table.groups:
        yield from (group.province, *group.regencies)


def to_csv(table: Table, program_name: str, as_of: str) -> bytes:
    """UTF-8 with a BOM (spreadsheets on Windows read it right); the notes first, as lines
    starting with '#' (pandas: comment='#'); column names are the stable metric codes."""
    out = io.StringIO()
    for line in notes(table, program_name, as_of):
        out.write(f"# {line}\n")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["level", "province_code", "region_code", "region", *COLUMNS])
    for row in _lines(table):
        writer.writerow([row.level, row.code[:2], row.code, row.name,
                         *(cell.text for cell in row.cells)])
    return out.getvalue().encode("utf-8-sig")


def to_xlsx(table: Table, program_name: str, as_of: str) -> bytes:
    from openpyxl import Workbook  # imported late: only the download needs it
    from openpyxl.styles import Alignment, Font

    bold, right = Font(bold=True), Alignment(horizontal="right")
    wb = Workbook()
    sheet = wb.active
    sheet.title = _("Open data")[:31]
    for line in notes(table, program_name, as_of):
        sheet.append([line])
    sheet.cell(1, 1).font = bold
    sheet.append([])
    sheet.append([_("Level"), _("Code"), _("Region"), *(str(BY_CODE[c].label) for c in COLUMNS)])
    for cell in sheet[sheet.max_row]:
        cell.font = bold
    for row in _lines(table):
        sheet.append([row.level, row.code, row.name,
                      *(cell.mark or cell.value for cell in row.cells)])
        for cell in sheet[sheet.max_row][3:]:
            if isinstance(cell.value, str):
                cell.alignment = right
            else:
                cell.number_format = "#,##0"
        if row.level == 1:
            for cell in sheet[sheet.max_row]:
                cell.font = bold
    sheet.column_dimensions["C"].width = 36
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
