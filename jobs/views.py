"""Job pages: my jobs (and, for oversight roles, every job in scope), one job's progress polled
by htmx, cancel, retry, and the files a job produced. Thin: selectors and services decide."""

import mimetypes
from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.timesince import timeuntil
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import policy
from audit.services import Context

from . import selectors, services
from .files import output_file
from .kinds import kind_of
from .models import Job, JobState


def _job(request: HttpRequest, pk: int) -> Job:
    return get_object_or_404(selectors.visible_jobs(request.user), pk=pk)


def _words(left: timedelta | None) -> str:
    return timeuntil(timezone.now() + left) if left is not None else ""


def _context(request: HttpRequest, job: Job) -> dict:
    job_kind = kind_of(job.kind)
    return {
        "job": job,
        "kind_label": job_kind.label if job_kind else job.kind,
        "step_label": job_kind.step_label(job.step) if job_kind else job.step,
        "percent": selectors.percent(job),
        "time_left": _words(selectors.time_left(job)),
        "may_cancel": services.may_cancel(job) and selectors.may_restart(request.user, job),
        "may_retry": job.state in (JobState.FAILED, JobState.CANCELLED)
        and selectors.may_restart(request.user, job),
    }


@login_required
def job_list(request: HttpRequest) -> HttpResponse:
    jobs = selectors.visible_jobs(request.user).select_related("created_by")
    only_mine = request.GET.get("semua") != "1" or not policy.role_allows(
        request.user, policy.VIEW_ALL_JOBS)
    if only_mine:
        jobs = jobs.filter(created_by=request.user)
    state = request.GET.get("status", "")
    if state in JobState.values:
        jobs = jobs.filter(state=state)
    page = Paginator(jobs, 50).get_page(request.GET.get("halaman"))
    rows = [{"job": job, "label": kind_of(job.kind).label if kind_of(job.kind) else job.kind,
             "percent": selectors.percent(job)} for job in page]
    return render(request, "jobs/list.html", {
        "page": page, "rows": rows, "only_mine": only_mine, "state": state,
        "states": JobState.choices,
        "may_see_all": policy.role_allows(request.user, policy.VIEW_ALL_JOBS),
    })


@login_required
def job_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, "jobs/detail.html", _context(request, _job(request, pk)))


@login_required
def job_status(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, "jobs/_status.html", _context(request, _job(request, pk)))


@login_required
@require_POST
def job_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job(request, pk)
    if not (services.may_cancel(job) and selectors.may_restart(request.user, job)):
        raise Http404
    services.cancel(Context(request.user, reason="cancel job"), job)
    messages.info(request, _("Cancellation requested."))
    return redirect(job)


@login_required
@require_POST
def job_retry(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job(request, pk)
    if job.state not in (JobState.FAILED, JobState.CANCELLED) or not selectors.may_restart(
        request.user, job
    ):
        raise Http404
    again = services.retry(Context(request.user, reason="retry job"), job)
    messages.success(request, _("Job started again."))
    return redirect(again)


@login_required
def job_download(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    job = _job(request, pk)
    path = output_file(job, name)
    if path is None:
        raise Http404
    services.record_download(Context(request.user, reason="download job output"), job, name)
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    return FileResponse(path.open("rb"), as_attachment=True, filename=name,
                        content_type=content_type)
