"""The monitoring dashboard (what KPM bought, prices against the HET, suspicious e-warong) and
its XLSX export as a job. Region-scoped: a user sees only the sales inside their scope."""

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import policy
from audit import services as audit
from wilayah.selectors import code_in_scope, get_region

from . import monitoring, tasks


def _filters(request, data) -> monitoring.Filters:
    """The region (inside the user's scope; the scope itself by default) and the period."""
    if not policy.role_allows(request.user, policy.VIEW_EWARONG):
        raise PermissionDenied
    scope = policy.scope_prefix(request.user) or ""
    region = (data.get("region") or "").strip()
    if not region or not code_in_scope(region, scope) or get_region(region) is None:
        region = scope
    default = monitoring.default_filters(region)
    try:
        date_from = date.fromisoformat(data.get("date_from") or "")
    except ValueError:
        date_from = default.date_from
    try:
        date_to = date.fromisoformat(data.get("date_to") or "")
    except ValueError:
        date_to = default.date_to
    if date_to < date_from:
        date_from, date_to = date_to, date_from
    return monitoring.Filters(region, date_from, date_to)


@login_required
def dashboard(request):
    filters = _filters(request, request.GET)
    flags = tasks.flag_labels()
    rows = monitoring.patterns(filters)
    for row in rows:
        row.flag_labels = [flags[f] for f in row.flags]
    return render(request, "ewarong/monitoring_dashboard.html", {
        "filters": filters, "region": get_region(filters.region) if filters.region else None,
        "totals": monitoring.totals(filters),
        "by_commodity": monitoring.by_commodity(filters),
        "prices": monitoring.prices_against_het(filters),
        "patterns": rows, "limits": monitoring.Thresholds()})


@login_required
@require_POST
def export(request):
    filters = _filters(request, request.POST)
    job = tasks.start_monitoring_export(audit.Context(actor=request.user,
                                                      reason="monitoring export"),
                                        filters, get_language() or "")
    messages.info(request, _("The workbook is being prepared."))
    return redirect("jobs:detail", job.pk)
