"""Actors of the DTKS update flow in Bogor (32.01) and helpers that walk proposals along it."""

from datetime import date, datetime

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from accounts.models import Role
from audit.services import Context
from conftest import VILLAGE_A
from registration import services
from registry.identity import format_nik_for_district
from registry.instrument import shipped_definition

REGENCY = "32.01"


def nik(serial: int, born: date = date(1990, 3, 4), sex: str = "L") -> str:
    return format_nik_for_district("32.01.01", born, sex, serial)


def member(serial: int, name: str = "Siti Aminah", **extra) -> dict:
    return {
        "nik": nik(serial),
        "name": name,
        "sex": "L",
        "birth_date": "1990-03-04",
        "relation_to_household_head": 1,
        "relation_to_family_head": 1,
        "family_order": 1,
        "marital_status": 2,
    } | extra


def new_household_payload(serial: int = 101, name: str = "Siti Aminah") -> dict:
    return {
        "address": "Kp. Sukamaju RT 01",
        "rt": "001",
        "rw": "003",
        "families": [{"kk_number": "3201010202210001", "members": [member(serial, name)]}],
    }


@pytest.fixture
def answers() -> dict:
    return {
        q["key"]: (1 if q["type"] != "boolean" else False)
        for b in shipped_definition()["blocks"]
        for q in b["questions"]
        if q.get("required")
    } | {"floor_area_m2": 24}


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


class Flow:
    """The people of one regency's flow and shortcuts through the stages."""

    def __init__(self, make_user, answers):
        self.answers = answers
        self.desa = {}
        self.make_user = make_user
        self.kabupaten = make_user(Role.OPERATOR_KABUPATEN, REGENCY)
        self.verifier = make_user(Role.VERIFIER_KABUPATEN, REGENCY)
        self.provinsi = make_user(Role.DINSOS_PROVINSI, "32")
        self.pusat = make_user(Role.PUSAT, None)
        self.period = services.open_period(Context(self.pusat), "2026-Q4", "DTKS 2026 triwulan IV")

    def village_operator(self, village: str = VILLAGE_A):
        if village not in self.desa:
            self.desa[village] = self.make_user(Role.OPERATOR_DESA, village)
        return self.desa[village]

    def propose(self, kind, payload, village=VILLAGE_A, source="self_registration", **target):
        ctx = Context(self.village_operator(village))
        return services.propose(ctx, kind, source, village, payload, **target)

    def through_meeting(self, proposals, decision="accept"):
        for village in sorted({p.village_id for p in proposals}):
            ctx = Context(self.village_operator(village))
            meeting = services.open_meeting(
                ctx, village, date(2026, 10, 5), "Balai desa", [{"name": "Kades", "role": "head"}]
            )
            for p in proposals:
                if p.village_id == village:
                    services.submit(ctx, p)
                    services.record_decision(ctx, meeting, p, decision)
            services.close_meeting(ctx, meeting)
        for p in proposals:
            p.refresh_from_db()

    def verify(self, proposals, result=1):
        visits = services.assign_visits(Context(self.kabupaten), proposals, self.verifier)
        for visit in visits:
            services.record_visit(
                Context(self.verifier),
                visit,
                result,
                self.answers if result == 1 else {},
                timezone.make_aware(datetime(2026, 10, 12, 9, 0)),
            )
        for p in proposals:
            p.refresh_from_db()

    def compile(self):
        return services.compile_submission(Context(self.kabupaten), REGENCY, self.period)

    def ratify(self, submission):
        decree = ContentFile(b"%PDF-1.4 decree", name="sk-bupati.pdf")
        return services.ratify(Context(self.kabupaten), submission, "400/123/Kpts/2026", decree)

    def approve(self, submission):
        self.ratify(submission)
        services.forward(Context(self.provinsi), submission)
        return services.accept_submission(Context(self.pusat), submission)

    def determine(self):
        return services.determine(Context(self.pusat), self.period, "KEPMENSOS 1/HUK/2026")

    def all_the_way(self, proposals):
        self.through_meeting(proposals)
        self.verify(proposals)
        submission = self.compile()
        self.approve(submission)
        self.determine()
        for p in proposals:
            p.refresh_from_db()
        return submission


@pytest.fixture
def flow(make_user, answers) -> Flow:
    return Flow(make_user, answers)


@pytest.fixture
def web(client):
    """The test client showing pages in English, logged in as the user given."""
    from django.urls import reverse

    client.post(reverse("set_language"), {"language": "en"})

    def as_user(user):
        client.force_login(user)
        return client

    return as_user


def page_text(response) -> str:
    return response.content.decode()
