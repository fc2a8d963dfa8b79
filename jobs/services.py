"""Starting, executing, cancelling and retrying jobs. Every start, cancel and retry is an audit
event naming the kind and parameters; the work itself audits its own changes."""

import hashlib
import json
import logging
import os
import socket
from datetime import timedelta
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts import policy
from audit import services as audit

from .kinds import AFTER_DONE, JobCancelled, JobRefused, kind_of
from .models import ACTIVE_STATES, Job, JobState, WorkerBeat
from .progress import Progress

logger = logging.getLogger("kesos.jobs")

UNEXPECTED = {
    "id": "Terjadi kesalahan yang tidak terduga. Tidak ada perubahan yang disimpan; "
    "tim teknis dapat melihat rinciannya di log (pekerjaan #{job}).",
    "en": "An unexpected error occurred. Nothing was saved; the technical team can find the "
    "details in the log (job #{job}).",
}
WORKER_LOST = {
    "id": "Proses pekerja berhenti di tengah pekerjaan ini. Tidak ada perubahan setengah jadi "
    "yang tersimpan; pekerjaan dapat diulang.",
    "en": "The worker process stopped in the middle of this job. No half-made change was kept; "
    "the job can be retried.",
}
WORKER_LOST_RESUMABLE = {
    "id": "Proses pekerja berhenti di tengah pekerjaan ini. Langkah yang sudah selesai tersimpan; "
    "ulangi untuk melanjutkan dari langkah berikutnya.",
    "en": "The worker process stopped in the middle of this job. The finished steps are kept; "
    "retry to resume from the next step.",
}
# A worker on another host is taken for lost when it has not beaten for this long.
STALE_AFTER = timedelta(seconds=int(os.environ.get("KESOS_WORKER_STALE_SECONDS", "120")))


def request_key(kind: str, params: dict, scope: str) -> str:
    text = json.dumps([kind, params, scope], sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def start(ctx: audit.Context, kind: str, params: dict | None = None, scope: str = "",
          retry_of: Job | None = None) -> Job:
    """A new job for `kind` with `params`, or the one already waiting or running for the same
    request. The job and its task are committed together: a worker sees both or neither."""
    job_kind = kind_of(kind)
    if job_kind is None:
        raise ValueError(f"unknown job kind {kind!r}")
    if ctx.actor is not None and not policy.can(ctx.actor, job_kind.action, scope or None):
        raise PermissionDenied(job_kind.action)
    params = json.loads(json.dumps(params or {}, default=str))
    key = request_key(kind, params, scope)
    with transaction.atomic():
        try:
            with transaction.atomic():
                job = Job.objects.create(
                    kind=kind, params=params, scope=scope, request_key=key, retry_of=retry_of,
                    created_by=ctx.actor if getattr(ctx.actor, "is_authenticated", False) else None,
                )
        except IntegrityError:
            return Job.objects.get(request_key=key, state__in=ACTIVE_STATES)
        from .tasks import execute

        job.task_id = execute.enqueue(job.pk).id
        job.save(update_fields=["task_id"])
        audit.record(ctx, "job.start", job, {"kind": kind, "params": params}, scope)
    return job


def execute(job_id: int, worker_id: str = "") -> str:
    """Run a waiting job to its end; the state it ended in. Called by the task in the worker."""
    claimed = Job.objects.filter(pk=job_id, state=JobState.WAITING).update(
        state=JobState.RUNNING, started_at=timezone.now(), worker_id=worker_id[:64]
    )
    if not claimed:
        return Job.objects.filter(pk=job_id).values_list("state", flat=True).first() or ""
    job = Job.objects.get(pk=job_id)
    job_kind = kind_of(job.kind)
    try:
        if job_kind is None:
            raise LookupError(f"job kind {job.kind} is not installed")
        output = job_kind.run(job, Progress(job, job_kind.cancellable)) or {}
    except JobCancelled:
        return _finish(job, JobState.CANCELLED)
    except JobRefused as refused:
        return _finish(job, JobState.FAILED, error=refused.as_error(),
                       resumable=_resumable(Job.objects.get(pk=job.pk)))
    except Exception:
        logger.exception("job %s (%s) failed", job.pk, job.kind)
        error = {lang: text.format(job=job.pk) for lang, text in UNEXPECTED.items()}
        return _finish(job, JobState.FAILED, error=error,
                       resumable=_resumable(Job.objects.get(pk=job.pk)))
    return _finish(job, JobState.DONE, output=output)


def _finish(job: Job, state: str, output: dict | None = None, error: dict | None = None,
            resumable: bool = False) -> str:
    fields: dict[str, Any] = {"state": state, "finished_at": timezone.now(), "resumable": resumable}
    if output is not None:
        fields["output"] = {**Job.objects.get(pk=job.pk).output, **output}
    if error is not None:
        fields["error"] = error
    if state == JobState.DONE:
        fields["done"] = Job.objects.get(pk=job.pk).total
    Job.objects.filter(pk=job.pk).update(**fields)
    logger.info("job %s (%s) %s", job.pk, job.kind, state)
    if state == JobState.DONE:
        _after_done(job)
    return state


def _after_done(job: Job) -> None:
    """The callbacks registered for the kind (jobs.kinds.after_done); one that fails is logged
    and does not change the job's outcome."""
    for callback in AFTER_DONE.get(job.kind, []):
        try:
            callback(Job.objects.get(pk=job.pk))
        except Exception:
            logger.exception("after-done callback of job %s (%s) failed", job.pk, job.kind)


def cancel(ctx: audit.Context, job: Job) -> Job:
    """A waiting job is cancelled at once; a running one at its next safe point, if its kind
    allows it (its open transaction then rolls back)."""
    job_kind = kind_of(job.kind)
    with transaction.atomic():
        if Job.objects.filter(pk=job.pk, state=JobState.WAITING).update(
            state=JobState.CANCELLED, finished_at=timezone.now()
        ):
            pass
        elif job_kind and job_kind.cancellable:
            Job.objects.filter(pk=job.pk, state=JobState.RUNNING).update(cancel_requested=True)
        else:
            return job
        audit.record(ctx, "job.cancel", job, {}, job.scope)
    job.refresh_from_db()
    return job


def _resumable(job: Job) -> bool:
    """A kind that resumes, and the job got far enough to leave something to resume."""
    job_kind = kind_of(job.kind)
    return bool(job_kind and job_kind.retry_params and job.output.get("resume"))


def may_cancel(job: Job) -> bool:
    job_kind = kind_of(job.kind)
    return job.state == JobState.WAITING or (
        job.state == JobState.RUNNING and bool(job_kind and job_kind.cancellable)
        and not job.cancel_requested
    )


def retry(ctx: audit.Context, job: Job) -> Job:
    """A failed or cancelled job started again with the same parameters (or, for a resumable
    kind, the parameters that resume it)."""
    job_kind = kind_of(job.kind)
    if job.state not in (JobState.FAILED, JobState.CANCELLED) or job_kind is None:
        raise ValueError("only a failed or cancelled job can be retried")
    params = dict(job.params)
    if job.resumable and job_kind.retry_params:
        params.update(job_kind.retry_params(job))
    return start(ctx, job.kind, params, job.scope, retry_of=job)


# --- workers ----------------------------------------------------------------------------------


def beat(worker_id: str) -> None:
    WorkerBeat.objects.update_or_create(
        worker_id=worker_id,
        defaults={"host": socket.gethostname()[:255], "pid": os.getpid(),
                  "seen_at": timezone.now(), "stopped": False},
    )


def stopped(worker_id: str) -> None:
    WorkerBeat.objects.filter(worker_id=worker_id).update(stopped=True, seen_at=timezone.now())


def _alive(worker: WorkerBeat | None, now) -> bool:
    if worker is None or worker.stopped:
        return False
    if worker.host == socket.gethostname():
        try:
            os.kill(worker.pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return True
        return True
    return now - worker.seen_at < STALE_AFTER


def fail_abandoned() -> int:
    """Fail the running jobs whose worker is gone (killed, machine lost); the number failed."""
    from django_tasks_db.models import DBTaskResult

    now = timezone.now()
    failed = 0
    for job in Job.objects.filter(state=JobState.RUNNING):
        if _alive(WorkerBeat.objects.filter(worker_id=job.worker_id).first(), now):
            continue
        resumable = _resumable(job)
        error = WORKER_LOST_RESUMABLE if resumable else WORKER_LOST
        if Job.objects.filter(pk=job.pk, state=JobState.RUNNING).update(
            state=JobState.FAILED, finished_at=now, error=dict(error), resumable=resumable
        ):
            failed += 1
            logger.warning("job %s (%s) failed: its worker stopped", job.pk, job.kind)
        if job.task_id:
            DBTaskResult.objects.filter(id=job.task_id, status="RUNNING").update(
                status="FAILED", finished_at=now
            )
    return failed


def last_worker_seen():
    return (WorkerBeat.objects.filter(stopped=False).order_by("-seen_at")
            .values_list("seen_at", flat=True).first())


def record_download(ctx: audit.Context, job: Job, name: str) -> None:
    """A job's file (a KPM list, a payment file) holds personal data: who took it is logged."""
    audit.record(ctx, "job.download", job, {"file": name}, job.scope)
