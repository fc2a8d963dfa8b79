"""Penetapan: the centre determines a DTKS period. In one transaction every proposal of the
period's accepted submissions is applied to the registry through registry.services, each change
naming its proposal in the audit trail; this is the only place the flow changes the registry."""

import hashlib
from dataclasses import dataclass, replace

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import policy
from audit import services as audit
from audit.models import Source
from registry import services as registry
from registry.models import Household, Status

from .. import payloads
from ..models import (
    Kind,
    Period,
    PeriodStatus,
    Proposal,
    ProposalStatus,
    Submission,
    SubmissionStatus,
    VisitResult,
)
from ..transitions import TransitionRefused, move

# Submissions that have left the regency but are not accepted by the centre yet.
IN_CHAIN = (
    SubmissionStatus.COMPILED,
    SubmissionStatus.RATIFIED,
    SubmissionStatus.FORWARDED,
    SubmissionStatus.RETURNED,
)


@dataclass(frozen=True)
class Preview:
    """What the penetapan of a period would do now: the proposals it applies, counted by kind
    and by regency, and the submissions still in the approval chain, which it does not apply.
    `fingerprint` changes whenever any of that changes."""

    period: Period
    to_apply: int
    by_kind: dict[str, int]  # kind -> proposals
    by_regency: dict[str, dict[str, int]]  # regency code -> kind -> proposals
    in_chain: list[Submission]  # each with `.proposal_count`
    fingerprint: str
    identity_warnings: int  # proposals whose NIK contradicts the recorded sex or birth date


def _to_apply(period: Period) -> QuerySet[Proposal]:
    return Proposal.objects.filter(
        submission__period=period,
        submission__status=SubmissionStatus.DETERMINED,
        status=ProposalStatus.COMPILED,
    )


def preview(period: Period) -> Preview:
    """The penetapan of `period` as it would run now (nothing is written)."""
    qs = _to_apply(period)
    by_regency: dict[str, dict[str, int]] = {}
    rows = qs.values("submission__regency_id", "kind").annotate(n=Count("id"))
    for row in rows.order_by("submission__regency_id", "kind"):
        by_regency.setdefault(row["submission__regency_id"], {})[row["kind"]] = row["n"]
    by_kind: dict[str, int] = {}
    for counts in by_regency.values():
        for kind, n in counts.items():
            by_kind[kind] = by_kind.get(kind, 0) + n
    in_chain = list(
        period.submissions.filter(status__in=IN_CHAIN)
        .select_related("regency")
        .annotate(proposal_count=Count("proposals"))
        .order_by("regency_id", "id")
    )
    ids = ",".join(str(pk) for pk in qs.order_by("id").values_list("id", flat=True))
    chain = ",".join(f"{s.pk}:{s.status}" for s in in_chain)
    fingerprint = hashlib.sha256(f"{period.pk}|{ids}|{chain}".encode()).hexdigest()[:20]
    contradicting = sum(
        1
        for p in qs.select_related("member")
        if payloads.identity_warnings(p.kind, p.payload or {}, p.member)
    )
    return Preview(
        period, sum(by_kind.values()), by_kind, by_regency, in_chain, fingerprint, contradicting
    )


@transaction.atomic
def determine(
    ctx: audit.Context,
    period: Period,
    decree_number: str = "",
    expected: str | None = None,
    carry_over_to: Period | None = None,
) -> Period:
    """Determine `period`: apply its accepted proposals to the registry and close it.
    A proposal that cannot be applied stops the whole penetapan (nothing is written).

    `expected` is the fingerprint of the preview the centre confirmed: if the period changed
    since, nothing is done. A period whose submissions are still in the approval chain is not
    closed unless they are carried over to `carry_over_to`, another open period, where they
    continue; otherwise they could never be accepted."""
    policy.require(ctx.actor, policy.DETERMINE)
    period = Period.objects.select_for_update().get(pk=period.pk)
    if period.status != PeriodStatus.OPEN:
        raise TransitionRefused(_("The period %(code)s is already determined.") % {"code": period})
    now = preview(period)
    if expected is not None and expected != now.fingerprint:
        raise TransitionRefused(
            _("The period changed since the preview; check the preview again before you confirm.")
        )
    if now.in_chain:
        _carry_over(ctx, period, now.in_chain, carry_over_to)
    proposals = _to_apply(period).select_related("household", "member").order_by("id")
    applied = 0
    for proposal in proposals:
        step_ctx = replace(
            ctx,
            source=Source.BATCH,
            source_ref=f"penetapan {period.code} / usulan {proposal.pk}",
        )
        try:
            _apply(step_ctx, proposal)
        except ValidationError as error:
            raise ValidationError(
                _("Proposal %(id)s cannot be applied: %(error)s")
                % {"id": proposal.pk, "error": "; ".join(error.messages)}
            ) from error
        proposal.applied_at = timezone.now()
        proposal.save(update_fields=["applied_household", "applied_member", "applied_at"])
        move(step_ctx, proposal, "apply")
        applied += 1
    period.status, period.determined_at = PeriodStatus.DETERMINED, timezone.now()
    period.determined_by, period.decree_number = ctx.actor, decree_number
    period.save()
    audit.record(
        ctx,
        "registration.period.determine",
        period,
        {
            "status": [PeriodStatus.OPEN, PeriodStatus.DETERMINED],
            "applied": [None, applied],
            "carried_over": [None, len(now.in_chain)],
        },
    )
    return period


def _carry_over(
    ctx: audit.Context, period: Period, in_chain: list[Submission], to: Period | None
) -> None:
    """Move the submissions still in the chain (and their proposals) to the open period `to`,
    or refuse the penetapan naming them."""
    if to is None:
        names = "; ".join(f"#{s.pk} {s.regency.name} ({s.get_status_display()})" for s in in_chain)
        raise TransitionRefused(
            _(
                "%(n)s submission(s) of %(code)s are still in the approval chain: %(list)s. "
                "Accept or return them first, or carry them over to the next open period."
            )
            % {"n": len(in_chain), "code": period.code, "list": names}
        )
    to = Period.objects.select_for_update().get(pk=to.pk)
    if to.pk == period.pk or to.status != PeriodStatus.OPEN:
        raise ValidationError({"carry_over_to": _("Choose another open period.")})
    for submission in in_chain:
        Submission.objects.filter(pk=submission.pk).update(period=to)
        Proposal.objects.filter(submission=submission).update(period=to)
        audit.record(
            ctx,
            "registration.submission.carry_over",
            submission,
            {"period": [period.code, to.code]},
            region_code=submission.regency_id,
        )


def _verified_answers(proposal: Proposal) -> dict:
    visit = proposal.visits.filter(result=VisitResult.VERIFIED).order_by("-visited_at").first()
    return visit.answers if visit else {}


def _apply(ctx: audit.Context, proposal: Proposal) -> None:
    """Make the registry change of one proposal; remember what it created or changed."""
    p, kind = proposal.payload, proposal.kind
    answers = _verified_answers(proposal)
    if kind == Kind.NEW_HOUSEHOLD:
        household = registry.create_household(
            ctx,
            proposal.village_id,
            p["address"],
            payloads.families(p),
            answers or p.get("answers") or {},
            rt=p.get("rt", ""),
            rw=p.get("rw", ""),
        )
        proposal.applied_household = household
        return
    household = proposal.household
    proposal.applied_household = household
    if kind == Kind.DEACTIVATE:
        registry.change_status(ctx, household, Status.INACTIVE, p["reason"], p.get("note", ""))
        return
    _refresh_answers(ctx, household, answers)
    if kind == Kind.ADD_MEMBER:
        member = payloads.member_data(p["member"])
        proposal.applied_member = registry.add_member(ctx, household, p["kk_number"], member)
    elif kind == Kind.REMOVE_MEMBER:
        registry.change_status(
            ctx, proposal.member, Status.INACTIVE, p["reason"], p.get("note", "")
        )
        proposal.applied_member = proposal.member
    elif kind == Kind.CORRECT_DATA and proposal.member_id:
        proposal.applied_member = registry.correct_member(ctx, proposal.member_id, p["changes"])
    elif kind == Kind.CORRECT_DATA:
        household.refresh_from_db()
        registry.update_household(ctx, household.pk, household.revision, p["changes"])
    elif kind == Kind.MOVE_HOUSEHOLD:
        registry.move_household(
            ctx, household.pk, p["village_code"], p["address"], p.get("rt", ""), p.get("rw", "")
        )


def _refresh_answers(ctx: audit.Context, household: Household, answers: dict) -> None:
    """The verification visit filled the full instrument: it becomes the household's answers."""
    household.refresh_from_db()
    if answers and answers != household.answers:
        registry.update_household(ctx, household.pk, household.revision, {"answers": answers})
