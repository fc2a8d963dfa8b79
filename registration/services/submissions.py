"""A regency's submission of its verified proposals for a DTKS period, and its approval chain:
pengesahan by the bupati/walikota (recorded by Dinas Sosial), the province forwards, the centre
accepts; any level may return it to the regency with a reason."""

from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import policy
from audit import services as audit
from wilayah.models import Level, Region
from wilayah.selectors import within_scope

from ..models import (
    ApprovalStep,
    Period,
    PeriodStatus,
    Proposal,
    ProposalStatus,
    Submission,
)
from ..transitions import TransitionRefused, check, move, transition
from .documents import check_scan


@transaction.atomic
def open_period(ctx: audit.Context, code: str, label: str) -> Period:
    """Open a DTKS period (the centre's decision)."""
    policy.require(ctx.actor, policy.DETERMINE)
    period = Period.objects.create(code=code, label=label)
    audit.record(ctx, "registration.period.open", period, {"code": [None, code]})
    return period


def _require_open(period: Period) -> None:
    period = Period.objects.get(pk=period.pk)  # the caller's copy may be stale
    if period.status != PeriodStatus.OPEN:
        raise TransitionRefused(_("The period %(code)s is already determined.") % {"code": period})


@transaction.atomic
def compile_submission(ctx: audit.Context, regency_code: str, period: Period) -> Submission:
    """Gather every verified proposal of the regency into one submission for `period`."""
    policy.require(ctx.actor, policy.COMPILE, regency_code)
    _require_open(period)
    if not Region.objects.filter(code=regency_code, level=Level.REGENCY).exists():
        raise ValidationError({"regency": _("Choose a regency or city.")})
    proposals = list(
        Proposal.objects.select_for_update()
        .filter(within_scope(regency_code, "village__code"), status=ProposalStatus.VERIFIED)
        .order_by("id")
    )
    if not proposals:
        raise ValidationError(_("There is no verified proposal to compile."))
    submission = Submission.objects.create(
        regency_id=regency_code, period=period, status_since=timezone.now(), compiled_by=ctx.actor
    )
    ApprovalStep.objects.create(
        submission=submission, action="compile", to_status=submission.status, actor=ctx.actor
    )
    audit.record(
        ctx,
        "registration.submission.compile",
        submission,
        {"proposals": [None, len(proposals)]},
        region_code=regency_code,
    )
    for proposal in proposals:
        transition(ctx, proposal, "compile")
        proposal.period, proposal.submission = period, submission
        proposal.save(update_fields=["period", "submission"])
    return submission


@transaction.atomic
def ratify(
    ctx: audit.Context, submission: Submission, decree_number: str, decree_file: File
) -> Submission:
    """Record the bupati/walikota's pengesahan: its decree number and the scanned decree."""
    check(ctx, submission, "ratify")
    if not decree_number.strip() or not decree_file:
        raise ValidationError(
            {"decree": _("The decree number and the decree file are both required.")}
        )
    check_scan(decree_file, "decree_file")
    submission.decree_number = decree_number.strip()
    submission.decree_file.save(decree_file.name, decree_file, save=False)
    submission.save(update_fields=["decree_number", "decree_file"])
    return transition(ctx, submission, "ratify")


def forward(ctx: audit.Context, submission: Submission) -> Submission:
    """The province forwards a ratified submission to the centre."""
    return transition(ctx, submission, "forward")


@transaction.atomic
def accept_submission(ctx: audit.Context, submission: Submission) -> Submission:
    """The centre accepts a forwarded submission into its period's penetapan."""
    _require_open(submission.period)
    return transition(ctx, submission, "determine")


def return_submission(ctx: audit.Context, submission: Submission, reason: str) -> Submission:
    """Send a submission (and its proposals) back to the regency; the reason is mandatory."""
    return transition(ctx, submission, "return", reason)


@transaction.atomic
def resubmit(ctx: audit.Context, submission: Submission) -> Submission:
    """The regency sends a fixed submission again; it needs a fresh pengesahan."""
    _require_open(submission.period)
    check(ctx, submission, "resubmit")
    if not submission.proposals.filter(status=ProposalStatus.RETURNED).exists():
        raise ValidationError(_("The submission has no proposal left to resubmit."))
    submission.decree_number, submission.decree_file = "", ""
    submission.save(update_fields=["decree_number", "decree_file"])
    return move(ctx, submission, "resubmit")
