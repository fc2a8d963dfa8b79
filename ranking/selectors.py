"""Reads of welfare ranking that serve pages: a household's score, desil counts of a region,
and the stored PMT models. Views check the access policy before calling these."""

from django.db.models import Count, QuerySet

from accounts import policy
from accounts.models import User
from wilayah.selectors import within_scope

from .models import HouseholdScore, PmtModel


def for_household(household_id: int) -> HouseholdScore | None:
    """The latest score of a household (None when it has not been scored)."""
    return HouseholdScore.objects.select_related("model").filter(
        household_id=household_id).first()


def desil_counts(region_prefix: str = "") -> dict[int, int]:
    """Households per national desil (1..10, zeros included) within a region ('' = all)."""
    scores = HouseholdScore.objects.all()
    if region_prefix:
        scores = scores.filter(within_scope(region_prefix, "household__village__code"))
    counts = dict(scores.values_list("desil_national").annotate(n=Count("id")).order_by())
    return {desil: counts.get(desil, 0) for desil in range(1, 11)}


def models_for(user: User) -> QuerySet[PmtModel]:
    """Stored PMT models, for users who may see them (nothing otherwise)."""
    if not policy.role_allows(user, policy.VIEW_PMT_MODELS):
        return PmtModel.objects.none()
    return PmtModel.objects.all()
