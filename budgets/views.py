"""Pages of the budgets: the year's overview per program, a DIPA with its revisions,
allocations and months, the forms that record a DIPA, a revision and an allocation, and the
realisation export. Thin: parse, call, render; what a reader sees is cut to their region by
selectors.py."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import policy
from audit import services as audit
from wilayah.selectors import label

from . import exports, selectors, services
from .forms import AllocationForm, DipaForm, RevisionForm, bootstrap
from .models import AllocationEntry, Dipa


def _ctx(request) -> audit.Context:
    return audit.Context(actor=request.user)


def _year(request) -> int:
    text = request.GET.get("year", "")
    return int(text) if text.isdigit() and 2000 <= int(text) <= 2100 else timezone.localdate().year


def _dipa(request, pk: int) -> Dipa:
    dipa = selectors.dipa_for(request.user, pk)
    if dipa is None:
        raise Http404
    return dipa


def _scope_label(scope: str) -> str:
    return label(scope) or scope if scope else _("National")


def _refused(form, error: services.BudgetError) -> None:
    form.add_error(error.field if error.field in form.fields else None, error.message)


@login_required
def overview(request):
    year = _year(request)
    rows = selectors.overview(request.user, year)
    scope = policy.scope_prefix(request.user) or ""
    return render(request, "budgets/overview.html", {
        "year": year, "rows": rows, "scope_label": _scope_label(scope),
        "may_record": selectors.may_revise(request.user)})


@login_required
def dipa_detail(request, pk: int):
    dipa = _dipa(request, pk)
    scope = policy.scope_prefix(request.user) or ""
    return render(request, "budgets/dipa_detail.html", {
        "dipa": dipa, "scope_label": _scope_label(scope),
        "total": selectors.headline(request.user, dipa),
        "revisions": dipa.revisions.select_related("recorded_by"),
        "allocations": selectors.allocations(request.user, dipa),
        "months": selectors.months(request.user, dipa),
        "may_revise": selectors.may_revise(request.user), "national": scope == "",
        "may_allocate": selectors.may_manage(request.user)})


def _form_page(request, form, title: str, dipa: Dipa | None = None):
    return render(request, "budgets/form.html", {
        "form": bootstrap(form), "title": title, "dipa": dipa,
        "national": policy.scope_prefix(request.user) == ""})


@login_required
def dipa_create(request):
    if not selectors.may_revise(request.user):
        raise PermissionDenied(policy.MANAGE_BUDGET)
    form = DipaForm(request.POST or None, initial={"year": _year(request)})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            dipa = services.record_dipa(_ctx(request), d["program"], d["year"], d["number"],
                                        d["date"], d["unit"], d["amount"])
        except services.BudgetError as error:
            _refused(form, error)
        else:
            messages.success(request, _("The DIPA is recorded."))
            return redirect("budgets:dipa_detail", dipa.pk)
    return _form_page(request, form, _("Record a DIPA"))


@login_required
def revision_create(request, pk: int):
    dipa = _dipa(request, pk)
    if not selectors.may_revise(request.user):
        raise PermissionDenied(policy.MANAGE_BUDGET)
    form = RevisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.record_revision(_ctx(request), dipa, d["date"], d["amount"], d["reason"],
                                     d["letter_number"])
        except services.BudgetError as error:
            _refused(form, error)
        else:
            messages.success(request, _("The revision is recorded; its ceiling applies now."))
            return redirect("budgets:dipa_detail", dipa.pk)
    return _form_page(request, form, _("Record a revision"), dipa)


@login_required
def allocation_create(request, pk: int):
    dipa = _dipa(request, pk)
    if not selectors.may_manage(request.user):
        raise PermissionDenied(policy.MANAGE_BUDGET)
    scope = policy.scope_prefix(request.user) or ""
    form = AllocationForm(request.POST or None, scope=scope,
                          initial={"region_code": request.GET.get("region", "")})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.allocate(_ctx(request), dipa, d["region_code"], d["amount"], d["note"])
        except services.BudgetError as error:
            _refused(form, error)
        else:
            messages.success(request, _("The allocation is recorded."))
            return redirect("budgets:dipa_detail", dipa.pk)
    entries = [e for e in AllocationEntry.objects.filter(dipa=dipa).select_related(
        "recorded_by").order_by("-recorded_at", "-id")[:50]
        if policy.can(request.user, policy.VIEW_BUDGET, e.region_code)]
    return render(request, "budgets/form.html", {
        "form": bootstrap(form), "title": _("Record an allocation"), "dipa": dipa,
        "entries": entries, "national": scope == ""})


@login_required
def realisation_xlsx(request, pk: int):
    dipa = _dipa(request, pk)
    scope = policy.scope_prefix(request.user) or ""
    body = exports.realisation_xlsx(
        dipa, _scope_label(scope), selectors.headline(request.user, dipa),
        selectors.allocations(request.user, dipa), selectors.months(request.user, dipa))
    audit.record(_ctx(request), "budgets.realisation.export", dipa, {"scope": scope},
                 region_code=scope)
    response = HttpResponse(body, content_type=(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))
    response["Content-Disposition"] = (
        f'attachment; filename="realisasi-{dipa.program.code}-{dipa.year}.xlsx"')
    return response
