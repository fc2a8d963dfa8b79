"""A small ATENSI world in Bogor (32.01): two LKS and a national sentra, their pekerja sosial
(one a certified supervisor, one certified without supervision competency) and a complaint."""

from datetime import date

import pytest

from accounts.models import Role
from atensi import services
from audit.services import Context
from conftest import VILLAGE_A
from providers.models import Kind, Provider
from registry.identity import format_nik_for_district
from workforce.models import Assignment, Certificate, Worker, WorkerKind

REGENCY = "32.01"


def nik(serial: int, born: date = date(2012, 5, 6), sex: str = "P") -> str:
    return format_nik_for_district("32.01.01", born, sex, serial)


class World:
    def __init__(self, make_user):
        self.make_user = make_user
        self.lks = Provider.objects.create(
            name="LKS Harapan Bunda",
            kind=Kind.LKS,
            region_id=REGENCY,
            family_based=True,
            community_based=True,
        )
        self.other_lks = Provider.objects.create(
            name="LKS Tunas Bangsa", kind=Kind.LKS, region_id=REGENCY, family_based=True
        )
        self.sentra = Provider.objects.create(
            name="Sentra Galuh", kind=Kind.SENTRA, region_id="32", residential=True, capacity=50
        )
        self.worker = self.staff("peksos", self.lks)
        self.supervisor = self.staff("supervisor", self.lks, supervision=True)
        self.uncertified = self.staff("peksos2", self.lks, supervision=False)
        self.other_worker = self.staff("lain", self.other_lks)
        self.sentra_worker = self.staff("sentra", self.sentra)
        self.outside_supervisor = self.staff("supervisor-lain", self.other_lks, supervision=True)

    def staff(self, username, provider, supervision=None, role=Role.PEKERJA_SOSIAL):
        user = self.make_user(role, REGENCY, username=username)
        worker = Worker.objects.create(
            user=user, name=username.title(), kind=WorkerKind.PEKERJA_SOSIAL, region_id=REGENCY
        )
        if supervision is not None:
            Certificate.objects.create(
                worker=worker,
                number=f"CERT-{username}",
                issued_on=date(2020, 1, 1),
                valid_until=date(2099, 1, 1),
                supervision=supervision,
            )
        Assignment.objects.create(worker=worker, provider=provider, start_date=date(2020, 1, 1))
        return user

    def person(self, **extra) -> services.Person:
        values = {
            "name": "Dewi Lestari",
            "sex": "P",
            "region_code": VILLAGE_A,
            "birth_date": date(2012, 5, 6),
            "address": "Kp. Cibuluh RT 02",
        }
        return services.Person(**(values | extra))

    def intake(self, person=None, emergency=False, source="complaint"):
        return services.receive_intake(
            Context(self.worker),
            self.lks,
            source,
            person or self.person(),
            "Anak ditelantarkan, dilaporkan tetangga.",
            emergency=emergency,
            referrer="Ibu Sari (tetangga)",
            referrer_contact="0812-0000-0000",
        )

    def case(self, person=None, emergency=False, **extra):
        intake = self.intake(person, emergency)
        return services.open_case(
            Context(self.worker),
            intake,
            self.worker,
            self.supervisor,
            extra.get("pas_group", "vulnerable_children"),
            extra.get("clusters", ["children"]),
            person=extra.get("usulan_person"),
        )


@pytest.fixture
def world(make_user):
    return World(make_user)
