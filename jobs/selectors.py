"""Which jobs a user sees: the ones they started, and with the oversight role every job whose
region lies in their scope (national jobs only to national users)."""

from datetime import datetime, timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone

from accounts import policy
from wilayah.selectors import within_scope

from .kinds import kind_of
from .models import Job, JobState


def visible_jobs(user) -> QuerySet[Job]:
    if policy.scope_prefix(user) is None:
        return Job.objects.none()
    mine = Q(created_by=user)
    if policy.role_allows(user, policy.VIEW_ALL_JOBS):
        return Job.objects.filter(mine | within_scope(policy.scope_prefix(user) or "", "scope"))
    return Job.objects.filter(mine)


def may_restart(user, job: Job) -> bool:
    job_kind = kind_of(job.kind)
    return bool(job_kind) and policy.can(user, job_kind.action, job.scope or None)


def time_left(job: Job, now: datetime | None = None) -> timedelta | None:
    """The estimate from the current step's pace; None until there is a pace to go by."""
    if job.state != JobState.RUNNING or not job.step_started_at or job.done <= 0:
        return None
    if job.total <= job.done:
        return None
    elapsed = (now or timezone.now()) - job.step_started_at
    return elapsed * ((job.total - job.done) / job.done)


def percent(job: Job) -> int:
    if job.state == JobState.DONE:
        return 100
    return min(100, int(job.done * 100 / job.total)) if job.total else 0
