"""The yearly report as an XLSX workbook: one sheet per unit rows, one per kabupaten/kota."""

from io import BytesIO

from django.utils.translation import gettext as _

from base.xlsx import table_sheet

from .reports import FIGURES, Report, Row


def headers() -> list[str]:
    labels = {
        "participants": _("Participants"),
        "businesses": _("Businesses"),
        "sales": _("Sales"),
        "sales_amount": _("Sales (Rp)"),
        "participant_share": _("Share to participants (Rp)"),
        "aid_value": _("Aid given (Rp)"),
        "trainings": _("Training sessions"),
        "attended": _("Attendances"),
        "certificates": _("Certificates"),
        "placements": _("Job placements"),
        "employed_6m": _("Still employed at 6 months"),
        "followed_6m": _("Followed up at 6 months"),
        "assessed": _("Outcomes assessed"),
        "income_before": _("Income before, sum (Rp)"),
        "income_after": _("Income after, sum (Rp)"),
        "independent": _("Left the aid programs"),
    }
    return [labels[key] for key in FIGURES]


def _line(row: Row) -> list:
    return [row.label, row.region] + [row.figures[key] for key in FIGURES]


def report_workbook(report: Report) -> bytes:
    from openpyxl import Workbook  # imported late: only the export needs openpyxl

    workbook = Workbook()
    workbook.remove(workbook.active)
    used: set[str] = set()
    columns = [_("Name"), _("Region code")] + headers()
    total = _line(report.total)
    total[0] = _("Total")
    title = _("Sentra Kreasi ATENSI %(year)s") % {"year": report.year}
    table_sheet(
        workbook,
        f"{title} — {_('Units')}",
        columns,
        [_line(r) for r in report.units] + [total],
        used,
    )
    table_sheet(
        workbook,
        f"{title} — {_('Regions')}",
        columns,
        [_line(r) for r in report.regions] + [total],
        used,
    )
    out = BytesIO()
    workbook.save(out)
    return out.getvalue()
