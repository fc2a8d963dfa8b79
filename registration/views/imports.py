"""Uploads and downloads of the DTKS update flow: BNBA lists, ODK/Kobo exports, work packages,
the Berita Acara PDF and its signed scan. Thin: the services decide and check access."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts import policy
from audit.services import Context

from ..bnba.template import csv_template, xlsx_template
from ..models import ImportBatch, ImportKind, ImportStatus, Meeting, ProposalSource
from ..pdf import berita_acara_pdf
from ..services import exports, imports, offline_imports
from ..services.minutes import store_signed_minutes
from ..tasks import start_processing

CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}
MAX_UPLOAD_BYTES = 100 * 1024 * 1024
COUNT_LABELS = {
    "households": gettext_lazy("Households in the file"),
    "created": gettext_lazy("Proposals created"),
    "skipped": gettext_lazy("Households skipped (already proposed)"),
    "members": gettext_lazy("Members"),
    "recorded": gettext_lazy("Visits recorded"),
}


def _download(data: bytes, name: str, content_type: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _fmt(fmt: str) -> str:
    if fmt not in CONTENT_TYPES:
        raise Http404
    return fmt


@login_required
def upload(request: HttpRequest, kind: str) -> HttpResponse:
    if kind not in ImportKind.values:
        raise Http404
    context = {
        "kind": kind,
        "kind_label": ImportKind(kind).label,
        "sources": ProposalSource.choices,
    }
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None or upload.size > MAX_UPLOAD_BYTES:
            context["error"] = True
            return render(request, "registration/imports/upload.html", context, status=400)
        try:
            batch = imports.start_import(
                Context(request.user),
                kind,
                upload.read(),
                upload.name,
                request.POST.get("source", ""),
            )
        except ValidationError as exc:
            context["error_messages"] = exc.messages
            return render(request, "registration/imports/upload.html", context, status=400)
        if batch.status != ImportStatus.PENDING:  # this file was imported before
            return redirect("registration_import_progress", pk=batch.pk)
        return redirect(start_processing(Context(request.user), batch))
    policy.require(request.user, imports.ACTION_BY_KIND[kind])
    return render(request, "registration/imports/upload.html", context)


def _batch_for(request: HttpRequest, pk: int) -> ImportBatch:
    batch = get_object_or_404(ImportBatch, pk=pk)
    if batch.created_by_id != request.user.pk and not policy.can(
        request.user, imports.ACTION_BY_KIND[batch.kind], batch.scope or None
    ):
        raise Http404
    return batch


@login_required
def progress(request: HttpRequest, pk: int) -> HttpResponse:
    batch = _batch_for(request, pk)
    template = (
        "registration/imports/_progress.html"
        if request.htmx
        else "registration/imports/progress.html"
    )
    finished = batch.status in (ImportStatus.DONE, ImportStatus.REFUSED)
    counts = [(COUNT_LABELS.get(key, key), value) for key, value in batch.counts.items()]
    return render(request, template, {"batch": batch, "finished": finished, "counts": counts})


@login_required
def bnba_template(request: HttpRequest, fmt: str) -> HttpResponse:
    data = xlsx_template() if _fmt(fmt) == "xlsx" else csv_template()
    return _download(data, f"template-bnba.{fmt}", CONTENT_TYPES[fmt])


@login_required
def registry_export(request: HttpRequest, village: str, fmt: str) -> HttpResponse:
    data = exports.registry_bnba(request.user, village, _fmt(fmt))
    return _download(data, f"bnba-dtks-{village}.{fmt}", CONTENT_TYPES[fmt])


@login_required
def proposals_export(request: HttpRequest, village: str, fmt: str) -> HttpResponse:
    statuses = request.GET.getlist("status") or None
    data = exports.proposals_bnba(request.user, village, _fmt(fmt), statuses)
    return _download(data, f"bnba-usulan-{village}.{fmt}", CONTENT_TYPES[fmt])


@login_required
def package_export(request: HttpRequest, village: str) -> HttpResponse:
    data = offline_imports.export_package(Context(request.user), village)
    return _download(data, f"paket-{village}.zip", "application/zip")


def _meeting_for(request: HttpRequest, pk: int) -> Meeting:
    meeting = get_object_or_404(Meeting, pk=pk)
    if not policy.can(request.user, policy.VIEW_REGISTRY, meeting.village_id):
        raise Http404
    return meeting


@login_required
def berita_acara(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting_for(request, pk)
    pdf = berita_acara_pdf(meeting, request.user)
    return _download(
        pdf, f"berita-acara-{meeting.kind}-{meeting.village_id}.pdf", "application/pdf"
    )


@login_required
@require_POST
def signed_minutes(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting_for(request, pk)
    scan = request.FILES.get("scan")
    if scan is None:
        return HttpResponse(status=400)
    try:
        store_signed_minutes(Context(request.user), meeting, scan)
    except ValidationError as exc:
        return HttpResponse("; ".join(exc.messages), status=400)
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}):
        target = "registration_import_progress_list"
    return redirect(target)


@login_required
def batches(request: HttpRequest) -> HttpResponse:
    mine = ImportBatch.objects.filter(created_by=request.user)[:50]
    uploads = [(kind, ImportKind(kind).label) for kind, action in imports.ACTION_BY_KIND.items()
               if policy.role_allows(request.user, action)]
    return render(request, "registration/imports/list.html",
                  {"batches": mine, "uploads": uploads})
