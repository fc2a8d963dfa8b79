"""Reads of the flow for work queues and progress pages, all through accounts.policy.scoped:
a queue holds only what the user may act on, in the user's region."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Min, QuerySet

from accounts import policy
from accounts.models import User
from registry.models import Household, Status
from wilayah.selectors import within_scope

from .models import (
    Decision,
    Meeting,
    Period,
    Proposal,
    ProposalStatus,
    Submission,
    SubmissionStatus,
    Visit,
)
from .services.visits import ENUMERATOR_ROLES


@dataclass(frozen=True)
class Queue:
    name: str
    count: int
    oldest: datetime | None  # waiting since (the oldest item's last status change)


def proposals_for(user: User, action: str = policy.VIEW_REGISTRY) -> QuerySet[Proposal]:
    return policy.scoped(user, Proposal.objects.all(), "village__code", action)


def submissions_for(user: User, action: str = policy.VIEW_REGISTRY) -> QuerySet[Submission]:
    return policy.scoped(user, Submission.objects.all(), "regency__code", action)


def visits_to_record(user: User) -> QuerySet[Visit]:
    """Visits assigned to `user` that still wait for their result."""
    if not policy.role_allows(user, policy.VERIFY):
        return Visit.objects.none()
    return Visit.objects.filter(
        enumerator=user,
        visited_at__isnull=True,
        proposal__status=ProposalStatus.VISIT_ASSIGNED,
    ).select_related("proposal", "household")


# name -> (permission, status) for the queues of proposals and submissions.
PROPOSAL_QUEUES = {
    "to_decide": (policy.DECIDE_MEETING, ProposalStatus.SUBMITTED),
    "to_assign": (policy.ASSIGN_VISIT, ProposalStatus.PRELIST_FINAL),
    "to_compile": (policy.COMPILE, ProposalStatus.VERIFIED),
    "returned_proposals": (policy.PROPOSE, ProposalStatus.RETURNED),
}
SUBMISSION_QUEUES = {
    "to_ratify": (policy.RATIFY, SubmissionStatus.COMPILED),
    "to_forward": (policy.FORWARD, SubmissionStatus.RATIFIED),
    "to_determine": (policy.DETERMINE, SubmissionStatus.FORWARDED),
    "returned_submissions": (policy.COMPILE, SubmissionStatus.RETURNED),
}


def _queue(name: str, qs: QuerySet, since: str) -> Queue:
    row = qs.aggregate(n=Count("id"), oldest=Min(since))
    return Queue(name, row["n"], row["oldest"])


def queues(user: User) -> list[Queue]:
    """The user's work queues with counts and the oldest waiting item; only the queues the
    user's role may work on ('to_verify' is the visits assigned to the user)."""
    found = []
    if policy.role_allows(user, policy.VERIFY):
        found.append(_queue("to_verify", visits_to_record(user), "assigned_at"))
    for name, (permission, status) in PROPOSAL_QUEUES.items():
        if policy.role_allows(user, permission):
            qs = proposals_for(user, permission).filter(status=status)
            found.append(_queue(name, qs, "status_since"))
    for name, (permission, status) in SUBMISSION_QUEUES.items():
        if policy.role_allows(user, permission):
            qs = submissions_for(user, permission).filter(status=status)
            found.append(_queue(name, qs, "status_since"))
    return found


def village_progress(user: User, region_code: str) -> dict[str, dict[str, int]]:
    """{village code: {proposal status: count}} for the villages of a region (a regency, say)
    that the user may see."""
    rows = (
        proposals_for(user)
        .filter(within_scope(region_code, "village__code"))
        .values("village_id", "status")
        .annotate(n=Count("id"))
        .order_by("village_id", "status")
    )
    progress: dict[str, dict[str, int]] = {}
    for row in rows:
        progress.setdefault(row["village_id"], {})[row["status"]] = row["n"]
    return progress


@dataclass(frozen=True)
class Prelist:
    proposals: QuerySet[Proposal]  # new proposals accepted at the meeting
    households: QuerySet[Household]  # existing active households the meeting confirmed


def final_prelist(user: User, meeting: Meeting) -> Prelist:
    """The meeting's final prelist (prelist akhir), as far as `user` may see it."""
    accepted = meeting.decisions.filter(decision=Decision.ACCEPT)
    return Prelist(
        proposals=proposals_for(user).filter(
            pk__in=accepted.filter(proposal__isnull=False).values("proposal_id")
        ),
        households=policy.scoped(user, Household.objects.all(), "village__code").filter(
            status=Status.ACTIVE,
            pk__in=accepted.filter(household__isnull=False).values("household_id"),
        ),
    )


def meetings_for(user: User) -> QuerySet[Meeting]:
    return policy.scoped(user, Meeting.objects.all(), "village__code")


def enumerators_for(regency_code: str) -> QuerySet[User]:
    """Active Dinas Sosial officers bound to the regency (who may be sent on visits)."""
    return User.objects.filter(
        role__in=ENUMERATOR_ROLES, region_id=regency_code, is_active=True
    ).order_by("username")


def periods(status: str | None = None) -> QuerySet[Period]:
    qs = Period.objects.all()
    return qs.filter(status=status) if status else qs
