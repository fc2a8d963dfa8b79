"""Verification and validation home visits by the regency's Dinas Sosial."""

from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.utils.translation import gettext as _

from accounts import policy
from accounts.models import Role, User
from audit import services as audit
from base.i18n import content_language
from registry.instrument import validate_answers
from registry.services import current_instrument

from ..models import Proposal, Visit, VisitPhoto, VisitResult
from ..transitions import transition

ENUMERATOR_ROLES = {Role.VERIFIER_KABUPATEN, Role.OPERATOR_KABUPATEN}


@transaction.atomic
def assign_visits(
    ctx: audit.Context, proposals: Iterable[Proposal], enumerator: User
) -> list[Visit]:
    """Give each final-prelist proposal a visit by `enumerator`, a Dinas Sosial officer of the
    proposal's regency."""
    visits = []
    for proposal in proposals:
        if enumerator.role not in ENUMERATOR_ROLES or not policy.can(
            enumerator, policy.VERIFY, proposal.village_id
        ):
            raise ValidationError(
                {"enumerator": _("The enumerator must be a Dinas Sosial officer of the regency.")}
            )
        transition(ctx, proposal, "assign_visit")
        visit = Visit.objects.create(
            proposal=proposal,
            household=proposal.household,
            enumerator=enumerator,
            assigned_by=ctx.actor,
        )
        audit.record(
            ctx,
            "registration.visit.assign",
            visit,
            {"enumerator": [None, enumerator.pk]},
            region_code=proposal.village_id,
        )
        visits.append(visit)
    return visits


@transaction.atomic
def record_visit(
    ctx: audit.Context,
    visit: Visit,
    result: int,
    answers: dict[str, Any],
    visited_at: datetime,
    latitude: Decimal | None = None,
    longitude: Decimal | None = None,
    photos: Iterable[File] = (),
) -> Visit:
    """Record the visit's result. Result 1 (verified) needs complete, valid instrument answers
    and moves the proposal on; results 2-5 stop it with the result as the reason. Photos of
    the house are kept with the visit."""
    proposal = visit.proposal
    if visit.result is not None:
        raise ValidationError(_("This visit has already been recorded."))
    if result not in VisitResult.values:
        raise ValidationError({"result": _("Choose a result code from 1 to 5.")})
    if result == VisitResult.VERIFIED:
        problems = validate_answers(current_instrument().definition, answers)
        if problems:
            raise ValidationError({p.key: p.message(content_language()) for p in problems})
        transition(ctx, proposal, "verify")
    else:
        label = VisitResult(result).label
        transition(ctx, proposal, "fail_verification", f"{result}: {label}")
    visit.result, visit.answers, visit.visited_at = result, answers, visited_at
    visit.latitude, visit.longitude, visit.officer = latitude, longitude, ctx.actor
    visit.save()
    stored = [VisitPhoto.objects.create(visit=visit, file=photo) for photo in photos]
    audit.record(
        ctx,
        "registration.visit.record",
        visit,
        {"result": [None, result], "photos": [None, len(stored)]},
        region_code=proposal.village_id,
    )
    return visit
