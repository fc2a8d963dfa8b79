"""Fixtures of the PKH tests: families with the members that hold each component, a frozen
PKH KPM list, and the officers who act on them."""

from dataclasses import dataclass
from datetime import date

import pytest
from django.utils import timezone

from audit.services import Context
from civil.models import MemberMatch
from programs.models import EligibilityRun, Enrollment, Program
from programs.services import current_rule_set, install_shipped
from programs.tests.kpm_data import _answers, nik
from registry import services
from registry.models import Member

VILLAGE = "32.01.01.1001"
# Ages on 1 July 2026 (stage 3's verification period starts then).
PEOPLE = {
    "pupil_sd": {"birth": date(2017, 3, 1), "attributes": {"school_participation": 1,
                                                            "education": 0}},
    "pupil_smp": {"birth": date(2013, 3, 1), "attributes": {"school_participation": 1,
                                                             "education": 1}},
    "pupil_sma": {"birth": date(2010, 3, 1), "attributes": {"school_participation": 1,
                                                             "education": 2}},
    "toddler": {"birth": date(2024, 5, 5), "attributes": {}},
    "elder": {"birth": date(1950, 1, 1), "attributes": {}},
    "severe": {"birth": date(1990, 1, 1), "attributes": {"disability": 6}},
}


@pytest.fixture(autouse=True)
def var_dir(settings, tmp_path):
    settings.VAR_DIR = tmp_path / "var"
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.VAR_DIR


@dataclass
class PkhFamily:
    household: object
    head: Member
    mother: Member
    members: dict[str, Member]


@dataclass
class Builder:
    actor: object
    serial: int = 100

    def family(self, *kinds: str, pregnant: bool = False, village: str = VILLAGE) -> PkhFamily:
        """A couple (the wife pregnant when told) with one member of each kind."""
        self.serial += 10
        s = self.serial
        people = [
            services.MemberData(nik=nik(village, s, date(1976, 1, 10)), name=f"Kepala {s}",
                                sex="L", birth_date=date(1976, 1, 10),
                                relation_to_household_head=1, relation_to_family_head=1,
                                family_order=1, marital_status=2),
            services.MemberData(nik=nik(village, s + 1, date(1988, 2, 20), "P"),
                                name=f"Ibu {s}", sex="P", birth_date=date(1988, 2, 20),
                                relation_to_household_head=2, relation_to_family_head=2,
                                family_order=2, marital_status=2, pregnant=pregnant),
        ]
        for i, kind in enumerate(kinds, start=2):
            spec = PEOPLE[kind]
            people.append(services.MemberData(
                nik=nik(village, s + i, spec["birth"]), name=f"{kind} {s}", sex="L",
                birth_date=spec["birth"], relation_to_household_head=3 if kind != "elder"
                else 6, relation_to_family_head=3, family_order=i + 1, marital_status=1,
                attributes=spec["attributes"]))
        kk = people[0].nik[:6] + "0101" + f"{s:06d}"
        household = services.create_household(
            Context(actor=self.actor), village, "Jl. Kenanga 3",
            [services.FamilyData(kk_number=kk, members=people)], _answers())
        members = list(household.members.order_by("family_order"))
        MemberMatch.objects.bulk_create(
            MemberMatch(member=m, run_ref="test", status="padan", matched_at=timezone.now())
            for m in members)
        return PkhFamily(household, members[0], members[1],
                         {k: members[i + 2] for i, k in enumerate(kinds)})

    def frozen_run(self, period: str, families: list[PkhFamily], components: list[str]
                   ) -> EligibilityRun:
        install_shipped()
        program = Program.objects.get(code="pkh")
        run = EligibilityRun.objects.create(
            program=program, rule_set=current_rule_set(program), kind="enrollment",
            state="frozen", period=period, snapshot="test", snapshot_checksum="x",
            frozen_at=timezone.now())
        Enrollment.objects.bulk_create(
            Enrollment(run=run, household=f.household, village_code=f.household.village_id,
                       status="enrolled", change="new", components=c)
            for f, c in zip(families, components, strict=True))
        return run


@pytest.fixture
def officers(make_user):
    return {"pendamping": make_user("pendamping", VILLAGE[:8], username="pendamping"),
            "dinsos": make_user("operator_kabupaten", VILLAGE[:5], username="dinsos"),
            "program": make_user("program_manager", username="program"),
            "keuangan": make_user("keuangan", username="keuangan")}


@pytest.fixture
def build(db, make_user):
    return Builder(make_user("administrator", username="admin-builder"))


def ctx(user) -> Context:
    return Context(actor=user)
