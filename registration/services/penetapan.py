"""Penetapan: the centre determines a DTKS period. In one transaction every proposal of the
period's accepted submissions is applied to the registry through registry.services, each change
naming its proposal in the audit trail; this is the only place the flow changes the registry."""

from dataclasses import replace

from django.core.exceptions import ValidationError
from django.db import transaction
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
    SubmissionStatus,
    VisitResult,
)
from ..transitions import TransitionRefused, move


@transaction.atomic
def determine(ctx: audit.Context, period: Period, decree_number: str = "") -> Period:
    """Determine `period`: apply its accepted proposals to the registry and close it.
    A proposal that cannot be applied stops the whole penetapan (nothing is written)."""
    policy.require(ctx.actor, policy.DETERMINE)
    period = Period.objects.select_for_update().get(pk=period.pk)
    if period.status != PeriodStatus.OPEN:
        raise TransitionRefused(_("The period %(code)s is already determined.") % {"code": period})
    proposals = (
        Proposal.objects.filter(
            submission__period=period,
            submission__status=SubmissionStatus.DETERMINED,
            status=ProposalStatus.COMPILED,
        )
        .select_related("household", "member")
        .order_by("id")
    )
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
        {"status": [PeriodStatus.OPEN, PeriodStatus.DETERMINED], "applied": [None, applied]},
    )
    return period


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
