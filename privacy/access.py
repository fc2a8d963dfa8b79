"""Who may do the data-protection officer's work: the role comes from accounts.policy; the scope
must be national, because a subject's data may lie in any region and a bundle that silently
missed a region would be wrong."""

from django.core.exceptions import PermissionDenied

from accounts import policy
from accounts.models import User


def is_officer(user: User) -> bool:
    return policy.role_allows(user, policy.MANAGE_PRIVACY) and policy.scope_prefix(user) == ""


def require_officer(user: User) -> None:
    if not is_officer(user):
        raise PermissionDenied(policy.MANAGE_PRIVACY)


def may_answer_objection(user: User, village_code: str) -> bool:
    """A program officer, for an objection about a person within their region."""
    return policy.can(user, policy.ANSWER_OBJECTIONS, village_code)
