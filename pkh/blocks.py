"""The household page's PKH block: each verified stage, the commitments behind it, and any cut
of the next payment explained in words (registry/hooks.py)."""

from django.utils import translation
from django.utils.translation import gettext_lazy as _

from accounts import policy
from registry.hooks import HouseholdBlock

from . import rules
from .models import Graduation
from .selectors import explain_cut, household_stages, in_pkh, rules_in_force, stage_cuts


def household_block(user, household) -> HouseholdBlock | None:
    if not policy.can(user, policy.PKH_VIEW, household.village_id):
        return None
    stages = household_stages(household.pk)
    graduation = Graduation.objects.filter(household=household).first()
    can_graduate = policy.can(user, policy.PKH_GRADUATE, household.village_id)
    if not stages and graduation is None and not (can_graduate and in_pkh(household.pk)):
        return None
    lang = translation.get_language() or "id"
    definition = rules_in_force().definition
    cuts = []
    if stages:
        latest = stages[0]
        year, stage = rules.next_stage(latest.year, latest.stage)
        cut = stage_cuts("pkh", str(year), stage, [household.pk]).get(household.pk)
        if cut is not None:
            cuts = [(year, stage, explain_cut(cut, definition, lang))]
    return HouseholdBlock(title=_("PKH commitments"), template="pkh/_household_pkh.html",
                          context={"stages": stages, "cuts": cuts, "graduation": graduation,
                                   "threshold": definition["attendance_threshold"],
                                   "can_appeal": policy.can(user, policy.PKH_APPEAL,
                                                            household.village_id),
                                   "can_graduate": can_graduate,
                                   "household_id": household.pk})
