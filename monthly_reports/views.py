"""Pages of the monthly reports: the reports of a month within the reader's region, one report
(its sections; the actions its reader may take), the late reports, and the PDF and XLSX.
Thin: parse, check, call, render. A region outside the reader's scope is a 404, as for any
record of another region; downloads are audited."""

import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts import policy
from audit import services as audit

from . import exports, rules, selectors, services
from .forms import NotesForm, ReturnForm
from .models import Status

NATION = "nasional"  # the nation in URLs
DOWNLOAD = "monthly_reports.download"
_REGION = re.compile(r"^[0-9]{2}(\.[0-9]{2})?$")
MONTHS_LISTED = 12
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _ctx(request) -> audit.Context:
    return audit.Context(actor=request.user)


def _readable(request: HttpRequest) -> None:
    if not policy.role_allows(request.user, policy.VIEW_REPORTS):
        raise PermissionDenied(policy.VIEW_REPORTS)


def _code(region: str) -> str:
    if region == NATION:
        return ""
    if not _REGION.match(region):
        raise Http404
    return region


def _target(request: HttpRequest, period: str, region: str) -> tuple[str, str]:
    """(period, region code) of the URL, inside the reader's scope; 404 otherwise."""
    _readable(request)
    code = _code(region)
    if not rules.PERIOD.match(period) or not selectors.may_view(request.user, code):
        raise Http404
    return period, code


def _months(today) -> list[str]:
    out, period = [], rules.previous_period(today)
    for _i in range(MONTHS_LISTED):
        out.append(period)
        year, month = (int(p) for p in period.split("-"))
        period = f"{year - 1:04d}-12" if month == 1 else f"{year:04d}-{month - 1:02d}"
    return out


def _period_param(request: HttpRequest, today) -> str:
    period = request.GET.get("period", "") or rules.previous_period(today)
    if not rules.PERIOD.match(period):
        raise Http404
    return period


@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    """The report of the reader's region (or a region within it) and of the regions one level
    down, for one month."""
    _readable(request)
    own = policy.scope_prefix(request.user) or ""
    today = rules.local_date(own)
    period = _period_param(request, today)
    asked = request.GET.get("region", None)
    code = own if asked is None else _code(asked or NATION)
    rows = []
    if selectors.region_exists(code):
        if not selectors.may_view(request.user, code):
            raise Http404
        rows = selectors.overview(request.user, period, code, today)
    elif asked is not None:
        raise Http404
    up = code[:2] if len(code) > 2 and selectors.may_view(request.user, code[:2]) else None
    if up is None and code and policy.scope_prefix(request.user) == "":
        up = NATION
    return render(request, "monthly_reports/index.html", {
        "period": period, "months": _months(today), "rows": rows, "code": code,
        "region_name": selectors.region_name(code), "up": up,
        "region_param": code or NATION})


@login_required
@require_GET
def late(request: HttpRequest) -> HttpResponse:
    """The reports of a month within the reader's region not signed by their deadline, and
    those signed after it."""
    _readable(request)
    own = policy.scope_prefix(request.user) or ""
    today = rules.local_date(own)
    period = _period_param(request, today)
    rows = selectors.late(request.user, period, today)
    return render(request, "monthly_reports/late.html", {
        "period": period, "months": _months(today), "rows": rows,
        "region_name": selectors.region_name(own),
        "overdue": [r for r in rows if r.timeliness == rules.OVERDUE],
        "signed_late": [r for r in rows if r.timeliness == rules.LATE],
        "deadline_kabupaten": rules.DEADLINE_DAY[rules.KABUPATEN],
        "deadline_province": rules.DEADLINE_DAY[rules.PROVINCE]})


@login_required
@require_GET
def detail(request: HttpRequest, period: str, region: str) -> HttpResponse:
    period, code = _target(request, period, region)
    report = selectors.report_of(period, code)
    doc = selectors.document(period, code, report)
    user = request.user
    draft = report is None or report.status == Status.DRAFT
    submitted = report is not None and report.status == Status.SUBMITTED
    return render(request, "monthly_reports/detail.html", {
        "doc": doc, "report": report, "region": region, "period": period,
        "month": exports.month_label(period), "facts": exports.facts(doc),
        "may_prepare": draft and rules.may_prepare(user, code),
        "may_submit": report is not None and draft and rules.may_prepare(user, code),
        "may_sign": submitted and rules.may_sign(user, code),
        "period_over": rules.period_ended(period, rules.local_date(code)),
        "notes_form": NotesForm(initial={"notes": report.notes if report else ""}),
        "return_form": ReturnForm()})


def _act(request: HttpRequest, period: str, region: str, move) -> HttpResponse:
    """Run one move on the report of the URL; a refusal is shown on the report's page."""
    period, code = _target(request, period, region)
    try:
        text = move(period, code)
    except services.ReportError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, text)
    return redirect("monthly_reports:detail", period, region)


def _existing(period: str, code: str):
    report = selectors.report_of(period, code)
    if report is None:
        raise Http404
    return report


@login_required
@require_POST
def prepare(request: HttpRequest, period: str, region: str) -> HttpResponse:
    form = NotesForm(request.POST)

    def move(period, code):
        if not form.is_valid():
            raise services.ReportError(_("The notes are too long."))
        services.prepare(_ctx(request), period, code, form.cleaned_data["notes"])
        return _("The draft is saved.")
    return _act(request, period, region, move)


@login_required
@require_POST
def submit(request: HttpRequest, period: str, region: str) -> HttpResponse:
    def move(period, code):
        services.submit(_ctx(request), _existing(period, code))
        return _("The report is submitted: its numbers are frozen and it awaits the signature "
                 "of the head of service.")
    return _act(request, period, region, move)


@login_required
@require_POST
def sign(request: HttpRequest, period: str, region: str) -> HttpResponse:
    def move(period, code):
        services.sign(_ctx(request), _existing(period, code))
        return _("The report is signed and sent up.")
    return _act(request, period, region, move)


@login_required
@require_POST
def return_report(request: HttpRequest, period: str, region: str) -> HttpResponse:
    form = ReturnForm(request.POST)

    def move(period, code):
        if not form.is_valid():
            raise services.ReportError(_("Say why the report is returned."))
        services.return_for_correction(_ctx(request), _existing(period, code),
                                       form.cleaned_data["reason"])
        return _("The report is returned to its preparer for correction.")
    return _act(request, period, region, move)


@login_required
@require_GET
def export(request: HttpRequest, period: str, region: str, fmt: str) -> HttpResponse:
    """The report as PDF or XLSX; each download is an audit event naming region and period."""
    period, code = _target(request, period, region)
    report = _existing(period, code)
    doc = selectors.document(period, code, report)
    body = exports.report_pdf(doc) if fmt == "pdf" else exports.report_xlsx(doc)
    audit.record(_ctx(request), DOWNLOAD, report, {
        "format": fmt, "period": period, "status": report.status}, region_code=code)
    response = HttpResponse(body, content_type=CONTENT_TYPES[fmt])
    name = f"laporan-bulanan-{region.replace('.', '')}-{period}.{fmt}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
