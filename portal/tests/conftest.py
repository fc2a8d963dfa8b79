"""Fixtures of the portal tests: a household with a frozen Sembako list and a paid payment, the
lookup tables refreshed from it, the captcha in the library's test mode ("PASSED")."""

from dataclasses import dataclass

import pytest
from django.core.cache import cache
from django.utils import timezone

from conftest import VILLAGE_A

CAPTCHA_OK = {"captcha_0": "test", "captcha_1": "PASSED"}


@pytest.fixture(autouse=True)
def _fresh_limits():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def captcha_test_mode(monkeypatch):
    from captcha.conf import settings as captcha_settings

    monkeypatch.setattr(captcha_settings, "CAPTCHA_TEST_MODE", True)


@dataclass
class Citizen:
    household: object
    nik: str
    kk: str
    name: str


@pytest.fixture
def citizen(db, make_user):
    """Wahyuni Lestari (desil 3) in VILLAGE_A, in the Sembako list of 2026-11, paid."""
    from payments.models import Payment, PaymentCycle
    from portal.refresh import refresh_lookup
    from programs.models import EligibilityRun, Enrollment, Program
    from programs.services import current_rule_set, install_shipped
    from programs.tests.kpm_data import family

    admin = make_user("administrator", username="portal-admin")
    install_shipped()
    fam = family(admin, VILLAGE_A, 40, "Wahyuni Lestari", desil=3)
    household = fam.household
    program = Program.objects.get(code="sembako")
    run = EligibilityRun.objects.create(
        program=program, rule_set=current_rule_set(program), kind="enrollment", state="frozen",
        period="2026-11", snapshot="test", snapshot_checksum="x", frozen_at=timezone.now())
    enrollment = Enrollment.objects.create(run=run, household=household,
                                           village_code=household.village_id,
                                           status="enrolled", change="new", amount=200_000)
    cycle = PaymentCycle.objects.create(program=program, run=run, period="2026-11", year=2026,
                                        month=11, prepared_by=admin)
    Payment.objects.create(cycle=cycle, program=program, period="2026-11", stage=1,
                           household=household, enrollment=enrollment,
                           village_code=household.village_id, recipient_name="Wahyuni Lestari",
                           nik=fam.niks[0], amount=200_000, status="credited")
    refresh_lookup()
    kk = household.families.get().kk_number
    return Citizen(household, fam.niks[0], kk, "Wahyuni Lestari")


def lookup(client, **fields):
    data = {"village": VILLAGE_A, "name": "", "nik": ""} | CAPTCHA_OK | fields
    return client.post("/cekbansos/", data, REMOTE_ADDR=fields.pop("addr", "10.0.0.1"))
