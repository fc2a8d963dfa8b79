"""Reads over the Sentra Kreasi ATENSI that serve users: every one starts from `units_for`, which
passes through the access policy (the unit's region is the scope key)."""

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, QuerySet, Sum
from django.shortcuts import get_object_or_404

from accounts import policy
from accounts.models import User

from . import rules
from .models import (
    SELLING_KINDS,
    Business,
    Facility,
    FollowUp,
    Participant,
    Placement,
    Product,
    Sale,
    TrainingSession,
    Unit,
)


def units_for(user: User) -> QuerySet[Unit]:
    qs = Unit.objects.select_related("provider", "region")
    return policy.scoped(user, qs, "region__code", policy.VIEW_SENTRA)


def unit_for(user: User, unit_id: int) -> Unit:
    return get_object_or_404(units_for(user), pk=unit_id)


def participants_for(user: User) -> QuerySet[Participant]:
    return Participant.objects.filter(unit__in=units_for(user)).select_related(
        "unit", "member", "member__household", "case"
    )


def participant_for(user: User, participant_id: int) -> Participant:
    return get_object_or_404(participants_for(user), pk=participant_id)


def business_for(user: User, business_id: int) -> Business:
    qs = Business.objects.filter(participant__in=participants_for(user))
    return get_object_or_404(qs.select_related("participant__unit"), pk=business_id)


def placement_for(user: User, placement_id: int) -> Placement:
    qs = Placement.objects.filter(participant__in=participants_for(user))
    return get_object_or_404(qs.select_related("participant__unit", "partner"), pk=placement_id)


def training_for(user: User, session_id: int) -> TrainingSession:
    qs = TrainingSession.objects.filter(unit__in=units_for(user))
    return get_object_or_404(qs.select_related("unit", "partner"), pk=session_id)


def stall_for(user: User, facility_id: int) -> Facility:
    """A selling facility (a lapak, a showroom...) of a unit `user` may see."""
    qs = Facility.objects.filter(unit__in=units_for(user), kind__in=SELLING_KINDS, active=True)
    return get_object_or_404(qs.select_related("unit"), pk=facility_id)


def stall_products(facility: Facility) -> QuerySet[Product]:
    """What can be sold at a stall: the products of the unit's businesses, those based at the
    stall first."""
    return (
        Product.objects.filter(business__participant__unit=facility.unit_id)
        .select_related("business", "business__participant__member")
        .order_by("business__name", "name")
    )


def sales_of(participant: Participant) -> QuerySet[Sale]:
    return Sale.objects.filter(business__participant=participant).select_related(
        "product", "business"
    )


def stall_sales(facility: Facility, day: date) -> QuerySet[Sale]:
    return Sale.objects.filter(facility=facility, sold_on=day).select_related("product", "business")


def revenue(sales: QuerySet[Sale]) -> dict:
    """Count, quantity, amount and participant share of `sales` (0 when none)."""
    totals = sales.aggregate(
        sales=Count("id"), quantity=Sum("quantity"), amount=Sum("amount"),
        share=Sum("participant_share"),
    )  # fmt: skip
    return {k: v or 0 for k, v in totals.items()}


def participant_revenue(participant: Participant, year: int | None = None) -> dict:
    sales = Sale.objects.filter(business__participant=participant)
    if year:
        sales = sales.filter(sold_on__year=year)
    return revenue(sales)


@dataclass(frozen=True)
class FollowUpDue:
    months: int
    due_on: date
    done: FollowUp | None
    overdue: bool


def follow_ups(placement: Placement, today: date) -> list[FollowUpDue]:
    """The 3- and 6-month follow-ups of a placement: due dates, what was recorded, what is late."""
    done = {f.months: f for f in placement.follow_ups.all()}
    return [
        FollowUpDue(months, due, done.get(months), months not in done and due < today)
        for months, due in rules.follow_up_dates(placement.started_on).items()
    ]


def follow_ups_due(user: User, today: date, within_days: int = 14) -> list[tuple]:
    """Placements in scope whose follow-up is due within `within_days` or late, not recorded."""
    found = []
    recent = rules.add_months(today, -(rules.FOLLOW_UP_MONTHS[-1] + 1))
    qs = (
        Placement.objects.filter(participant__in=participants_for(user), started_on__gte=recent)
        .select_related("participant__member", "partner")
        .prefetch_related("follow_ups")
    )
    for placement in qs:
        for item in follow_ups(placement, today):
            if item.done is None and (item.due_on - today).days <= within_days:
                found.append((placement, item))
    return sorted(found, key=lambda pair: pair[1].due_on)
