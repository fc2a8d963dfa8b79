"""A data-protection officer and a person in the registry whom the programs have decided about:
head of a household in Cibinong, matched (padan) with Dukcapil, in desil 2, with the shipped
programs installed."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import Role
from audit.services import Context
from civil.models import MemberMatch
from conftest import VILLAGE_A
from privacy import services
from programs.services import install_shipped
from ranking.models import HouseholdScore
from ranking.services import current_model

NIK = "3201011208850003"


@pytest.fixture(autouse=True)
def var_dir(settings, tmp_path):
    settings.VAR_DIR = tmp_path / "var"
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.VAR_DIR


@pytest.fixture
def officer(make_user):
    return make_user(Role.DPO, None, username="ppdp", first_name="Rina", last_name="Wulandari")


@pytest.fixture
def person(make_user, make_household):
    """The head of an assessed household: (household, member)."""
    admin = make_user(Role.ADMINISTRATOR)
    household = make_household(VILLAGE_A, actor=admin, nik=NIK, name="Budi Santoso")
    member = household.members.get()
    MemberMatch.objects.create(member=member, run_ref="run-2026-11", status="padan",
                               matched_at=timezone.now())
    HouseholdScore.objects.create(household=household, model=current_model(), run_ref="t",
                                  province="32", score=10.0, desil_national=2, desil_province=2,
                                  scored_at=timezone.now())
    install_shipped()
    return household, member


@pytest.fixture
def receive(officer):
    def make(kind: str = "access", nik: str = NIK, hours_ago: float = 1, **extra):
        values = {"requester_name": "Budi Santoso", "requester_relation": "self",
                  "identity_checked": True} | extra
        return services.receive_request(
            Context(actor=officer), kind, nik,
            received_at=timezone.now() - timedelta(hours=hours_ago), **values)

    return make


def row_of(html: str, text: str) -> str:
    """The table row (<tr ...>...</tr>) that shows `text`."""
    start = html.rindex("<tr", 0, html.index(text))
    return html[start:html.index("</tr>", start)]
