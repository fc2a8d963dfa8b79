"""The member page's box of possible duplicates (open and decided review pairs)."""

from django import template

from .. import review_selectors

register = template.Library()


@register.inclusion_tag("linkage/_member_duplicates.html", takes_context=True)
def member_duplicates(context, member) -> dict:
    request = context.get("request")
    user = getattr(request, "user", None)
    pairs = review_selectors.pairs_of_member(user, member.pk) if user else []
    return {"member": member, "pairs": [
        {"pair": p, "other": p.member_r if p.member_l_id == member.pk else p.member_l}
        for p in pairs]}
