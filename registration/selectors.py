"""Reads of the flow for work queues and progress pages, all through accounts.policy.scoped:
a queue holds only what the user may act on, in the user's region."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Min, Q, QuerySet, TextField
from django.db.models.functions import Cast

from accounts import policy
from accounts.models import User
from registry import identity
from registry import selectors as registry
from registry.models import Family, Household, Member, Status
from registry.names import name_key
from wilayah.selectors import within_scope

from . import payloads
from .models import (
    Decision,
    Kind,
    Meeting,
    Period,
    Proposal,
    ProposalNik,
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


def meetings_of(submission: Submission) -> QuerySet[Meeting]:
    """The village meetings that accepted the proposals of a submission (their Berita Acara
    go up the chain with it)."""
    return (
        Meeting.objects.filter(decisions__proposal__submission=submission)
        .distinct()
        .select_related("village")
        .order_by("village_id", "held_on", "id")
    )


def enumerators_for(regency_code: str) -> QuerySet[User]:
    """Active Dinas Sosial officers bound to the regency (who may be sent on visits)."""
    return User.objects.filter(
        role__in=ENUMERATOR_ROLES, region_id=regency_code, is_active=True
    ).order_by("username")


def periods(status: str | None = None) -> QuerySet[Period]:
    qs = Period.objects.all()
    return qs.filter(status=status) if status else qs


# --- who a proposal is about --------------------------------------------------------------


@dataclass(frozen=True)
class Subject:
    """Who a proposal is about, as lists and pages show it: the member of a member-level
    proposal (removal, a member's correction, a member added), else the household head (the
    proposed head for a new household). NIK and KK are masked (identity.mask_nik)."""

    name: str
    nik: str
    kk: str
    is_member: bool
    member_id: int | None = None  # the registry member, when there is one


def _masked(number: str) -> str:
    # A KK number has the NIK's 16-digit shape and is masked the same way.
    return identity.mask_nik(number) if number else ""


def _payload_subject(proposal: Proposal) -> Subject:
    p = proposal.payload or {}
    if proposal.kind == Kind.ADD_MEMBER:
        person = p.get("member") if isinstance(p.get("member"), dict) else {}
        kk = str(p.get("kk_number") or "")
        return Subject(
            str(person.get("name") or ""), _masked(str(person.get("nik") or "")), _masked(kk), True
        )
    families = [f for f in p.get("families") or [] if isinstance(f, dict)]
    rows = [(f, m) for f in families for m in f.get("members") or [] if isinstance(m, dict)]
    heads = [r for r in rows if str(r[1].get("relation_to_household_head")) == "1"]
    family, person = (heads or rows or [({}, {})])[0]
    return Subject(
        str(person.get("name") or ""),
        _masked(str(person.get("nik") or "")),
        _masked(str(family.get("kk_number") or "")),
        False,
    )


def _member_subject(member: Member, is_member: bool) -> Subject:
    return Subject(
        member.name, _masked(member.nik), _masked(member.family.kk_number), is_member, member.pk
    )


def subjects(proposals: Iterable[Proposal]) -> dict[int, Subject]:
    """{proposal id: Subject} for a page of proposals, in three queries at most."""
    proposals = list(proposals)
    member_ids = {p.member_id for p in proposals if p.member_id}
    household_ids = {
        p.household_id
        for p in proposals
        if p.household_id and not p.member_id and p.kind != Kind.ADD_MEMBER
    }
    members = {m.pk: m for m in Member.objects.filter(pk__in=member_ids).select_related("family")}
    heads = registry.heads_of(household_ids)
    found = {}
    for p in proposals:
        if p.member_id in members:
            found[p.pk] = _member_subject(members[p.member_id], True)
        elif p.household_id in heads and p.kind != Kind.ADD_MEMBER:
            found[p.pk] = _member_subject(heads[p.household_id], False)
        else:
            found[p.pk] = _payload_subject(p)
    return found


def subject(proposal: Proposal) -> Subject:
    return subjects([proposal])[proposal.pk]


def warnings_of(proposal: Proposal) -> list[dict]:
    """The warnings stored when the proposal was saved, and those of its NIKs against the sex
    and birth date recorded with them (computed now, whatever created the proposal)."""
    member = proposal.member if proposal.member_id else None
    return list(proposal.warnings or []) + payloads.identity_warnings(
        proposal.kind, proposal.payload or {}, member
    )


def identity_warning_count(proposals: Iterable[Proposal]) -> int:
    """How many of `proposals` have a NIK contradicting its recorded sex or birth date."""
    return sum(
        1
        for p in proposals
        if payloads.identity_warnings(p.kind, p.payload or {}, p.member if p.member_id else None)
    )


# --- searching the lists -------------------------------------------------------------------


def matching(qs: QuerySet[Proposal], text: str) -> QuerySet[Proposal]:
    """Proposals naming a NIK or KK number (16 digits), or a person whose name starts with
    `text`: in the proposal itself or, for a registry household, among its members. Text that
    is neither (a 15-digit number) matches nothing."""
    text = " ".join(text.split())
    if not text:
        return qs
    digits = "".join(ch for ch in text if ch.isdigit())
    as_text = qs.annotate(payload_text=Cast("payload", TextField()))
    if len(digits) == 16:
        return as_text.filter(
            Q(pk__in=ProposalNik.objects.filter(nik=digits).values("proposal_id"))
            | Q(household_id__in=Member.objects.filter(nik=digits).values("household_id"))
            | Q(household_id__in=Family.objects.filter(kk_number=digits).values("household_id"))
            | Q(payload_text__contains=f'"{digits}"')
        )
    key = name_key(text)
    if digits or not key:
        return qs.none()
    households = Member.objects.filter(registry.name_prefix(key)).values("household_id")
    # The payload is JSON: a name is stored as "name": "<value>" (PostgreSQL and SQLite alike).
    return as_text.filter(
        Q(household_id__in=households) | Q(payload_text__icontains=f'"name": "{text}')
    )
