"""One audit check's payments in a region as XLSX, written in the job worker: a national check
can hold hundreds of thousands of payments, too many to write inside a web request. The file
is read with the rights of whoever asked for it, and the export is audited with its size."""

from collections.abc import Callable
from pathlib import Path

from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import policy
from accounts.models import Role
from registry.identity import mask_nik
from wilayah import selectors as regions

from . import findings
from .findings import BY_CODE, Scope

EXPORT_ACTION = "reports.findings.export"
# Who sees the full NIK of the KPM behind a finding: the auditors who match it with Dukcapil,
# the ministry's data centre and the kabupaten/kota Dinas Sosial that follows it up; the
# other readers of the findings see it masked (data minimisation, UU 27/2022).
FULL_NIK_ROLES = {Role.AUDITOR, Role.PUSAT, Role.OPERATOR_KABUPATEN}
CHUNK = 2000


def sees_full_nik(user) -> bool:
    return policy.can(user, policy.VIEW_FINDINGS) and user.role in FULL_NIK_ROLES


def headers(full_nik: bool) -> list[str]:
    return [_("Region code"), _("Village"), _("Recipient"),
            _("NIK") if full_nik else _("NIK (masked)"), _("Period"), _("Stage"),
            _("Amount (Rp)"), _("Status"), _("Why")]


def file_name(check: str, scope: Scope) -> str:
    where = scope.region.replace(".", "") or "nasional"
    return f"temuan-{check}-{scope.program.code}-{scope.period or scope.year}-{where}.xlsx"


def write_xlsx(path: Path, check: str, scope: Scope, full_nik: bool, lang: str,
               progress: Callable[[int, int], None]) -> int:
    """A cover sheet (what, where, when) and one row per payment; the number of rows."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    found = BY_CODE[check]
    qs, extra = findings.rows_of(check, scope, lang)
    total = qs.count()
    progress(0, total)
    wb = Workbook(write_only=True)
    bold = Font(bold=True)

    def heading(sheet, texts) -> list:
        cells = [WriteOnlyCell(sheet, value=text) for text in texts]
        for cell in cells:
            cell.font = bold
        return cells

    cover = wb.create_sheet(_("About")[:31])
    for label, value in [(_("Audit check"), str(found.label)),
                         (_("Description"), str(found.description)),
                         (_("Program"), scope.program.name), (_("Year"), scope.year),
                         (_("Period"), scope.period or _("All")),
                         (_("Region"), regions.label_or_nation(scope.region)),
                         (_("Made"), timezone.localtime().strftime("%Y-%m-%d %H:%M"))]:
        cover.append([*heading(cover, [label]), value])
    sheet = wb.create_sheet(_("Findings")[:31])
    sheet.freeze_panes = "A2"
    sheet.append(heading(sheet, headers(full_nik)))
    names: dict[str, str] = {}
    count = 0
    for p in qs.iterator(chunk_size=CHUNK):
        if p.village_code not in names:
            names.update(regions.names([p.village_code]))
        nik = (p.nik if full_nik else mask_nik(p.nik)) if p.nik else ""
        amount = WriteOnlyCell(sheet, value=p.amount)
        amount.number_format = "#,##0"
        sheet.append([p.village_code, names.get(p.village_code, ""), p.recipient_name, nik,
                      p.period, p.stage, amount, p.get_status_display(),
                      findings.detail_of(check, p, extra)])
        count += 1
        if count % CHUNK == 0:
            progress(count, total)
    wb.save(path)
    return count
