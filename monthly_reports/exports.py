"""The monthly report as officials file it: a PDF with the letterhead of the office (Kementerian
Sosial, or the Dinas Sosial of the province or kabupaten/kota), the period, the sections as
tables and the signature block; an XLSX with a cover sheet and one sheet per section. Both are
written from the same selectors.Document as the page, so they show the same numbers."""

import io
from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from base.xlsx import sheet_title, table_sheet
from wilayah.selectors import TIME_ZONE_LABELS, time_zone

from . import rules
from .selectors import Document

LEGAL_BASIS = "Permensos 7/2021 Pasal 52"


def letterhead(doc: Document) -> list[str]:
    """The office the report comes from, as its letterhead names it."""
    if doc.level == rules.NATION:
        return [_("Ministry of Social Affairs of the Republic of Indonesia")]
    if doc.level == rules.PROVINCE:
        government = _("Government of the Province of %(region)s") % {"region": doc.region_name}
    else:
        government = _("Government of %(region)s") % {"region": doc.region_name}
    return [government, _("Social Affairs Office")]


def signer_title(doc: Document) -> str:
    if doc.level == rules.NATION:
        return _("On behalf of the Minister of Social Affairs")
    return _("Head of the Social Affairs Office of %(region)s") % {"region": doc.region_name}


def place(doc: Document) -> str:
    """Where the report is signed, as the signature block names it."""
    return "Jakarta" if doc.level == rules.NATION else doc.region_name


def month_label(period: str) -> str:
    year, month = (int(p) for p in period.split("-"))
    return date_format(date(year, month, 1), "F Y")


def local(doc: Document, at: datetime | None) -> str:
    """A time in the region's own zone: '5 April 2021 10:30 WIB'."""
    if at is None:
        return ""
    zone = time_zone(doc.region_code)
    shown = timezone.localtime(at, timezone=ZoneInfo(zone))
    return f"{date_format(shown, 'j F Y H:i')} {TIME_ZONE_LABELS.get(zone, '')}".strip()


def _person(user) -> str:
    return (user.get_full_name() or user.username) if user else ""


def facts(doc: Document) -> list[tuple[str, str]]:
    """The report's particulars, for the cover of both formats."""
    report = doc.report
    rows = [
        (_("Region"), f"{doc.region_name} ({doc.region_code})" if doc.region_code
         else doc.region_name),
        (_("Period"), month_label(doc.period)),
        (_("Status"), report.get_status_display() if report else _("Not started")),
        (_("Deadline"), date_format(doc.deadline, "j F Y")),
        (_("Legal basis"), LEGAL_BASIS),
    ]
    if doc.stock_period and doc.stock_period != doc.period:
        rows.append((_("Registry and caseload figures of"), month_label(doc.stock_period)))
    if doc.data_as_of:
        rows.append((_("Summary tables as of"), local(doc, doc.data_as_of)))
    if report and report.submitted_by:
        rows.append((_("Submitted by"), f"{_person(report.submitted_by)}, "
                                        f"{local(doc, report.submitted_at)}"))
    if report and report.signed_by:
        rows.append((_("Signed by"), f"{_person(report.signed_by)}, "
                                     f"{local(doc, report.signed_at)}"))
    return rows


def report_html(doc: Document) -> str:
    report = doc.report
    return render_to_string("monthly_reports/pdf/report.html", {
        "doc": doc, "letterhead": letterhead(doc), "month": month_label(doc.period),
        "facts": facts(doc), "signer_title": signer_title(doc), "lang": get_language() or "id",
        "signed_by": _person(report.signed_by) if report else "",
        "signed_at": local(doc, report.signed_at) if report else "",
        "place": place(doc),
        "signed_on": date_format(rules.local_date(doc.region_code, report.signed_at), "j F Y")
        if report and report.signed_at else "",
        "submitted_by": _person(report.submitted_by) if report else "",
        "submitted_at": local(doc, report.submitted_at) if report else ""})


def report_pdf(doc: Document) -> bytes:
    from weasyprint import HTML  # imported late: loading pango costs time at startup

    return HTML(string=report_html(doc)).write_pdf()


def report_xlsx(doc: Document) -> bytes:
    """A cover sheet (letterhead, particulars, signature) then one sheet per section; header
    rows bold, numbers as numbers."""
    from openpyxl import Workbook  # imported late: only the export needs it
    from openpyxl.styles import Font

    bold = Font(bold=True)
    wb = Workbook()
    cover = wb.active
    used: set[str] = set()
    cover.title = sheet_title(_("Cover"), used)
    for text in [*letterhead(doc), _("Monthly report") + " " + month_label(doc.period)]:
        cover.append([text.upper()])
        cover.cell(cover.max_row, 1).font = bold
    if not doc.frozen:
        cover.append([_("DRAFT: the figures are not final until the report is submitted.")])
    cover.append([])
    for label, value in facts(doc):
        cover.append([label, value])
        cover.cell(cover.max_row, 1).font = bold
    if doc.report and doc.report.notes:
        cover.append([_("Notes"), doc.report.notes])
        cover.cell(cover.max_row, 1).font = bold
    cover.column_dimensions["A"].width = 34
    cover.column_dimensions["B"].width = 60
    for table in doc.tables:
        ws = table_sheet(wb, table.title, table.headers, table.rows, used)
        if table.total and table.rows:
            for cell in ws[ws.max_row]:
                cell.font = bold
        for row in ws.iter_rows(min_row=3, min_col=table.text_columns + 1):
            for cell in row:
                cell.number_format = "#,##0"
        ws.column_dimensions["A"].width = 44 if table.text_columns == 1 else 10
        if table.text_columns > 1:
            ws.column_dimensions["B"].width = 30
            ws.column_dimensions["C"].width = 30
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
