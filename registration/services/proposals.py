"""Proposals (usulan): created in a village, checked, warned about, submitted to the meeting."""

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import policy
from accounts.models import Role
from audit import services as audit
from registry.models import Household, Member
from registry.names import name_key
from wilayah.models import Level, Region

from .. import payloads
from ..models import ApprovalStep, Kind, Proposal, ProposalNik, ProposalSource, ProposalStatus
from ..transitions import transition

# Statuses after which a proposal no longer competes for its NIKs.
CLOSED = {
    ProposalStatus.REJECTED_AT_MEETING,
    ProposalStatus.NOT_VERIFIED,
    ProposalStatus.APPLIED,
    ProposalStatus.WITHDRAWN,
}
EDITABLE = {ProposalStatus.DRAFT, ProposalStatus.RETURNED}


class AlreadyProposed(ValidationError):
    """Nothing was saved: the same form was saved before (`same_form`), or an identical
    proposal is still open. `proposal` is that proposal."""

    def __init__(self, message: str, proposal: Proposal, same_form: bool):
        super().__init__(message, code="already_proposed")
        self.proposal, self.same_form = proposal, same_form


@transaction.atomic
def propose(
    ctx: audit.Context,
    kind: str,
    source: str,
    village_code: str,
    payload: dict[str, Any],
    household: Household | None = None,
    member: Member | None = None,
    form_token: str = "",
) -> Proposal:
    """Create a draft proposal. Invalid NIK/KK or missing fields raise ValidationError naming
    the field (nothing saved); likely duplicates are warnings, stored on the proposal. Saving
    is idempotent: a form saved twice (`form_token`) or an identical proposal still open
    raises AlreadyProposed naming the proposal that exists."""
    policy.require(ctx.actor, policy.PROPOSE, village_code)
    if ctx.actor.role == Role.PEKERJA_SOSIAL and source != ProposalSource.ATENSI:
        raise PermissionDenied(policy.PROPOSE)
    # The data-protection officer records a data subject's correction (UU 27/2022), nothing else.
    subject_correction = (kind, source) == (Kind.CORRECT_DATA, ProposalSource.COMPLAINT)
    if ctx.actor.role == Role.DPO and not subject_correction:
        raise PermissionDenied(policy.PROPOSE)
    _check_header(kind, source, village_code, household, member)
    found = payloads.errors(kind, payload, member is not None)
    if found:
        raise ValidationError(found)
    household = household or (member.household if member else None)
    _refuse_repeat(ctx, form_token)
    _refuse_identical(kind, village_code, household, member, payload)
    try:
        with transaction.atomic():
            proposal = Proposal.objects.create(
                kind=kind,
                source=source,
                village_id=village_code,
                household=household,
                member=member,
                payload=payload,
                status_since=timezone.now(),
                created_by=ctx.actor,
                form_token=form_token,
            )
    except IntegrityError:  # the same form saved at the same moment (a double click)
        _refuse_repeat(ctx, form_token)
        raise
    proposal.warnings = warnings_for(proposal)
    proposal.save(update_fields=["warnings"])
    _index_niks(proposal)
    ApprovalStep.objects.create(
        proposal=proposal, action="propose", to_status=proposal.status, actor=ctx.actor
    )
    audit.record(
        ctx,
        "registration.proposal.propose",
        proposal,
        {"kind": [None, kind], "source": [None, source]},
        region_code=village_code,
    )
    return proposal


def _refuse_repeat(ctx: audit.Context, form_token: str) -> None:
    if not form_token:
        return
    earlier = Proposal.objects.filter(form_token=form_token).first()
    if earlier is None:
        return
    if earlier.created_by_id != ctx.actor.pk:
        raise ValidationError(_("This form has expired; open it again."))
    raise AlreadyProposed(
        _("This form was already saved as proposal #%(id)s; it was not saved twice.")
        % {"id": earlier.pk},
        earlier,
        same_form=True,
    )


def _refuse_identical(
    kind: str,
    village_code: str,
    household: Household | None,
    member: Member | None,
    payload: dict[str, Any],
) -> None:
    """One open proposal per change: the same kind, record and payload are not open twice."""
    candidates = Proposal.objects.filter(
        kind=kind, village_id=village_code, household=household, member=member
    ).exclude(status__in=CLOSED)
    niks = sorted(str(p.get("nik")) for _key, p in payloads.people(kind, payload) if p.get("nik"))
    if niks:  # through the NIK index, not every new-household proposal of the village
        candidates = candidates.filter(niks__nik=niks[0])
    for other in candidates.order_by("id")[:100]:
        if other.payload == payload:
            raise AlreadyProposed(
                _(
                    "An identical proposal is already open: #%(id)s (%(status)s). Nothing new "
                    "was saved; continue with that one."
                )
                % {"id": other.pk, "status": other.get_status_display()},
                other,
                same_form=False,
            )


def _check_header(
    kind: str, source: str, village_code: str, household: Household | None, member: Member | None
) -> None:
    found = {}
    if kind not in Kind.values:
        found["kind"] = _("Unknown kind of proposal.")
    if source not in ProposalSource.values:
        found["source"] = _("Unknown source of proposal.")
    if not Region.objects.filter(code=village_code, level=Level.VILLAGE).exists():
        found["village"] = _("Choose a village (desa/kelurahan).")
    if kind != Kind.NEW_HOUSEHOLD and household is None and member is None:
        found["household"] = _("Choose the household this proposal is about.")
    if kind in (Kind.ADD_MEMBER, Kind.MOVE_HOUSEHOLD, Kind.DEACTIVATE) and member is not None:
        found["member"] = _("This kind of proposal is about a household, not a member.")
    if member is not None and household is not None and member.household_id != household.pk:
        found["member"] = _("The member does not belong to the household.")
    if found:
        raise ValidationError(found)


def warnings_for(proposal: Proposal) -> list[dict[str, Any]]:
    """Likely duplicates of the people a proposal brings in: the same NIK in the registry (any
    status) or in another open proposal, or the same name and birth date in the regency."""
    regency = proposal.village_id[:5]
    found: list[dict[str, Any]] = []
    for key, person in payloads.people(proposal.kind, proposal.payload):
        nik = str(person.get("nik") or "")
        for m in Member.objects.filter(nik=nik).only("id", "status"):
            found.append(
                {
                    "code": "nik_in_registry",
                    "field": f"{key}.nik",
                    "member_id": m.pk,
                    "status": m.status,
                    "message": _("A person with this NIK is already in the registry."),
                }
            )
        others = (
            ProposalNik.objects.filter(nik=nik)
            .exclude(proposal=proposal)
            .exclude(proposal__status__in=CLOSED)
            .values_list("proposal_id", flat=True)
        )
        for other_id in others:
            found.append(
                {
                    "code": "nik_in_open_proposal",
                    "field": f"{key}.nik",
                    "proposal_id": other_id,
                    "message": _("Another open proposal names this NIK."),
                }
            )
        if person.get("name") and person.get("birth_date"):
            namesakes = Member.objects.filter(
                name_key=name_key(person["name"]),
                birth_date=person["birth_date"],
                village__code__startswith=regency + ".",
            ).exclude(nik=nik)
            for m in namesakes.only("id"):
                found.append(
                    {
                        "code": "likely_duplicate",
                        "field": key,
                        "member_id": m.pk,
                        "message": _(
                            "A person with the same name and birth date is in the registry "
                            "of this regency."
                        ),
                    }
                )
    return found


def _index_niks(proposal: Proposal) -> None:
    proposal.niks.all().delete()
    niks = {
        str(p.get("nik"))
        for _key, p in payloads.people(proposal.kind, proposal.payload)
        if p.get("nik")
    }
    ProposalNik.objects.bulk_create(ProposalNik(proposal=proposal, nik=n) for n in sorted(niks))


@transaction.atomic
def revise(ctx: audit.Context, proposal: Proposal, payload: dict[str, Any]) -> Proposal:
    """Fix the payload of a draft or returned proposal; checked and warned like a new one."""
    policy.require(ctx.actor, policy.PROPOSE, proposal.village_id)
    if proposal.status not in EDITABLE:
        raise ValidationError(_("Only a draft or returned proposal can be changed."))
    found = payloads.errors(proposal.kind, payload, proposal.member_id is not None)
    if found:
        raise ValidationError(found)
    before = proposal.payload
    proposal.payload = payload
    proposal.warnings = warnings_for(proposal)
    proposal.save(update_fields=["payload", "warnings"])
    _index_niks(proposal)
    audit.record(
        ctx,
        "registration.proposal.revise",
        proposal,
        audit.diff({"payload": before}, {"payload": payload}),
        region_code=proposal.village_id,
    )
    return proposal


def submit(ctx: audit.Context, proposal: Proposal) -> Proposal:
    """Put a draft on the agenda of the village meeting."""
    return transition(ctx, proposal, "submit")


@transaction.atomic
def withdraw(ctx: audit.Context, proposal: Proposal, reason: str = "") -> Proposal:
    """Take a proposal out of the flow; a returned one also leaves its submission."""
    transition(ctx, proposal, "withdraw", reason)
    if proposal.submission_id:
        proposal.submission = None
        proposal.save(update_fields=["submission"])
    return proposal
