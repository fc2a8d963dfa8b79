"""The dashboards: /laporan/ (the nation) and /laporan/wilayah/<code>/ with drill-down to the
village, and each chart's table as XLSX. A user sees the dashboards of their own region and
below (accounts.policy); a region outside it is a 404. Aggregates only: no personal data."""

import io
import re

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from accounts import policy
from base.xlsx import table_sheet
from programs.models import Program
from wilayah import selectors as regions

from . import dashboard, selectors
from .metrics import BY_CODE

_REGION = re.compile(r"^[0-9]{2}(\.[0-9]{2}(\.[0-9]{2}(\.[0-9]{4})?)?)?$")
_PERIOD = re.compile(r"^[0-9]{4}-[0-9]{2}$")


def _region(request: HttpRequest, code: str) -> str:
    if not policy.role_allows(request.user, policy.VIEW_REPORTS):
        raise PermissionDenied(policy.VIEW_REPORTS)
    if code and not (_REGION.match(code) and regions.get_region(code)):
        raise Http404
    if not policy.can(request.user, policy.VIEW_REPORTS, code):
        raise Http404
    return code


def _selection(request: HttpRequest, region: str, programs: list[Program]
               ) -> tuple[dashboard.Selection, list[str]]:
    months = selectors.region_periods(region)
    period = request.GET.get("period", "")
    if period and not _PERIOD.match(period):
        raise Http404
    period = period or (months[0] if months else "")
    codes = [p.code for p in programs]
    program = request.GET.get("program", "")
    if program and program not in codes:
        raise Http404
    program = program or selectors.default_program(codes)
    return dashboard.select(region, period, program, request.GET.get("metric", "")), months


def _url(code: str) -> str:
    return reverse("reports:region", args=[code]) if code else reverse("reports:national")


def _xlsx_url(code: str, chart: str) -> str:
    if code:
        return reverse("reports:region_xlsx", args=[code, chart])
    return reverse("reports:national_xlsx", args=[chart])


def _breadcrumb(code: str, own: str) -> list[tuple[str, str]]:
    """The regions above `code` the user may open, the nation first."""
    if not code:
        return []
    crumbs = [] if own else [(_("Indonesia (national)"), _url(""))]
    return crumbs + [(r.name, _url(r.code)) for r in regions.ancestors(code)[:-1]
                     if len(r.code) >= len(own)]


def _shown(chart: dashboard.Chart, code: str) -> dict:
    """A chart as the template draws it: its data for the browser (JSON), its table rows with
    drill-down links, and the URL of its XLSX."""
    links = {key: _url(region) for key, region in chart.links.items()}
    payload = {"kind": chart.kind, "code": chart.code, "columns": chart.columns,
               "rows": chart.rows, "features": chart.features, "highlight": chart.highlight,
               "links": links, "rupiah": chart.rupiah}
    keys = chart.features or [row[0] for row in chart.rows]
    table = [[(row[0], links.get(key, "")), *row[1:]]
             for key, row in zip(keys, chart.rows, strict=True)]
    return {"code": chart.code, "title": chart.title, "kind": chart.kind,
            "columns": chart.columns, "rows": chart.rows, "table": table, "payload": payload,
            "dom_id": f"chart-data-{chart.code}", "xlsx": _xlsx_url(code, chart.code)}


def _query(s: dashboard.Selection) -> str:
    return f"period={s.period}&program={s.program}&metric={s.metric}"


@login_required
@require_GET
def national(request: HttpRequest) -> HttpResponse:
    """The nation's dashboard; a regional user lands on their own region's."""
    own = policy.scope_prefix(request.user) or ""
    if own:
        _region(request, own)
        query = request.GET.urlencode()
        return redirect(_url(own) + (f"?{query}" if query else ""))
    return region(request, "")


@login_required
@require_GET
def region(request: HttpRequest, code: str) -> HttpResponse:
    code = _region(request, code)
    programs = list(Program.objects.order_by("code"))
    s, months = _selection(request, code, programs)
    charts = [_shown(c, code) for c in dashboard.charts(s)] if s.period else []
    return render(request, "reports/dashboard.html", {
        "s": s, "months": months, "programs": programs, "query": _query(s),
        "region_name": regions.label_or_nation(code),
        "up": _breadcrumb(code, policy.scope_prefix(request.user) or ""),
        "cards": dashboard.cards(s) if s.period else [], "charts": charts,
        "metrics": [(m, BY_CODE[m].label) for m in dashboard.MAP_METRICS],
        "refresh": selectors.last_refresh(),
    })


def workbook(chart: dashboard.Chart, title: str) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    sheet = table_sheet(wb, title, chart.columns, chart.rows, set())
    if chart.rupiah:
        for cells in sheet.iter_rows(min_row=3, min_col=2):
            for cell in cells:
                cell.number_format = "#,##0"
    sheet.freeze_panes = "A3"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


@login_required
@require_GET
def chart_xlsx(request: HttpRequest, chart: str, code: str = "") -> HttpResponse:
    """One chart's table as XLSX, with what, where and when in its first row."""
    code = _region(request, code)
    s, _months = _selection(request, code, list(Program.objects.order_by("code")))
    found = dashboard.chart(s, chart) if s.period else None
    if found is None:
        raise Http404
    title = f"{found.title} · {regions.label_or_nation(code)} · {s.period} · {s.program}"
    response = HttpResponse(
        workbook(found, title),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    name = f"dasbor-{chart}-{code.replace('.', '') or 'nasional'}-{s.period}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
