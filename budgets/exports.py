"""The realisation of a DIPA as XLSX: per region within the reader's scope, then per month."""

import io

from django.utils.translation import gettext as _

from .models import Dipa
from .selectors import Figures


def _header() -> list[str]:
    return [_("Code"), _("Region"), _("Ceiling (Rp)"), _("Planned (Rp)"), _("Disbursed (Rp)"),
            _("Returned (Rp)"), _("Realised (Rp)"), _("Absorption (%)")]


def _line(f: Figures, code: str) -> list:
    return [code, f.label, f.ceiling, f.planned, f.disbursed, f.returned, f.realised,
            f.absorption]


def realisation_xlsx(dipa: Dipa, scope_label: str, total: Figures, regions: list[Figures],
                     months: list[Figures]) -> bytes:
    from openpyxl import Workbook  # imported late: only the export needs it
    from openpyxl.styles import Font

    bold = Font(bold=True)
    wb = Workbook()
    sheet = wb.active
    sheet.title = _("Realisation")[:31]
    for text in (f"DIPA {dipa.number} · {dipa.program.name} {dipa.year}",
                 _("Region: %(region)s") % {"region": scope_label}):
        sheet.append([text])
        sheet.cell(sheet.max_row, 1).font = bold
    sheet.append([])
    sheet.append(_header())
    for cell in sheet[sheet.max_row]:
        cell.font = bold
    sheet.append([None, _("Total"), *_line(total, "")[2:]])
    for cell in sheet[sheet.max_row]:
        cell.font = bold
    for f in regions:
        sheet.append(_line(f, f.code))
    sheet.append([])
    sheet.append([_("Month"), "", *_header()[2:]])
    for cell in sheet[sheet.max_row]:
        cell.font = bold
    for f in months:
        sheet.append([int(f.code), "", *_line(f, "")[2:]])
    for row in sheet.iter_rows(min_col=3, max_col=7):
        for cell in row:
            cell.number_format = "#,##0"
    sheet.column_dimensions["B"].width = 36
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
