"""Who may change a registry record directly. The registry changes through the update flow
(seed 003, UU 13/2011 art. 8: the village proposes, the musdes decides, the Dinas Sosial
verifies, the bupati/walikota ratifies, the Minister determines): village and Dinas Sosial
officers propose (usulan) and the centre's penetapan applies; only the ministry's data centre
edits a record directly."""

from datetime import date

import pytest
from django.urls import reverse

from accounts import policy
from accounts.models import Role
from audit.models import Event
from conftest import VILLAGE_A
from registry.identity import format_nik_for_district
from registry.models import Status

pytestmark = pytest.mark.django_db

OFFICERS = [
    (Role.OPERATOR_DESA, VILLAGE_A),
    (Role.OPERATOR_KABUPATEN, "32.01"),
    (Role.VERIFIER_KABUPATEN, "32.01"),
]


@pytest.fixture
def household(make_household):
    nik = format_nik_for_district("32.01.01", date(1985, 8, 12), "L", 7)
    return make_household(nik=nik, kk="3201010101200007")


def test_only_the_data_centre_and_its_administrator_may_change_records_directly():
    assert policy.PERMISSIONS[policy.CHANGE_REGISTRY] == {Role.PUSAT, Role.ADMINISTRATOR}


@pytest.mark.parametrize(("role", "region"), OFFICERS)
def test_village_and_dinas_sosial_officers_cannot_edit_or_deactivate_a_record_directly(
    client, make_user, household, role, region
):
    member = household.members.get()
    client.force_login(make_user(role, region))
    edit = client.post(
        reverse("household_update", args=[household.pk]),
        {"revision": household.revision, "address": "Jl. Langsung 1", "rt": "", "rw": ""},
    )
    deactivate = client.post(
        reverse("household_status", args=[household.pk]),
        {"status": "inactive", "inactive_reason": "moved"},
    )
    remove = client.post(
        reverse("member_status", args=[member.pk]),
        {"status": "inactive", "inactive_reason": "deceased"},
    )
    assert (edit.status_code, deactivate.status_code, remove.status_code) == (403, 403, 403)
    household.refresh_from_db()
    member.refresh_from_db()
    assert (household.address, household.status, member.status) == (
        "Jl. Mawar No. 1",
        Status.ACTIVE,
        Status.ACTIVE,
    )
    assert not Event.objects.filter(
        action__in=["registry.household.update", "registry.household.status"]
    )


@pytest.mark.parametrize(("role", "region"), OFFICERS)
def test_their_record_pages_lead_to_the_proposal_forms_instead_of_edit_forms(
    client, make_user, household, role, region
):
    member = household.members.get()
    client.force_login(make_user(role, region))
    page = client.get(reverse("household_detail", args=[household.pk])).content.decode()
    assert reverse("household_update", args=[household.pk]) not in page
    assert reverse("household_status", args=[household.pk]) not in page
    card = page.split('id="change-by-proposal"')[1]
    for kind in ("correct_data", "deactivate"):
        assert reverse("registration_household_change", args=[household.pk, kind]) in card

    page = client.get(reverse("member_detail", args=[member.pk])).content.decode()
    assert reverse("member_status", args=[member.pk]) not in page
    card = page.split('id="change-by-proposal"')[1]
    for kind in ("correct_data", "remove_member"):
        assert reverse("registration_member_change", args=[member.pk, kind]) in card


def test_the_data_centre_keeps_the_direct_edit_forms(client, make_user, household):
    client.force_login(make_user(Role.PUSAT))
    page = client.get(reverse("household_detail", args=[household.pk])).content.decode()
    assert reverse("household_update", args=[household.pk]) in page
    assert reverse("household_status", args=[household.pk]) in page


def test_an_inactive_household_offers_no_deactivation_proposal(client, make_user, household):
    from audit.services import Context
    from registry import services

    services.change_status(Context(make_user(Role.PUSAT)), household, Status.INACTIVE, "moved")
    client.force_login(make_user(Role.OPERATOR_DESA, VILLAGE_A))
    page = client.get(reverse("household_detail", args=[household.pk])).content.decode()
    assert reverse("registration_household_change", args=[household.pk, "deactivate"]) not in page
