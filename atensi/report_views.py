"""The ATENSI reports page (counts over the user's region scope) and the downloads of the
article 52 periodic report as PDF and XLSX. Views parse, call atensi.reports, render."""

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from accounts import policy
from audit import services as audit
from wilayah.models import Region
from wilayah.selectors import get_region

from . import reports
from .selectors import reportable_cases

BAD_DATE = gettext_lazy("Enter a valid date (YYYY-MM-DD).")
FORMATS = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


class PeriodForm(forms.Form):
    opened_from = forms.DateField(
        label=gettext_lazy("Opened from"),
        required=False,
        error_messages={"invalid": BAD_DATE},
        widget=forms.DateInput(attrs={"type": "date", "class": "form-control form-control-sm"}),
    )
    opened_to = forms.DateField(
        label=gettext_lazy("Opened to"),
        required=False,
        error_messages={"invalid": BAD_DATE},
        widget=forms.DateInput(attrs={"type": "date", "class": "form-control form-control-sm"}),
    )

    def clean(self):
        data = super().clean()
        start, end = data.get("opened_from"), data.get("opened_to")
        if start and end and end < start:
            self.add_error("opened_to", _("The end of the period is before its start."))
        return data

    @property
    def period(self) -> reports.Period:
        data = self.cleaned_data if self.is_valid() else {}
        return reports.Period(data.get("opened_from"), data.get("opened_to"))

    def named_errors(self) -> list[str]:
        """Each error with the field it concerns, e.g. 'Opened from: Enter a valid date'."""
        return [
            f"{self.fields[name].label}: {message}" if name in self.fields else message
            for name, messages in self.errors.items()
            for message in messages
        ]


def _allowed(request: HttpRequest) -> None:
    if not policy.role_allows(request.user, policy.ATENSI_REPORTS):
        raise PermissionDenied


def _page(request: HttpRequest, form: PeriodForm, status: int = 200) -> HttpResponse:
    prefix = policy.scope_prefix(request.user) or ""
    period = form.period if not form.errors else reports.Period()
    tables = (
        [] if form.errors else reports.case_tables(reportable_cases(request.user), prefix, period)
    )
    scope = get_region(prefix) if prefix else None
    context = {
        "form": form,
        "errors": form.named_errors(),
        "tables": tables,
        "scope": scope,
        "regions": reports.report_regions(request.user),
        "selected_region": request.GET.get("region", ""),
    }
    return render(request, "atensi/reports.html", context, status=status)


@login_required
@require_GET
def report_page(request: HttpRequest) -> HttpResponse:
    """Cases by stage, status, cluster, provider, region and period; M&E indicators."""
    _allowed(request)
    form = PeriodForm(request.GET or None)
    return _page(request, form, status=400 if form.errors else 200)


@login_required
@require_GET
def article52(request: HttpRequest, fmt: str) -> HttpResponse:
    """The article 52 report of `?region=` for `?opened_from=&opened_to=`, as PDF or XLSX.
    A region outside the user's scope: 403; unknown or not a province/kabupaten: 404."""
    _allowed(request)
    if fmt not in FORMATS:
        raise Http404
    form = PeriodForm(request.GET)
    if not form.is_valid():
        return _page(request, form, status=400)
    if not request.GET.get("region"):
        form.add_error(None, _("Choose the province or kabupaten of the report."))
        return _page(request, form, status=400)
    region = Region.objects.filter(
        code=request.GET.get("region", ""), level__in=reports.REPORT_LEVELS
    ).first()
    if region is None:
        raise Http404
    report = reports.article52(request.user, region, form.period)
    body = reports.report_pdf(report) if fmt == "pdf" else reports.report_xlsx(report)
    ctx = audit.Context(actor=request.user, source_ref=request.path[:100])
    reports.record_download(ctx, report, fmt)
    period = report.period
    name = f"atensi-pasal52-{region.code.replace('.', '')}-{period.start}-{period.end}.{fmt}"
    response = HttpResponse(body, content_type=FORMATS[fmt])
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
