"""Supervision sign-off (articles 11(4), 19(2)-(3)): requests, approvals that move the case
on, returns with their reason. A stage moves only here."""

from dataclasses import replace

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit import services as audit

from .. import access
from ..models import (
    Case,
    CaseStatus,
    SignOff,
    SignOffKind,
)
from ..stages import config
from .common import ANYTIME_FORMS, Refused, due_date, record_event, require_recorder

# --- supervision sign-off (articles 11(4), 19(2)-(3)) -------------------------------------


def missing_forms(case: Case) -> list[str]:
    """The forms the current stage requires that are not yet recorded."""
    stage = config().get(case.stage)
    done = set(case.entries.filter(stage=case.stage).values_list("form", flat=True))
    done |= set(case.entries.filter(form__in=ANYTIME_FORMS).values_list("form", flat=True))
    return [f for f in stage.required_forms(case.emergency) if f not in done]


def pending_request(case: Case) -> SignOff | None:
    """The open sign-off request of the current stage (the last entry of the log is a
    request for this stage), or None."""
    last = case.signoffs.filter(stage=case.stage).order_by("-at", "-id").first()
    return last if last is not None and last.kind == SignOffKind.REQUEST else None


def last_return(case: Case) -> SignOff | None:
    """Why the supervisor returned the current stage, while it has not been re-requested."""
    last = case.signoffs.filter(stage=case.stage).order_by("-at", "-id").first()
    return last if last is not None and last.kind == SignOffKind.RETURN else None


@transaction.atomic
def request_signoff(ctx: audit.Context, case: Case, note: str = "") -> SignOff:
    """Ask the supervisor to sign off the current stage; refused while a required form is
    missing or a request is already waiting."""
    require_recorder(ctx, case)
    missing = missing_forms(case)
    if missing:
        raise Refused(
            _("Record the required forms first: %(forms)s.") % {"forms": ", ".join(missing)}
        )
    if pending_request(case):
        raise Refused(_("A sign-off request is already waiting."))
    row = SignOff.objects.create(
        case=case, stage=case.stage, kind=SignOffKind.REQUEST, actor=ctx.actor, note=note
    )
    record_event(ctx, "signoff.request", case, case, {"stage": [None, case.stage]})
    return row


def _require_supervisor(ctx: audit.Context, case: Case, request: SignOff | None) -> str:
    """The supervisor's certificate number, or a refusal: only a pekerja sosial with valid
    supervision competency, who may see the case and did not do the work, signs off."""
    user = ctx.actor
    if case.status != CaseStatus.OPEN:
        raise Refused(_("The case is terminated."))
    if request is None:
        raise Refused(_("No sign-off request is waiting for this stage."))
    if not access.may_supervise(user):
        raise PermissionDenied(
            _(
                "Only a pekerja sosial with a valid supervision competency certificate may sign "
                "off a stage (article 19(3))."
            )
        )
    if user.pk in (case.worker_id, request.actor_id):
        raise PermissionDenied(_("A supervisor cannot sign off their own work."))
    if not access.owned_cases(user).filter(pk=case.pk).exists():
        raise PermissionDenied("atensi.supervise")
    return access.supervision_certificate(user)


@transaction.atomic
def approve(ctx: audit.Context, case: Case, note: str = "") -> SignOff:
    """The supervisor's approval: the case moves to the next stage (with its due date), or,
    after the last stage, is terminated with the recorded reason."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    certificate = _require_supervisor(ctx, case, pending_request(case))
    row = SignOff.objects.create(
        case=case,
        stage=case.stage,
        kind=SignOffKind.APPROVE,
        actor=ctx.actor,
        note=note,
        certificate_number=certificate,
    )
    before = {"stage": case.stage, "status": case.status}
    following = config().next(case.stage)
    now = timezone.now()
    if following is None:
        termination = case.entries.filter(form="termination").order_by("-id").first()
        case.status, case.closed_at = CaseStatus.TERMINATED, now
        case.termination_reason = termination.data["reason"] if termination else "other"
        case.save(update_fields=["status", "closed_at", "termination_reason"])
    else:
        case.stage, case.stage_started_at = following.code, now
        case.stage_due = due_date(timezone.localdate(), following, case.emergency)
        case.save(update_fields=["stage", "stage_started_at", "stage_due"])
    after = {"stage": case.stage, "status": case.status}
    record_event(
        replace(ctx, reason=note), "signoff.approve", case, case, audit.diff(before, after)
    )
    return row


@transaction.atomic
def return_work(ctx: audit.Context, case: Case, reason: str) -> SignOff:
    """The supervisor returns the stage with the reason; the worker sees why and asks again."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the work is returned.")})
    certificate = _require_supervisor(ctx, case, pending_request(case))
    row = SignOff.objects.create(
        case=case,
        stage=case.stage,
        kind=SignOffKind.RETURN,
        actor=ctx.actor,
        note=reason,
        certificate_number=certificate,
    )
    record_event(
        replace(ctx, reason=reason), "signoff.return", case, case, {"stage": [None, case.stage]}
    )
    return row
