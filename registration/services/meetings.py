"""The village meeting (musdes in a desa, muskel in a kelurahan): it decides on the submitted
proposals and confirms the existing households of the prelist; closing it makes the final
prelist (accepted proposals move on to the verification visit)."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import policy
from audit import services as audit
from registry.models import Household, Status
from wilayah.models import Level, Region

from ..models import (
    Decision,
    Meeting,
    MeetingDecision,
    MeetingKind,
    MeetingStatus,
    Proposal,
    ProposalStatus,
)
from ..transitions import transition


def meeting_kind(village_code: str) -> str:
    """Kelurahan codes start their village part with 1 (muskel); desa with 2 or 3 (musdes)."""
    return MeetingKind.MUSKEL if village_code.split(".")[3].startswith("1") else MeetingKind.MUSDES


@transaction.atomic
def open_meeting(
    ctx: audit.Context,
    village_code: str,
    held_on: date,
    place: str,
    participants: list[dict[str, str]],
) -> Meeting:
    policy.require(ctx.actor, policy.DECIDE_MEETING, village_code)
    if not Region.objects.filter(code=village_code, level=Level.VILLAGE).exists():
        raise ValidationError({"village": _("Choose a village (desa/kelurahan).")})
    if any(not isinstance(p, dict) or not p.get("name") for p in participants):
        raise ValidationError({"participants": _("Each participant needs a name and a role.")})
    meeting = Meeting.objects.create(
        village_id=village_code,
        kind=meeting_kind(village_code),
        held_on=held_on,
        place=place,
        participants=participants,
        opened_by=ctx.actor,
    )
    audit.record(ctx, "registration.meeting.open", meeting, region_code=village_code)
    return meeting


@transaction.atomic
def record_decision(
    ctx: audit.Context,
    meeting: Meeting,
    subject: Proposal | Household,
    decision: str,
    note: str = "",
) -> MeetingDecision:
    """Record (or change, while the meeting is open) the decision on a submitted proposal of
    the village or on one of its active households."""
    policy.require(ctx.actor, policy.DECIDE_MEETING, meeting.village_id)
    _require_open(meeting)
    if decision not in Decision.values:
        raise ValidationError({"decision": _("Choose accept or reject.")})
    if subject.village_id != meeting.village_id:
        raise ValidationError(_("Only the village's own proposals and households are decided."))
    if isinstance(subject, Proposal) and subject.status != ProposalStatus.SUBMITTED:
        raise ValidationError(_("Only a submitted proposal can be decided at the meeting."))
    if isinstance(subject, Household) and subject.status != Status.ACTIVE:
        raise ValidationError(_("Only an active household is on the prelist."))
    key = {"proposal": subject} if isinstance(subject, Proposal) else {"household": subject}
    row, _created = MeetingDecision.objects.update_or_create(
        meeting=meeting,
        **key,
        defaults={"decision": decision, "note": note, "decided_by": ctx.actor},
    )
    audit.record(
        ctx,
        "registration.meeting.decide",
        meeting,
        {f"{subject._meta.model_name}:{subject.pk}": [None, decision]},
        region_code=meeting.village_id,
    )
    return row


@transaction.atomic
def close_meeting(ctx: audit.Context, meeting: Meeting) -> Meeting:
    """Close the meeting: accepted proposals join the final prelist, rejected ones stop."""
    policy.require(ctx.actor, policy.DECIDE_MEETING, meeting.village_id)
    _require_open(meeting)
    decided = meeting.decisions.filter(proposal__isnull=False).select_related("proposal")
    for row in decided.order_by("id"):
        transition(ctx, row.proposal, row.decision, row.note)
    meeting.status, meeting.closed_at = MeetingStatus.CLOSED, timezone.now()
    meeting.save(update_fields=["status", "closed_at"])
    audit.record(
        ctx,
        "registration.meeting.close",
        meeting,
        {"status": [MeetingStatus.OPEN, MeetingStatus.CLOSED]},
        region_code=meeting.village_id,
    )
    return meeting


def _require_open(meeting: Meeting) -> None:
    # Read under lock: the caller's copy may predate another user's closing.
    if Meeting.objects.select_for_update().get(pk=meeting.pk).status != MeetingStatus.OPEN:
        raise ValidationError(_("The meeting is closed."))
