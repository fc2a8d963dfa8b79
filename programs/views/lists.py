"""The reference lists page: the exclusion, inclusion and membership lists in force (one per
kind) with the programs whose published rules read them, the UMK table, and, for users who may
import lists, the upload of a list file or of a year's UMK.

Views parse, call programs.lists, render. A refused file shows every error by row and field in
the user's language; NIKs are never shown in full (a message that quotes one is masked)."""

import tempfile
from dataclasses import dataclass
from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Max, Min
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from accounts import policy
from audit import services as audit
from jobs.services import start as start_job

from .. import lists, services
from ..attributes import list_column
from ..compile import DefinitionError, columns_read
from ..models import ListKind, MinimumWage, Program, ReferenceList

MAX_UPLOAD_BYTES = 200 * 1024 * 1024
UPLOAD_DIR = "uploads"  # under VAR_DIR; each upload in its own temporary folder, then removed

EXCLUSION, INCLUSION, MEMBERSHIP = "exclusion", "inclusion", "membership"
ROLE_OF_KIND = {ListKind.YATIM_COVID: INCLUSION, ListKind.PRAKERJA: MEMBERSHIP}
ROLE_LABELS = {
    EXCLUSION: gettext_lazy("Exclusion: a match by NIK excludes"),
    INCLUSION: gettext_lazy("Inclusion: a match by NIK qualifies"),
    MEMBERSHIP: gettext_lazy("Membership of another agency's program"),
}
# Columns of the targeting view that read a list besides on_list(kind).
INCOME_COLUMNS = {"max_income", "income_above_umk"}
UMK_COLUMNS = {"umk", "income_above_umk"}


class ListUploadForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("List"), choices=ListKind.choices)
    file = forms.FileField(label=gettext_lazy("File (CSV or Parquet)"))


class WageUploadForm(forms.Form):
    year = forms.IntegerField(label=gettext_lazy("Year"), min_value=2000, max_value=2100)
    file = forms.FileField(label=gettext_lazy("File (CSV or Parquet)"))


def _ctx(request: HttpRequest, reason: str) -> audit.Context:
    return audit.Context(actor=request.user, reason=reason, source_ref=request.path[:100])


masked = lists.masked


# --- what the page shows ---------------------------------------------------------------------


@dataclass(frozen=True)
class Usage:
    """Which programs' published rules read each list kind, and the UMK."""

    by_kind: dict[str, list[Program]]
    umk: list[Program]


def usage() -> Usage:
    """Read from each program's published rule set (the one enrollment runs use)."""
    by_kind: dict[str, list[Program]] = {kind: [] for kind in ListKind.values}
    umk: list[Program] = []
    for program in Program.objects.all():
        rule_set = services.current_rule_set(program)
        if rule_set is None:
            continue
        try:
            columns = columns_read(services.spec_of(program, rule_set.definition))
        except DefinitionError:
            continue  # a published version no longer valid shows no usage rather than fail
        for kind in ListKind.values:
            if list_column(kind) in columns or (kind == ListKind.PENGHASILAN
                                                and columns & INCOME_COLUMNS):
                by_kind[kind].append(program)
        if columns & UMK_COLUMNS:
            umk.append(program)
    return Usage(by_kind, umk)


def list_rows(used: Usage) -> list[dict]:
    """One row per list kind: its list in force (or none) and how many imports came before."""
    in_force = lists.lists_in_force()
    imports = dict(ReferenceList.objects.values_list("kind").annotate(n=Count("id")))
    users = {r.pk: r.imported_by for r in ReferenceList.objects.filter(
        pk__in=[r.pk for r in in_force.values()]).select_related("imported_by")}
    rows = []
    for kind, label in ListKind.choices:
        current = in_force.get(kind)
        role = ROLE_OF_KIND.get(kind, EXCLUSION)
        rows.append({
            "kind": kind, "label": label, "role": role, "role_label": ROLE_LABELS[role],
            "programs": used.by_kind[kind], "list": current,
            "imported_by": users.get(current.pk) if current else None,
            "earlier": imports.get(kind, 0) - 1 if current else 0,
        })
    return rows


def wage_rows() -> list[dict]:
    """The UMK table per year: kabupaten/kota covered, lowest and highest amount, when."""
    return list(MinimumWage.objects.values("year").annotate(
        regencies=Count("regency"), lowest=Min("amount"), highest=Max("amount"),
        imported_at=Max("imported_at"), source_name=Max("source_name")).order_by("-year"))


def _page(request: HttpRequest, status: int = 200, **extra) -> HttpResponse:
    may_import = policy.can(request.user, policy.IMPORT_LISTS)
    used = usage()
    return render(request, "programs/reference_lists.html", {
        "rows": list_rows(used), "wages": wage_rows(), "umk_programs": used.umk,
        "may_import": may_import,
        "list_form": extra.get("list_form") or ListUploadForm(),
        "wage_form": extra.get("wage_form") or WageUploadForm(),
        "refused": extra.get("refused"), "refused_what": extra.get("refused_what", ""),
        "income_kind": ListKind.PENGHASILAN.label,
    }, status=status)


@login_required
@require_GET
def reference_lists(request: HttpRequest) -> HttpResponse:
    policy.require(request.user, policy.VIEW_PROGRAMS)
    return _page(request)


# --- uploads ---------------------------------------------------------------------------------


def _saved(upload) -> Path:
    """The upload as a file under VAR_DIR keeping its (sanitized) name: the service records
    the file name as the list's source."""
    base = Path(settings.VAR_DIR) / UPLOAD_DIR
    base.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(dir=base))
    name = get_valid_filename(Path(upload.name or "").name) or "upload"
    target = folder / name
    with open(target, "wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    return target


def _refusal(error: lists.ListImportError, lang: str) -> dict:
    """Every reported problem (row, field, message in the user's language, NIKs masked)."""
    return {"total": error.total, "errors": [
        {"row": e.row, "field": e.field,
         "message": masked(e.message_id if lang == "id" else e.message_en)}
        for e in error.errors]}


def _too_big(form: forms.Form) -> bool:
    upload = form.cleaned_data["file"]
    if upload.size > MAX_UPLOAD_BYTES:
        form.add_error("file", _("Choose a file of at most %(mb)s MB.")
                       % {"mb": MAX_UPLOAD_BYTES // (1024 * 1024)})
        return True
    return False


@login_required
@require_POST
def list_upload(request: HttpRequest) -> HttpResponse:
    policy.require(request.user, policy.IMPORT_LISTS)
    form = ListUploadForm(request.POST, request.FILES)
    if not form.is_valid() or _too_big(form):
        return _page(request, 400, list_form=form)
    kind = form.cleaned_data["kind"]
    saved = _saved(form.cleaned_data["file"])
    return redirect(start_job(_ctx(request, "reference list import"), "list_import",
                              {"path": str(saved), "kind": kind}))


    return redirect("programs:reference_lists")


@login_required
@require_POST
def umk_upload(request: HttpRequest) -> HttpResponse:
    policy.require(request.user, policy.IMPORT_LISTS)
    form = WageUploadForm(request.POST, request.FILES)
    if not form.is_valid() or _too_big(form):
        return _page(request, 400, wage_form=form)
    year = form.cleaned_data["year"]
    saved = _saved(form.cleaned_data["file"])
    return redirect(start_job(_ctx(request, "UMK import"), "umk_import",
                              {"path": str(saved), "year": year}))


urlpatterns = [
    path("daftar-rujukan/", reference_lists, name="reference_lists"),
    path("daftar-rujukan/unggah/", list_upload, name="list_upload"),
    path("daftar-rujukan/umk/", umk_upload, name="umk_upload"),
]
