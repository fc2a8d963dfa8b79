"""The commodity catalogue (banned categories shown as banned) and the HET price lists: list,
detail, the XLSX template and the import (a job: the answer is the job page)."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from accounts import policy
from audit import services as audit
from wilayah.forms import RegionField
from wilayah.selectors import names

from . import het_import, tasks
from .models import BANNED_CATEGORIES, Category, Commodity, HetList

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _require(request, *actions: str) -> None:
    if not any(policy.role_allows(request.user, action) for action in actions):
        raise PermissionDenied


def _het_lists(user):
    """National lists and those of the regions around and inside the user's scope."""
    scope = policy.scope_prefix(user) or ""
    lists = HetList.objects.all()
    if scope:
        parts = scope.split(".")
        above = [".".join(parts[:n]) for n in range(1, len(parts) + 1)] + [""]
        lists = lists.filter(Q(region_prefix__in=above) | Q(region_prefix__startswith=scope + "."))
    return lists


class ImportForm(forms.Form):
    region = RegionField(label=_("Region (empty: national)"), required=False, max_level=4)
    valid_from = forms.DateField(label=_("valid from"),
                                 widget=forms.DateInput(attrs={"type": "date"}))
    valid_until = forms.DateField(label=_("valid until"), required=False,
                                  widget=forms.DateInput(attrs={"type": "date"}))
    file = forms.FileField(label=_("XLSX file"))

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].set_scope(policy.scope_prefix(user))


@login_required
def catalogue(request):
    _require(request, policy.VIEW_EWARONG, policy.MANAGE_HET)
    rows = [{"commodity": c, "banned": c.category in BANNED_CATEGORIES}
            for c in Commodity.objects.order_by("category", "name")]
    return render(request, "ewarong/het_catalogue.html", {
        "rows": rows, "banned": [Category(c).label for c in sorted(BANNED_CATEGORIES)]})


@login_required
def het_list(request):
    _require(request, policy.VIEW_EWARONG, policy.MANAGE_HET)
    lists = list(_het_lists(request.user).annotate(n=Count("prices")).select_related(
        "created_by")[:300])
    region_names = names({h.region_prefix for h in lists if h.region_prefix})
    for h in lists:
        h.region_name = region_names.get(h.region_prefix, "")
    may_import = policy.role_allows(request.user, policy.MANAGE_HET)
    return render(request, "ewarong/het_list.html", {
        "lists": lists, "may_import": may_import,
        "form": ImportForm(user=request.user) if may_import else None})


@login_required
def het_detail(request, pk: int):
    _require(request, policy.VIEW_EWARONG, policy.MANAGE_HET)
    het = get_object_or_404(_het_lists(request.user), pk=pk)
    newer = HetList.objects.filter(region_prefix=het.region_prefix, valid_from=het.valid_from,
                                   version__gt=het.version).order_by("-version").first()
    return render(request, "ewarong/het_detail.html", {
        "het": het, "prices": het.prices.select_related("commodity").order_by(
            "commodity__category", "commodity__name"),
        "region_name": names([het.region_prefix]).get(het.region_prefix, ""),
        "newer": newer})


@login_required
def het_template(request):
    _require(request, policy.MANAGE_HET)
    response = HttpResponse(het_import.template_xlsx(), content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="template-het.xlsx"'
    return response


@login_required
@require_POST
def het_upload(request):
    _require(request, policy.MANAGE_HET)
    form = ImportForm(request.POST, request.FILES, user=request.user)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("ewarong:het_list")
    data = form.cleaned_data
    ctx = audit.Context(actor=request.user, reason="HET import")
    try:
        job = tasks.start_het_import(ctx, data["file"], data["region"] or "",
                                     data["valid_from"], data["valid_until"])
    except het_import.HetRefused as refused:
        messages.error(request, refused.message(get_language() or "id"))
        return redirect("ewarong:het_list")
    return redirect("jobs:detail", job.pk)
