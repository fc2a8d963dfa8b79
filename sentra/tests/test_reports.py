from datetime import date

from sentra.models import (
    AidAsset,
    Attendance,
    FollowUp,
    Outcome,
    Placement,
    Sale,
    TrainingSession,
    Unit,
)
from sentra.reports import yearly_report


def test_the_yearly_report_adds_up_per_unit_region_and_in_total(world):
    def sale(day, amount, share):
        Sale.objects.create(
            business=world.business,
            product=world.coffee,
            sold_on=day,
            quantity=1,
            amount=amount,
            participant_share=share,
            recorded_by=world.peksos,
        )

    sale(date(2026, 3, 1), 10_000, 9_000)
    sale(date(2026, 4, 1), 20_000, 20_000)
    sale(date(2025, 12, 31), 99_000, 99_000)  # another year
    AidAsset.objects.create(
        participant=world.participant,
        kind="assistive_device",
        description="Motor roda tiga",
        value=25_000_000,
        given_on=date(2026, 2, 1),
    )
    session = TrainingSession.objects.create(
        unit=world.unit, kind="vocational", topic="Barista", held_on=date(2026, 2, 10)
    )
    Attendance.objects.create(
        session=session, participant=world.participant, present=True, certificate="SKA/001"
    )
    placement = Placement.objects.create(
        participant=world.participant,
        partner=world.partner,
        position="Barista",
        started_on=date(2026, 3, 1),
    )
    FollowUp.objects.create(
        placement=placement, months=6, checked_on=date(2026, 9, 1), still_employed=True
    )
    Outcome.objects.create(
        participant=world.participant, assessed_on=date(2026, 5, 1), income_after=1_000_000
    )
    Outcome.objects.create(
        participant=world.participant,
        assessed_on=date(2026, 11, 1),
        income_after=1_800_000,
        independent=True,
    )

    report = yearly_report(Unit.objects.all(), 2026)
    figures = report.units[0].figures
    assert (
        figures["participants"],
        figures["sales"],
        figures["sales_amount"],
        figures["participant_share"],
    ) == (1, 2, 30_000, 29_000)
    assert (figures["aid_value"], figures["trainings"], figures["certificates"]) == (
        25_000_000,
        1,
        1,
    )
    assert (figures["placements"], figures["employed_6m"], figures["followed_6m"]) == (1, 1, 1)
    # The latest assessment of the year counts: 600,000 before, 1,800,000 after.
    assert (figures["assessed"], figures["independent"]) == (1, 1)
    assert report.units[0].income_gain == 1_200_000
    assert report.regions[0].region == "32.01" and report.regions[0].figures == figures
    assert report.total.figures == figures
