"""Ranking's card on the registry's household page (registry/hooks.py), registered in
RankingConfig.ready()."""

from django.utils.translation import gettext_lazy as _

from accounts import policy
from registry.hooks import HouseholdBlock

from . import selectors


def household_block(user, household) -> HouseholdBlock | None:
    """The household's latest welfare score and desil, for users who may see desil."""
    if not policy.can(user, policy.VIEW_DESIL, household.village_id):
        return None
    score = selectors.for_household(household.pk)
    if score is None:
        return None
    return HouseholdBlock(title=_("Welfare ranking"), template="ranking/_household_block.html",
                          context={"score": score})
