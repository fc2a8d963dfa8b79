"""The yearly Sentra Kreasi ATENSI report: per unit, per kabupaten/kota and in total, the
participants, their businesses, sales and the share that reached them, training, job placements
and the outcomes of article 35 (income before and after, independence)."""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet, Sum

from wilayah.selectors import names

from .models import (
    AidAsset,
    Attendance,
    FollowUp,
    Outcome,
    Participant,
    Placement,
    Sale,
    TrainingSession,
    Unit,
)

FIGURES = (
    "participants", "businesses", "sales", "sales_amount", "participant_share", "aid_value",
    "trainings", "attended", "certificates", "placements", "employed_6m", "followed_6m",
    "assessed", "income_before", "income_after", "independent",
)  # fmt: skip


@dataclass
class Row:
    label: str
    region: str = ""
    figures: dict = field(default_factory=lambda: dict.fromkeys(FIGURES, 0))

    def add(self, other: "Row") -> None:
        for key in FIGURES:
            self.figures[key] += other.figures[key]

    @property
    def income_gain(self) -> int:
        """Average monthly income gain of the assessed participants (rupiah)."""
        n = self.figures["assessed"]
        return (self.figures["income_after"] - self.figures["income_before"]) // n if n else 0


@dataclass
class Report:
    year: int
    units: list[Row]
    regions: list[Row]
    total: Row


def _by_unit(qs: QuerySet, unit_field: str, **aggregates) -> dict[int, dict]:
    rows = qs.values(unit_field).annotate(**aggregates)
    return {row.pop(unit_field): row for row in rows}


def _latest_outcomes(units: QuerySet[Unit], year: int) -> dict[int, dict]:
    """Per unit, over each participant's latest assessment in `year`: how many were assessed,
    the sum of their income before and after, and how many became independent."""
    latest: dict[int, Outcome] = {}
    outcomes = Outcome.objects.filter(participant__unit__in=units, assessed_on__year=year)
    for outcome in outcomes.select_related("participant").order_by("assessed_on", "id"):
        latest[outcome.participant_id] = outcome
    found: dict[int, dict] = defaultdict(
        lambda: dict.fromkeys(("assessed", "income_before", "income_after", "independent"), 0)
    )
    for outcome in latest.values():
        row = found[outcome.participant.unit_id]
        row["assessed"] += 1
        row["income_before"] += outcome.participant.income_before or 0
        row["income_after"] += outcome.income_after
        row["independent"] += int(outcome.independent)
    return found


def yearly_report(units: QuerySet[Unit], year: int) -> Report:
    """The report of `year` over `units` (already scoped to the user)."""
    active = Q(joined_on__year__lte=year) & (Q(left_on__isnull=True) | Q(left_on__year__gte=year))
    parts = [
        _by_unit(Participant.objects.filter(active, unit__in=units), "unit_id",
                 participants=Count("id")),
        _by_unit(Participant.objects.filter(active, unit__in=units), "unit_id",
                 businesses=Count("businesses", distinct=True)),
        _by_unit(Sale.objects.filter(business__participant__unit__in=units, sold_on__year=year),
                 "business__participant__unit_id", sales=Count("id"),
                 sales_amount=Sum("amount"), participant_share=Sum("participant_share")),
        _by_unit(AidAsset.objects.filter(participant__unit__in=units, given_on__year=year),
                 "participant__unit_id", aid_value=Sum("value")),
        _by_unit(TrainingSession.objects.filter(unit__in=units, held_on__year=year), "unit_id",
                 trainings=Count("id")),
        _by_unit(Attendance.objects.filter(session__unit__in=units, session__held_on__year=year,
                                           present=True), "session__unit_id",
                 attended=Count("id"), certificates=Count("id", filter=~Q(certificate=""))),
        _by_unit(Placement.objects.filter(participant__unit__in=units, started_on__year=year),
                 "participant__unit_id", placements=Count("id")),
        _by_unit(FollowUp.objects.filter(placement__participant__unit__in=units, months=6,
                                         placement__started_on__year=year),
                 "placement__participant__unit_id", followed_6m=Count("id"),
                 employed_6m=Count("id", filter=Q(still_employed=True))),
        _latest_outcomes(units, year),
    ]  # fmt: skip
    rows, regions = [], {}
    total = Row("total")
    for unit in units.select_related("region").order_by("region__code", "name"):
        row = Row(unit.name, unit.region_id)
        for part in parts:
            row.figures.update({k: v or 0 for k, v in part.get(unit.pk, {}).items()})
        rows.append(row)
        district = unit.region_id[:5]
        regions.setdefault(district, Row(district, district)).add(row)
        total.add(row)
    labels = names(list(regions))
    for region in regions.values():
        region.label = labels.get(region.region, region.region)
    return Report(year, rows, list(regions.values()), total)
