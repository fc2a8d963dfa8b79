"""Linkage's card on the registry's member page (registry/hooks.py), registered in
LinkageConfig.ready(): the member's possible duplicates (open and decided review pairs)."""

from django.utils.translation import gettext_lazy as _

from registry.hooks import MemberBlock

from . import review_selectors


def member_block(user, member) -> MemberBlock | None:
    pairs = review_selectors.pairs_of_member(user, member.pk) if user else []
    if not pairs:
        return None
    return MemberBlock(title=_("Possible duplicates"), template="linkage/_member_block.html",
                          context={"member": member, "pairs": [
                              {"pair": p,
                               "other": p.member_r if p.member_l_id == member.pk else p.member_l}
                              for p in pairs]})
