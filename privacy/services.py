"""Data subjects' requests (UU 27/2022): received with a 3x24-hour due time; an access request
answered with the bundle (JSON and PDF, each production and download audited); a correction
recorded as a proposal (usulan) of the DTKS update flow; an objection to an automated decision
recorded with the decision and its explanation and routed to the program officers, whose answer
closes the request. Every change is an audit event without the NIK in it."""

import hashlib
import json
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import policy
from audit import services as audit
from base.i18n import content_language
from programs.models import Program
from ranking import selectors as ranking_selectors
from registration import services as registration
from registration.models import Kind, Proposal, ProposalSource
from registry import identity
from registry import selectors as registry_selectors
from registry.models import Member

from . import bundle as bundles
from .access import may_answer_objection, require_officer
from .models import (
    Objection,
    ObjectionStatus,
    RequesterRelation,
    RequestKind,
    RequestStatus,
    SubjectRequest,
    due,
)

# A request entered a little after its clock time is fine; one from the future is a typo.
CLOCK_SLACK = timedelta(minutes=5)


def _record(ctx: audit.Context, action: str, obj, changes: dict | None = None) -> None:
    audit.record(ctx, f"privacy.{action}", obj, changes or {})


def _check_open(request: SubjectRequest) -> None:
    if request.status != RequestStatus.OPEN:
        raise ValidationError(_("This request is already answered."))


def _check_identity(request: SubjectRequest) -> None:
    if not request.identity_checked:
        raise ValidationError({"identity_checked": _(
            "Check the requester's KTP (and a representative's authority) first.")})


@transaction.atomic
def receive_request(ctx: audit.Context, kind: str, nik: str, requester_name: str,
                    requester_relation: str, received_at: datetime,
                    identity_checked: bool = False, statement: str = "") -> SubjectRequest:
    """Record a request; it is due 3x24 hours after `received_at`. ValidationError names
    the field (a NIK that is not 16 digits, a time in the future, an unknown kind)."""
    require_officer(ctx.actor)
    digits = identity.normalize_digits(nik)
    errors = {}
    parsed = identity.parse_nik(digits)
    if not parsed.ok:
        errors["nik"] = identity.message(parsed.errors[0], content_language())
    if kind not in RequestKind.values:
        errors["kind"] = _("Choose the kind of request.")
    if requester_relation not in RequesterRelation.values:
        errors["requester_relation"] = _("Choose who makes the request.")
    if not requester_name.strip():
        errors["requester_name"] = _("This field is required.")
    if received_at > timezone.now() + CLOCK_SLACK:
        errors["received_at"] = _("The time received cannot be in the future.")
    if errors:
        raise ValidationError(errors)
    request = SubjectRequest.objects.create(
        kind=kind, nik=digits, requester_name=requester_name.strip(),
        requester_relation=requester_relation, identity_checked=identity_checked,
        statement=statement.strip(), received_at=received_at, due_at=due(received_at),
        recorded_by=ctx.actor)
    _record(ctx, "request.receive", request, {
        "kind": [None, kind], "requester_relation": [None, requester_relation],
        "due_at": [None, request.due_at.isoformat()]})
    return request


@transaction.atomic
def confirm_identity(ctx: audit.Context, request: SubjectRequest) -> SubjectRequest:
    require_officer(ctx.actor)
    _check_open(request)
    if not request.identity_checked:
        request.identity_checked = True
        request.save(update_fields=["identity_checked"])
        _record(ctx, "request.identity", request, {"identity_checked": [False, True]})
    return request


def _canonical(data: dict) -> bytes:
    return json.dumps(data, ensure_ascii=False, sort_keys=True, indent=1).encode()


@transaction.atomic
def produce_bundle(ctx: audit.Context, request: SubjectRequest) -> SubjectRequest:
    """Build and keep the bundle of an open access request: every record opened for it is an
    audited read naming the request, and so is the production itself."""
    require_officer(ctx.actor)
    if request.kind != RequestKind.ACCESS:
        raise ValidationError(_("Only an access request is answered with a copy of the data."))
    _check_open(request)
    _check_identity(request)
    read_ctx = replace(ctx, reason=_("Data subject request %(number)s")
                       % {"number": request.number})

    def record_reads(read: bundles.Read) -> None:
        for member in read.members:
            audit.record_read(read_ctx, member, region_code=member.village_id)
        for household in read.households:
            audit.record_read(read_ctx, household, region_code=household.village_id)
        for case in read.cases:  # the case's existence and provider only, still a read
            audit.record_read(read_ctx, case, region_code=case.region_id)

    data = bundles.build(request, ctx.actor, record_reads)
    request.bundle = data
    request.bundle_produced_at = timezone.now()
    request.bundle_produced_by = ctx.actor
    request.bundle_sha256 = hashlib.sha256(_canonical(data)).hexdigest()
    request.save(update_fields=["bundle", "bundle_produced_at", "bundle_produced_by",
                                "bundle_sha256"])
    _record(ctx, "bundle.produce", request, {
        "records": [None, len(data["records"])],
        "events": [None, len(data["processing_trail"])],
        "sha256": [None, request.bundle_sha256]})
    return request


def bundle_json(request: SubjectRequest) -> bytes:
    """The stored bundle as the file handed over (the checksum is of these bytes)."""
    if request.bundle is None:
        raise ValidationError(_("There is no copy of the data to download."))
    return _canonical(request.bundle)


def record_download(ctx: audit.Context, request: SubjectRequest, fmt: str) -> None:
    require_officer(ctx.actor)
    _record(ctx, "bundle.download", request, {"format": [None, fmt]})


@transaction.atomic
def answer(ctx: audit.Context, request: SubjectRequest, outcome: str) -> SubjectRequest:
    """Close the request as fulfilled (an access request once its copy was produced)."""
    require_officer(ctx.actor)
    _check_open(request)
    if request.kind != RequestKind.ACCESS:
        raise ValidationError(_("A correction or objection closes when it is recorded or "
                                "answered."))
    if not request.bundle_sha256:
        raise ValidationError(_("Produce the copy of the data before closing the request."))
    return _close(ctx, request, RequestStatus.FULFILLED, outcome)


@transaction.atomic
def refuse(ctx: audit.Context, request: SubjectRequest, reason: str) -> SubjectRequest:
    """Close the request without serving it (the requester is not the person, nor entitled
    to act for them): the reason is the answer given."""
    require_officer(ctx.actor)
    _check_open(request)
    if not reason.strip():
        raise ValidationError({"outcome": _("Give the reason for the refusal.")})
    if hasattr(request, "objection"):
        raise ValidationError(_("The objection is with the program officer: wait for the answer."))
    return _close(ctx, request, RequestStatus.REFUSED, reason)


def _close(ctx: audit.Context, request: SubjectRequest, status: str, outcome: str
           ) -> SubjectRequest:
    request.status, request.outcome = status, outcome.strip()
    request.fulfilled_at = timezone.now()
    request.save(update_fields=["status", "outcome", "fulfilled_at"])
    _record(ctx, "request.answer", request, {
        "status": [RequestStatus.OPEN, status],
        "late": [None, request.fulfilled_at > request.due_at]})
    return request


def subject_members(officer, request: SubjectRequest) -> list[Member]:
    """The registry members holding the request's NIK (active first)."""
    return list(registry_selectors.members_for(officer).filter(nik=request.nik)
                .select_related("household", "family", "village").order_by("status", "id"))


def _member_of(request: SubjectRequest, member: Member) -> None:
    if member.nik != request.nik:
        raise ValidationError({"member": _("This member does not hold the request's NIK.")})


@transaction.atomic
def record_correction(ctx: audit.Context, request: SubjectRequest, member: Member,
                      changes: dict[str, Any], household_level: bool = False) -> Proposal:
    """Record the correction as a proposal (usulan) of the DTKS update flow, of the member's
    identity or (household_level) of the household's address, and put it on the agenda of
    the village meeting; the request is answered with the proposal's number. The
    registration service checks the values and names a wrong field."""
    require_officer(ctx.actor)
    if request.kind != RequestKind.CORRECTION:
        raise ValidationError(_("This is not a correction request."))
    _check_open(request)
    _check_identity(request)
    _member_of(request, member)
    household = member.household
    flow_ctx = replace(ctx, reason=_("Data subject request %(number)s")
                       % {"number": request.number})
    proposal = registration.propose(
        flow_ctx, Kind.CORRECT_DATA, ProposalSource.COMPLAINT, household.village_id,
        {"changes": changes}, household=household,
        member=None if household_level else member)
    registration.submit(flow_ctx, proposal)
    request.proposal = proposal
    request.save(update_fields=["proposal"])
    _close(ctx, request, RequestStatus.FULFILLED,
           _("Recorded as proposal #%(number)s, on the agenda of the village meeting.")
           % {"number": proposal.pk})
    return proposal


def _decision_snapshot(member: Member, program: Program | None) -> dict:
    """The automated decision as it stands now, with its explanation, in words."""
    lang = content_language()
    if program is None:
        score = ranking_selectors.for_household(member.household_id)
        if score is None:
            raise ValidationError({"program": _("The household has no desil yet.")})
        return {"kind": "desil", "language": lang, "desil_national": score.desil_national,
                "desil_province": score.desil_province, "model": str(score.model),
                "scored_at": score.scored_at.isoformat()}
    found = next((d for d in bundles.program_decisions(member, lang)
                  if d["program_id"] == program.pk), None)
    if found is None:
        raise ValidationError({"program": _("The program has no decision for this person.")})
    return {"kind": "program", "language": lang, **found}


@transaction.atomic
def record_objection(ctx: audit.Context, request: SubjectRequest, member: Member,
                     program: Program | None, grounds: str) -> Objection:
    """Record the objection with the decision objected to (a program's, or the desil when
    `program` is None) and route it to the program officers of the person's region."""
    require_officer(ctx.actor)
    if request.kind != RequestKind.OBJECTION:
        raise ValidationError(_("This is not an objection request."))
    _check_open(request)
    _check_identity(request)
    _member_of(request, member)
    if hasattr(request, "objection"):
        raise ValidationError(_("The objection of this request is already recorded."))
    if not grounds.strip():
        raise ValidationError({"grounds": _("Give the grounds of the objection.")})
    objection = Objection.objects.create(
        request=request, member=member, village_code=member.village_id, program=program,
        decision=_decision_snapshot(member, program), grounds=grounds.strip())
    _record(ctx, "objection.record", objection, {
        "program": [None, program.code if program else "desil"]})
    return objection


@transaction.atomic
def answer_objection(ctx: audit.Context, objection: Objection, status: str,
                     answer_text: str) -> Objection:
    """The program officer's human review: upheld (the decision is reviewed) or rejected (it
    stands), with the answer given to the person; it answers the request too."""
    if not may_answer_objection(ctx.actor, objection.village_code):
        raise PermissionDenied(policy.ANSWER_OBJECTIONS)
    if objection.status != ObjectionStatus.OPEN:
        raise ValidationError(_("This objection is already answered."))
    if status not in (ObjectionStatus.UPHELD, ObjectionStatus.REJECTED):
        raise ValidationError({"status": _("Choose whether the objection is upheld.")})
    if not answer_text.strip():
        raise ValidationError({"answer": _("Give the answer to the person.")})
    objection.status, objection.answer = status, answer_text.strip()
    objection.answered_by, objection.answered_at = ctx.actor, timezone.now()
    objection.save(update_fields=["status", "answer", "answered_by", "answered_at"])
    _record(ctx, "objection.answer", objection, {"status": [ObjectionStatus.OPEN, status]})
    _close(ctx, objection.request, RequestStatus.FULFILLED, objection.answer)
    return objection
