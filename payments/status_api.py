"""REST endpoints of payments: the statuses a channel pushes, and a NIK's payment statuses.

`POST /api/payments/status`: a bank's or PT Pos's system account (role `penyalur`, bound to its
channel by a ChannelAccess) reports one payment reference as credited, failed (with its reason
code), transacted or not transacted. The same rules as the channel's answer files apply (they go
through reconciliation.check_answers and reconciliation.apply): a reference of another channel
is unknown to this token; an amount that differs, or a transition the file would not allow,
is refused naming the field. Every call is an audit event (source 'api', the token named), the
refused ones included; every status change is one as well.

`GET /api/payments/nik/{nik}`: the payments of the household of the person with this NIK, in the
token user's region (else 404), an audited read; NIK masked, no name."""

import uuid
from dataclasses import replace
from datetime import datetime
from typing import Annotated, Literal

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Path, Router, Schema, Status

from accounts import policy
from audit import services as audit
from base.api_contract import PLAIN_TEXT, errors, invalid
from base.i18n import content_language
from programs.api import NIK_PATH, _shape_errors
from registry import identity
from registry import selectors as registry_selectors
from registry.api import audit_context

from . import reconciliation, status
from .models import ChannelAccess, PaymentAttempt, PaymentEvent, ResponseImport

router = Router(tags=["payments"])
CODES = {"credited": "C", "failed": "F", "transacted": "T", "not_transacted": "N"}


class StatusIn(Schema):
    reference: str = Field(..., max_length=32, pattern=PLAIN_TEXT,
                           examples=["KS0000010100000000101"],
                           description="The payment reference of the disbursement line")
    status: Literal["credited", "failed", "transacted", "not_transacted"]
    amount: int = Field(..., ge=0, description="Integer rupiah, as sent")
    reason_code: str = Field("", max_length=16, pattern=PLAIN_TEXT,
                             description="Required when failed")


class StatusOut(Schema):
    reference: str
    status: str = Field(..., description="The payment's status after the call")
    changed: bool = Field(..., description="False when the payment already had this status")
    call: str = Field(..., description="The call's id in the audit log")


def _refuse(request, access, call: str, code: int, loc: str, msg: str, kind: str, body):
    """Audit the refusal, then answer `code` naming the field."""
    ctx = replace(audit_context(request), source_ref=f"{audit_context(request).source_ref} "
                  f"call:{call}".strip())
    if access is not None:
        audit.record(ctx, "payments.status_api.refused", access,
                     {"reference": body.reference, "status": body.status, "field": loc,
                      "type": kind, "http": code})
    return Status(code, {"detail": msg, "errors": [{"loc": ["body", loc], "msg": msg,
                                                   "type": kind}]})


@router.post("/payments/status",
             response={200: StatusOut, **errors(400, 401, 403, 409, 422)})
def push_status(request: HttpRequest, body: StatusIn):
    """Report one payment's status from the channel (credited, failed with its reason code,
    transacted, not transacted). The token must belong to a system account of that channel;
    a reference of another channel answers 422 like an unknown one. A status change that the
    channel's files could not make (e.g. failed after credited) answers 409 naming `status`;
    a different amount 422 naming `amount`. Repeating a call changes nothing
    (`changed: false`)."""
    call = uuid.uuid4().hex[:12]
    access = ChannelAccess.objects.filter(user=request.user).select_related("channel").first()
    if access is None or not policy.can(request.user, policy.PUSH_PAYMENT_STATUS):
        raise PermissionDenied(policy.PUSH_PAYMENT_STATUS)
    reference = body.reference.strip().upper()
    attempt = (PaymentAttempt.objects.select_related("batch", "batch__channel", "payment")
               .filter(reference=reference, batch__channel=access.channel).first())
    if attempt is None:
        return _refuse(request, access, call, 422, "reference",
                       _("Unknown payment reference %(ref)s for %(channel)s.")
                       % {"ref": reference, "channel": access.channel.name},
                       "unknown_reference", body)
    code = CODES[body.status]
    kind = (ResponseImport.Kind.CREDIT if code in "CF" else ResponseImport.Kind.TRANSACTION)
    answer = reconciliation.Answer(1, reference, body.amount, code, body.reason_code.strip())
    problems: list = []
    todo = reconciliation.check_answers(attempt.batch, kind, [answer], problems)
    if problems:
        p = problems[0]
        lang = content_language()
        msg = p.en if lang == "en" else p.id
        http = 409 if p.field == "status" else 422
        return _refuse(request, access, call, http, p.field, msg,
                       "transition_not_allowed" if http == 409 else f"invalid_{p.field}", body)
    base = audit_context(request)
    ctx = replace(base, source_ref=f"{base.source_ref} call:{call}".strip(),
                  reason="status pushed by the channel")
    with transaction.atomic():
        if todo:
            reconciliation.apply(attempt.batch, todo, ctx, PaymentEvent.Source.API)
        audit.record(ctx, "payments.status_api.call", attempt,
                     {"reference": reference, "status": body.status, "changed": bool(todo),
                      "channel": access.channel_id}, region_code=attempt.payment.village_code)
    attempt.payment.refresh_from_db(fields=["status"])
    return {"reference": reference, "status": attempt.payment.status, "changed": bool(todo),
            "call": call}


# --- a NIK's payments ---------------------------------------------------------------------------


class PaymentStatusOut(Schema):
    program: str
    period: str
    stage: int
    amount: int = Field(..., description="Integer rupiah")
    channel: str
    status: str = Field(..., description="pending, sent, credited, failed, transacted, "
                        "not_transacted, returned, delivered")
    text: dict[str, str] = Field(..., description="The status in words: {id, en}")
    status_at: datetime | None
    paid_at: datetime | None = Field(None, description="When it was paid (sudah salur)")
    failure_code: str = Field(..., description="The channel's reason code when failed")
    returned_on: str | None = Field(None, description="Date of the return to the treasury")


class NikPaymentsOut(Schema):
    nik: str = Field(..., description="Masked NIK")
    household_id: int
    village: str
    payments: list[PaymentStatusOut]


@router.get("/payments/nik/{nik}", response={200: NikPaymentsOut, **errors(401, 403, 404, 422)})
def payments_of_nik(request: HttpRequest, nik: Annotated[str, Path(...), NIK_PATH]):
    """The payments of the household of the person with this NIK, newest first, each with its
    status in words (sudah salur and when, failed and why, returned). In the token user's
    region only (else 404); the lookup is recorded in the audit log."""
    problems = _shape_errors(nik, content_language())
    if problems:
        return Status(422, invalid(problems))
    member = (registry_selectors.members_for(request.user)
              .filter(nik=identity.normalize_digits(nik)).order_by("status", "id").first())
    if member is None:
        raise Http404(_("No member with this NIK in your region."))
    if not status.may_see(request.user, member.village_id):
        raise PermissionDenied(policy.VIEW_PAYMENTS)
    ctx = replace(audit_context(request), reason="payments: NIK lookup")
    audit.record_read(ctx, member, region_code=member.village_id)
    lines = status.household_payments(member.household_id)
    return {"nik": identity.mask_nik(member.nik), "household_id": member.household_id,
            "village": member.village_id,
            "payments": [{"program": x.program_code, "period": x.period, "stage": x.stage,
                          "amount": x.amount, "channel": x.channel, "status": x.status,
                          "text": {"id": x.words_id, "en": x.words_en},
                          "status_at": x.status_at, "paid_at": x.paid_at,
                          "failure_code": x.failure_code,
                          "returned_on": x.returned_on.isoformat() if x.returned_on else None}
                         for x in lines]}
