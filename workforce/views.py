"""Workforce pages: the scoped worker list, a worker's page (certificates, assignments, and the
blocks other apps add, such as the ATENSI caseload), and the forms of the managing roles."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import policy
from audit.services import Context, record_read
from providers.models import Cluster, Kind, ServiceForm
from providers.reports import provider_figures
from registry.identity import mask_nik
from wilayah.selectors import code_in_scope, get_region

from . import hooks, selectors, services
from .forms import AssignmentForm, CertificateForm, EndAssignmentForm, WorkerFilterForm, WorkerForm
from .models import Assignment, Worker, WorkerKind
from .reports import workforce_figures

PAGE_SIZE = 50


def _ctx(request: HttpRequest) -> Context:
    return Context(actor=request.user, source_ref=request.path[:100])


def _may_manage(user, worker: Worker | None = None) -> bool:
    return policy.can(user, policy.MANAGE_WORKFORCE, worker.region_id if worker else None)


@login_required
@require_GET
def worker_list(request: HttpRequest) -> HttpResponse:
    if not policy.role_allows(request.user, policy.VIEW_WORKFORCE):
        raise PermissionDenied(policy.VIEW_WORKFORCE)
    form = WorkerFilterForm(request.GET or None, user=request.user)
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    provider = filters.get("provider")
    workers = selectors.search_workers(
        request.user,
        kind=filters.get("kind", ""),
        provider_id=provider.pk if provider else None,
        text=filters.get("q", ""),
    )
    if form.is_bound and not form.is_valid():
        workers = workers.none()
    page = Paginator(workers, PAGE_SIZE).get_page(request.GET.get("page"))
    status = services.certification_of([w.pk for w in page], timezone.localdate())
    rows = [
        {
            "worker": w,
            "nik": mask_nik(w.nik) if w.nik else "",
            "certified": w.pk in status,
            "supervisor": status.get(w.pk) == "supervisor",
        }
        for w in page
    ]
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "workforce/list.html",
        {
            "form": form,
            "page": page,
            "rows": rows,
            "query": query.urlencode(),
            "can_manage": _may_manage(request.user),
        },
    )


@login_required
@require_GET
def worker_detail(request: HttpRequest, worker_id: int) -> HttpResponse:
    worker = selectors.worker_for(request.user, worker_id)
    record_read(_ctx(request), worker, worker.region_id)
    return render(request, "workforce/detail.html", _detail_context(request, worker))


def _detail_context(request: HttpRequest, worker: Worker, **forms) -> dict:
    today = timezone.localdate()
    manage = _may_manage(request.user, worker)
    context = {
        "worker": worker,
        "nik": worker.nik if manage else (mask_nik(worker.nik) if worker.nik else ""),
        "certificates": [
            (c, c.issued_on <= today <= c.valid_until) for c in worker.certificates.all()
        ],
        "assignments": [
            (a, a.start_date <= today and (a.end_date is None or a.end_date >= today))
            for a in selectors.assignments_of(worker)
        ],
        "certified": services.is_certified(worker, today),
        "supervisor": services.can_supervise(worker, today),
        "blocks": hooks.worker_blocks(request.user, worker),
        "can_manage": manage,
    }
    if manage:
        context["certificate_form"] = forms.get("certificate_form") or CertificateForm()
        context["assignment_form"] = forms.get("assignment_form") or AssignmentForm(
            user=request.user, initial={"start_date": today}
        )
    return context


@login_required
@require_http_methods(["GET", "POST"])
def worker_edit(request: HttpRequest, worker_id: int | None = None) -> HttpResponse:
    worker = selectors.worker_for(request.user, worker_id) if worker_id else Worker()
    if not _may_manage(request.user, worker if worker_id else None):
        raise PermissionDenied(policy.MANAGE_WORKFORCE)
    form = WorkerForm(request.POST or None, instance=worker, user=request.user)
    if request.method == "POST" and form.is_valid():
        values = {f: form.cleaned_data[f] for f in form.Meta.fields}
        values["region_id"] = form.cleaned_data["region"]
        try:
            if worker_id:
                worker = services.update_worker(
                    _ctx(request), Worker.objects.get(pk=worker.pk), **values
                )
            else:
                worker = services.add_worker(_ctx(request), **values)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The worker was saved."))
            return redirect("workforce_detail", worker.pk)
    return render(request, "workforce/form.html", {"form": form, "worker": worker})


@login_required
@require_POST
def certificate_add(request: HttpRequest, worker_id: int) -> HttpResponse:
    worker = selectors.worker_for(request.user, worker_id)
    if not _may_manage(request.user, worker):
        raise PermissionDenied(policy.MANAGE_WORKFORCE)
    form = CertificateForm(request.POST)
    if form.is_valid():
        try:
            services.add_certificate(_ctx(request), worker, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The certificate was recorded."))
            return redirect("workforce_detail", worker.pk)
    context = _detail_context(request, worker, certificate_form=form)
    return render(request, "workforce/detail.html", context, status=422)


@login_required
@require_POST
def assignment_add(request: HttpRequest, worker_id: int) -> HttpResponse:
    worker = selectors.worker_for(request.user, worker_id)
    if not _may_manage(request.user, worker):
        raise PermissionDenied(policy.MANAGE_WORKFORCE)
    form = AssignmentForm(request.POST, user=request.user)
    if form.is_valid():
        values = {f: form.cleaned_data[f] for f in form.Meta.fields}
        values["region_id"] = form.cleaned_data["region"] or None
        try:
            services.add_assignment(_ctx(request), worker, **values)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The assignment was recorded."))
            return redirect("workforce_detail", worker.pk)
    context = _detail_context(request, worker, assignment_form=form)
    return render(request, "workforce/detail.html", context, status=422)


@login_required
@require_POST
def assignment_end(request: HttpRequest, assignment_id: int) -> HttpResponse:
    assignment = get_object_or_404(Assignment, pk=assignment_id)
    worker = selectors.worker_for(request.user, assignment.worker_id)
    if not _may_manage(request.user, worker):
        raise PermissionDenied(policy.MANAGE_WORKFORCE)
    form = EndAssignmentForm(request.POST)
    if form.is_valid():
        try:
            services.end_assignment(_ctx(request), assignment, form.cleaned_data["end_date"])
        except ValidationError as error:
            for text in error.messages:
                messages.error(request, text)
        else:
            messages.success(request, _("The assignment was ended."))
    else:
        messages.error(request, _("Give a valid end date."))
    return redirect("workforce_detail", worker.pk)


@login_required
@require_GET
def periodic_report(request: HttpRequest) -> HttpResponse:
    """Provider and workforce figures of the article 52 periodic report for the user's region
    (or a region inside it)."""
    if not policy.role_allows(request.user, policy.VIEW_WORKFORCE):
        raise PermissionDenied(policy.VIEW_WORKFORCE)
    scope = policy.scope_prefix(request.user) or ""
    region = request.GET.get("region", "") or scope
    if not code_in_scope(region, scope) or (region and get_region(region) is None):
        region = scope
    today = timezone.localdate()
    providers = provider_figures(region, today)
    workforce = workforce_figures(region, today)
    return render(
        request,
        "workforce/report.html",
        {
            "region": get_region(region) if region else None,
            "today": today,
            "providers": providers,
            "workforce": workforce,
            "kinds": [(label, providers["by_kind"][k]) for k, label in Kind.choices],
            "services": [(label, providers["by_service"][k]) for k, label in ServiceForm.choices],
            "clusters": [(label, providers["by_cluster"][k]) for k, label in Cluster.choices],
            "worker_kinds": [(label, workforce["by_kind"][k]) for k, label in WorkerKind.choices],
        },
    )
