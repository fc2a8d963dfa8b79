"""Reads that serve the officer's pages: requests with their due times, objections for the
program officers of a region, retention runs."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from accounts import policy
from accounts.models import User

from .access import is_officer, require_officer
from .models import Objection, ObjectionStatus, RequestStatus, RetentionRun, SubjectRequest

RECENT = 50


@dataclass(frozen=True)
class Due:
    """A request or breach against its 3x24-hour duty, as a page shows it."""

    item: SubjectRequest
    overdue: bool
    hours_left: float  # negative once past

    @property
    def late_by(self) -> float:
        return -self.hours_left


def _due(request: SubjectRequest, now: datetime) -> Due:
    return Due(request, request.overdue(now), (request.due_at - now).total_seconds() / 3600)


def open_requests(user: User, now: datetime | None = None) -> list[Due]:
    """Open requests, the soonest due first."""
    require_officer(user)
    now = now or timezone.now()
    rows = SubjectRequest.objects.filter(status=RequestStatus.OPEN).select_related("objection")
    return [_due(r, now) for r in rows.order_by("due_at", "id")]


def answered_requests(user: User, now: datetime | None = None) -> list[Due]:
    require_officer(user)
    now = now or timezone.now()
    rows = SubjectRequest.objects.exclude(status=RequestStatus.OPEN).order_by("-fulfilled_at")
    return [_due(r, now) for r in rows[:RECENT]]


def request_for(user: User, request_id: int) -> SubjectRequest:
    require_officer(user)
    found = (SubjectRequest.objects.select_related("proposal", "recorded_by",
                                                   "bundle_produced_by")
             .filter(pk=request_id).first())
    if found is None:
        raise Http404
    return found


def objections_for(user: User) -> QuerySet[Objection]:
    """The objections `user` answers (a program officer, within their region) or follows
    (the officer: all)."""
    qs = Objection.objects.select_related("request", "program", "answered_by", "member",
                                          "member__household")
    if is_officer(user):
        return qs
    return policy.scoped(user, qs, "village_code", policy.ANSWER_OBJECTIONS)


def open_objections(user: User) -> QuerySet[Objection]:
    return objections_for(user).filter(status=ObjectionStatus.OPEN).order_by(
        "request__due_at", "id")


def latest_retention_report(user: User) -> dict | None:
    """The newest report a retention job made within the day a report is valid for, or None."""
    from jobs.models import Job, JobState

    from .retention import REPORT_VALID_FOR

    require_officer(user)
    job = Job.objects.filter(kind="retention_report", state=JobState.DONE,
                             finished_at__gte=timezone.now() - REPORT_VALID_FOR).order_by(
        "-finished_at").first()
    return job.output.get("report") if job else None


def retention_job_running() -> object | None:
    from jobs.models import ACTIVE_STATES, Job

    return Job.objects.filter(kind__in=["retention_report", "retention_apply"],
                              state__in=ACTIVE_STATES).order_by("-created_at").first()


def retention_runs(user: User) -> QuerySet[RetentionRun]:
    require_officer(user)
    return RetentionRun.objects.select_related("confirmed_by")[:20]
