"""What the ATENSI navigation offers a user: only the pages they may use (accounts.policy via
atensi.access), so nobody is shown a link that answers 403."""

from django import template

from accounts import policy

from .. import access

register = template.Library()


@register.simple_tag
def atensi_may(user) -> dict[str, bool]:
    return {
        "intake": access.may_take_intake(user),
        "reports": policy.role_allows(user, policy.ATENSI_REPORTS),
    }
