"""A Sentra Kreasi ATENSI unit in Bogor (32.01) run by a national sentra, with a stall, a partner
and one participant (a DTKS member of Cibinong) who sells coffee."""

from dataclasses import dataclass
from datetime import date

import pytest

from accounts.models import Role
from providers.models import Kind, Provider
from sentra.models import (
    Business,
    BusinessKind,
    Facility,
    FacilityKind,
    Participant,
    Partner,
    PartnerKind,
    Product,
    TargetProgram,
    Unit,
)


@dataclass
class World:
    unit: Unit
    stall: Facility
    partner: Partner
    participant: Participant
    business: Business
    coffee: Product
    peksos: object


@pytest.fixture
def world(db, make_user, make_household) -> World:
    peksos = make_user(Role.PEKERJA_SOSIAL, "32.01", username="peksos-bogor")
    household = make_household()
    member = household.members.get()
    provider = Provider.objects.create(
        name="Sentra Mulya Jaya", kind=Kind.SENTRA, region_id="32.01"
    )
    unit = Unit.objects.create(provider=provider, name="SKA Cibinong", region_id="32.01.01")
    stall = Facility.objects.create(unit=unit, name="Lapak 1", kind=FacilityKind.LAPAK)
    partner = Partner.objects.create(unit=unit, name="PT Wijaya Karya", kind=PartnerKind.BUMN)
    participant = Participant.objects.create(
        unit=unit, member=member, program=TargetProgram.REHABILITATION,
        joined_on=date(2026, 1, 5), income_before=600_000,
    )  # fmt: skip
    business = Business.objects.create(
        participant=participant, name="Kopi Keliling", kind=BusinessKind.CULINARY,
        started_on=date(2026, 2, 1), facility=stall,
    )  # fmt: skip
    coffee = Product.objects.create(business=business, name="Kopi susu", price=8_000)
    return World(unit, stall, partner, participant, business, coffee, peksos)
