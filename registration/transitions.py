"""The approval chain as data: which action moves a proposal or a submission from which status
to which, and which permission (accounts.policy) the actor needs in the object's region.

A rule without a permission is a consequence, not a choice: it is taken only by the service
that owns it (a submission's return or resubmission carries its proposals along; penetapan
applies them), never directly by a user."""

from dataclasses import dataclass, replace

from django.db import transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import policy
from audit import services as audit

from .models import ApprovalStep, Proposal, Submission
from .models import ProposalStatus as P
from .models import SubmissionStatus as S


@dataclass(frozen=True)
class Rule:
    to: str
    permission: str | None  # None: only as a consequence, see the module docstring


PROPOSAL_RULES: dict[tuple[str, str], Rule] = {
    (P.DRAFT, "submit"): Rule(P.SUBMITTED, policy.PROPOSE),
    (P.DRAFT, "withdraw"): Rule(P.WITHDRAWN, policy.PROPOSE),
    (P.SUBMITTED, "withdraw"): Rule(P.WITHDRAWN, policy.PROPOSE),
    (P.SUBMITTED, "accept"): Rule(P.PRELIST_FINAL, policy.DECIDE_MEETING),
    (P.SUBMITTED, "reject"): Rule(P.REJECTED_AT_MEETING, policy.DECIDE_MEETING),
    (P.PRELIST_FINAL, "assign_visit"): Rule(P.VISIT_ASSIGNED, policy.ASSIGN_VISIT),
    (P.VISIT_ASSIGNED, "verify"): Rule(P.VERIFIED, policy.VERIFY),
    (P.VISIT_ASSIGNED, "fail_verification"): Rule(P.NOT_VERIFIED, policy.VERIFY),
    (P.VERIFIED, "compile"): Rule(P.COMPILED, policy.COMPILE),
    (P.COMPILED, "return"): Rule(P.RETURNED, None),
    (P.RETURNED, "resubmit"): Rule(P.COMPILED, None),
    (P.RETURNED, "withdraw"): Rule(P.WITHDRAWN, policy.PROPOSE),
    (P.COMPILED, "apply"): Rule(P.APPLIED, None),
}

SUBMISSION_RULES: dict[tuple[str, str], Rule] = {
    (S.COMPILED, "ratify"): Rule(S.RATIFIED, policy.RATIFY),
    (S.COMPILED, "return"): Rule(S.RETURNED, policy.RATIFY),
    (S.RATIFIED, "forward"): Rule(S.FORWARDED, policy.FORWARD),
    (S.RATIFIED, "return"): Rule(S.RETURNED, policy.FORWARD),
    (S.FORWARDED, "determine"): Rule(S.DETERMINED, policy.DETERMINE),
    (S.FORWARDED, "return"): Rule(S.RETURNED, policy.DETERMINE),
    (S.RETURNED, "resubmit"): Rule(S.COMPILED, policy.COMPILE),
}

# Actions whose reason is mandatory (the origin must know what to fix).
REASON_REQUIRED = {"return", "fail_verification"}


class TransitionRefused(Exception):
    """The action is not allowed from the object's current status (or lacks its reason)."""


def rules_for(obj: Model) -> dict[tuple[str, str], Rule]:
    if isinstance(obj, Proposal):
        return PROPOSAL_RULES
    if isinstance(obj, Submission):
        return SUBMISSION_RULES
    raise TypeError(f"no transitions for {type(obj).__name__}")


def region_of(obj: Proposal | Submission) -> str:
    return obj.village_id if isinstance(obj, Proposal) else obj.regency_id


def allowed_actions(user, obj: Proposal | Submission) -> list[str]:
    """The actions `user` may take on `obj` now (for buttons in the UI)."""
    return [
        action
        for (status, action), rule in rules_for(obj).items()
        if status == obj.status
        and rule.permission
        and policy.can(user, rule.permission, region_of(obj))
    ]


@transaction.atomic
def transition(
    ctx: audit.Context, obj: Proposal | Submission, action: str, reason: str = ""
) -> Proposal | Submission:
    """Take `action` on `obj` as `ctx.actor`: refused (TransitionRefused) when the table has no
    such move from the current status, PermissionDenied when the actor lacks the permission in
    the object's region. Writes the ApprovalStep and the audit event; a submission's return
    and resubmission carry its proposals along."""
    check(ctx, obj, action)
    return move(ctx, obj, action, reason)


def check(ctx: audit.Context, obj: Proposal | Submission, action: str) -> Rule:
    """The rule `ctx.actor` may take now, or TransitionRefused / PermissionDenied: for services
    that must know before they touch anything else (a decree file, say)."""
    rule = rules_for(obj).get((obj.status, action))
    if rule is None or rule.permission is None:
        raise TransitionRefused(
            _("“%(action)s” is not allowed for a record with status “%(status)s”.")
            % {"action": action, "status": obj.status}
        )
    policy.require(ctx.actor, rule.permission, region_of(obj))
    return rule


def move(
    ctx: audit.Context, obj: Proposal | Submission, action: str, reason: str = ""
) -> Proposal | Submission:
    """Apply a rule of the table without the permission check: for the services that checked
    the permission themselves (penetapan) and for the cascade to a submission's proposals."""
    rule = rules_for(obj).get((obj.status, action))
    if rule is None:
        raise TransitionRefused(
            _("“%(action)s” is not allowed for a record with status “%(status)s”.")
            % {"action": action, "status": obj.status}
        )
    if action in REASON_REQUIRED and not reason.strip():
        raise TransitionRefused(_("Give the reason, so that the origin knows what to fix."))
    current = type(obj).objects.select_for_update().values_list("status", flat=True)
    if current.get(pk=obj.pk) != obj.status:
        raise TransitionRefused(_("Someone else changed this record; reload it and try again."))
    before = obj.status
    obj.status, obj.status_since = rule.to, timezone.now()
    fields = ["status", "status_since"]
    if isinstance(obj, Proposal):
        obj.status_reason = reason
        fields.append("status_reason")
    elif action == "return":
        obj.return_reason = reason
        fields.append("return_reason")
    obj.save(update_fields=fields)
    _log(ctx, obj, action, before, reason)
    if isinstance(obj, Submission):
        _carry_proposals(ctx, obj, action, reason)
    return obj


def _log(ctx: audit.Context, obj: Proposal | Submission, action: str, before: str, reason: str):
    actor = ctx.actor if getattr(ctx.actor, "is_authenticated", False) else None
    owner = {"proposal": obj} if isinstance(obj, Proposal) else {"submission": obj}
    ApprovalStep.objects.create(
        **owner, action=action, from_status=before, to_status=obj.status, actor=actor, reason=reason
    )
    audit.record(
        replace(ctx, reason=reason or ctx.reason),
        f"registration.{obj._meta.model_name}.{action}",
        obj,
        {"status": [before, obj.status]},
        region_code=region_of(obj),
    )


def _carry_proposals(ctx: audit.Context, submission: Submission, action: str, reason: str):
    statuses = [status for (status, a) in PROPOSAL_RULES if a == action]
    for proposal in submission.proposals.filter(status__in=statuses).order_by("id"):
        move(ctx, proposal, action, reason)
