from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from accounts.models import Role
from audit.models import Event
from audit.services import Context
from sentra import selectors, services
from sentra.models import FollowUp, Placement, Sale, TargetProgram


def test_a_participants_revenue_is_the_sum_of_their_sales(world):
    ctx = Context(actor=world.peksos)
    services.record_sale(ctx, world.coffee, sold_on=date(2026, 3, 1), quantity=3)
    services.record_sale(
        ctx,
        world.coffee,
        sold_on=date(2026, 3, 2),
        quantity=2,
        amount=15_000,
        participant_share=13_500,
    )
    services.record_sale(ctx, world.coffee, sold_on=date(2027, 1, 2), quantity=1)
    sales = Sale.objects.filter(business__participant=world.participant)
    assert selectors.participant_revenue(world.participant) == {
        "sales": 3,
        "quantity": 6,
        "amount": sum(s.amount for s in sales),
        "share": sum(s.participant_share for s in sales),
    }
    assert selectors.participant_revenue(world.participant)["amount"] == 24_000 + 15_000 + 8_000
    assert selectors.participant_revenue(world.participant, 2026)["share"] == 24_000 + 13_500
    assert Event.objects.filter(action="sentra.sale.create").count() == 3


def test_a_share_above_the_amount_is_refused_naming_the_field(world):
    with pytest.raises(ValidationError) as error:
        services.record_sale(
            Context(actor=world.peksos),
            world.coffee,
            sold_on=date(2026, 3, 1),
            quantity=1,
            participant_share=9_000,
        )
    assert "participant_share" in error.value.message_dict
    assert not Sale.objects.exists()


def test_the_database_refuses_a_share_above_the_amount_whatever_the_code_path(world):
    """The invariant lives in the database (a check constraint), so no race or bypass of the
    service stores a share larger than the sale."""
    with pytest.raises(IntegrityError), transaction.atomic():
        Sale.objects.create(
            business=world.business,
            product=world.coffee,
            sold_on=date(2026, 3, 1),
            quantity=1,
            amount=8_000,
            participant_share=8_001,
            recorded_by=world.peksos,
        )


def test_a_follow_up_is_recorded_once_even_when_two_clerks_race(world):
    """Two simultaneous 3-month checks: the unique constraint keeps one."""
    placement = Placement.objects.create(
        participant=world.participant,
        partner=world.partner,
        position="Barista",
        started_on=date(2026, 8, 31),
    )
    services.record_follow_up(
        Context(actor=world.peksos),
        placement,
        months=3,
        checked_on=date(2026, 11, 30),
        still_employed=True,
    )
    with pytest.raises(ValidationError) as error:
        services.record_follow_up(
            Context(actor=world.peksos),
            placement,
            months=3,
            checked_on=date(2026, 12, 1),
            still_employed=False,
        )
    assert "months" in error.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():  # the racing insert
        FollowUp.objects.create(
            placement=placement, months=3, checked_on=date(2026, 12, 1), still_employed=False
        )


def test_follow_ups_show_their_due_dates_and_which_are_late(world):
    placement = Placement.objects.create(
        participant=world.participant,
        employer="Warung Bu Sri",
        position="Juru masak",
        started_on=date(2026, 8, 31),
    )
    items = selectors.follow_ups(placement, today=date(2026, 12, 15))
    assert [(i.months, i.due_on, i.overdue) for i in items] == [
        (3, date(2026, 11, 30), True),
        (6, date(2027, 2, 28), False),
    ]


def test_a_dtks_member_is_found_by_nik_within_the_users_region(world, make_household, make_user):
    other = make_household(nik="3201011208850011", kk="3201010101200011", name="Siti Aminah")
    ctx = Context(actor=world.peksos)
    participant = services.enroll(
        ctx,
        world.unit,
        "3201011208850011",
        program=TargetProgram.POVERTY,
        joined_on=date(2026, 5, 1),
    )
    assert participant.member == other.members.get()
    with pytest.raises(ValidationError) as error:
        services.enroll(
            ctx,
            world.unit,
            "3201011208850011",
            program=TargetProgram.POVERTY,
            joined_on=date(2026, 5, 1),
        )
    assert "nik" in error.value.message_dict
    outsider = make_user(Role.PEKERJA_SOSIAL, "34.03", username="peksos-gk")
    with pytest.raises(PermissionDenied):
        services.enroll(
            Context(actor=outsider),
            world.unit,
            "3201011208850011",
            program=TargetProgram.POVERTY,
            joined_on=date(2026, 5, 1),
        )


def test_a_nik_outside_the_users_region_is_not_found(world, make_household, make_user):
    make_household(village="34.03.01.2001", nik="3403011208850001", kk="3403010101200001")
    bogor = make_user(Role.PEKERJA_SOSIAL, "32.01.01", username="peksos-cibinong")
    assert services.member_by_nik(bogor, "3403011208850001") is None


def test_a_pendamping_cannot_add_a_facility(world, make_user):
    pendamping = make_user(Role.PENDAMPING, "32.01")
    with pytest.raises(PermissionDenied):
        services.add_facility(Context(actor=pendamping), world.unit, name="Dapur", kind="tata_boga")
