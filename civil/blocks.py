"""Civil's card on the registry's member page (registry/hooks.py), registered in
CivilConfig.ready()."""

from django.utils.translation import gettext_lazy as _

from registry.hooks import MemberBlock

from . import selectors


def member_block(user, member) -> MemberBlock | None:
    """The member's match with the civil registry; None when never matched. The member page
    has already checked that `user` may open the member."""
    civil = selectors.for_member(member.pk)
    if civil is None:
        return None
    return MemberBlock(title=_("Civil registry (Dukcapil)"),
                          template="civil/_member_block.html", context={"civil": civil})
