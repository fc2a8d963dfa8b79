"""XLSX exports of a cycle's reconciliation (openpyxl, write-only)."""

import io

from django.utils.translation import gettext as _
from openpyxl import Workbook

from . import selectors
from .models import PaymentCycle


def reconciliation_xlsx(cycle: PaymentCycle, payments) -> bytes:
    wb = Workbook(write_only=True)
    heads = [_("Sent (Rp)"), _("Credited (Rp)"), _("Failed (Rp)"), _("Pending (Rp)")]
    for title, by in ((_("Per channel"), "channel"), (_("Per region"), "region")):
        ws = wb.create_sheet(title[:31])
        ws.append([_("Channel") if by == "channel" else _("Region"), *heads])
        for t in selectors.attempt_totals(payments, by=by):
            ws.append([t.key, t.sent, t.credited, t.failed, t.pending])
    ws = wb.create_sheet(_("Discrepancies")[:31])
    ws.append([_("Village"), _("Recipient"), _("Status"), _("Reason code"), _("Amount (Rp)")])
    for p in selectors.discrepancies(payments, limit=100_000):
        ws.append([p.village_code, p.recipient_name, p.get_status_display(), p.failure_code,
                   p.amount])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
