"""The receiving side of a referral: the provider a case is referred to accepts or declines
it, records the article 24 services it delivers, and ends it when its part is done."""

from datetime import date

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit import services as audit

from .. import access
from ..models import CaseStatus, Referral, Service
from .common import Refused, record_event
from .records import check_service, save_service


def _require_receiver(ctx: audit.Context, referral: Referral) -> None:
    if not access.may_receive(ctx.actor, referral):
        raise PermissionDenied("atensi.referral")
    if referral.ended_at is not None:
        raise Refused(_("The referral has ended."))


@transaction.atomic
def accept_referral(ctx: audit.Context, referral: Referral) -> Referral:
    _require_receiver(ctx, referral)
    if referral.accepted_at is not None:
        raise Refused(_("The referral is already accepted."))
    referral.accepted_at, referral.accepted_by = timezone.now(), ctx.actor
    referral.save(update_fields=["accepted_at", "accepted_by"])
    record_event(ctx, "referral.accept", referral, referral.case, {"accepted": [False, True]})
    return referral


@transaction.atomic
def close_referral(ctx: audit.Context, referral: Referral, note: str = "") -> Referral:
    """Decline a waiting referral (a reason is required) or end an accepted one."""
    _require_receiver(ctx, referral)
    if referral.accepted_at is None and not note.strip():
        raise Refused(_("State why the referral is declined."))
    referral.ended_at, referral.end_note = timezone.now(), note.strip()
    referral.save(update_fields=["ended_at", "end_note"])
    action = "referral.decline" if referral.accepted_at is None else "referral.end"
    record_event(ctx, action, referral, referral.case, {"ended": [False, True]})
    return referral


@transaction.atomic
def record_referred_service(
    ctx: audit.Context,
    referral: Referral,
    form: str,
    basis: str,
    description: str,
    delivered_on: date | None = None,
    amount_rupiah: int | None = None,
) -> Service:
    """Article 24: a service delivered by the provider the case is referred to, recorded in
    the case file under that provider's name (only once the referral is accepted)."""
    _require_receiver(ctx, referral)
    if referral.accepted_at is None:
        raise Refused(_("Accept the referral before recording services."))
    if referral.case.status != CaseStatus.OPEN:
        raise Refused(_("The case is terminated; nothing more can be recorded."))
    check_service(form, basis, description, amount_rupiah)
    return save_service(
        ctx,
        referral.case,
        form,
        basis,
        description,
        delivered_on,
        amount_rupiah,
        referral.to_provider,
    )
