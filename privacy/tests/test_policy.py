"""Who may do the data-protection officer's work (accounts.policy): the officer (Pejabat
Pelindungan Data Pribadi) and the administrator, nationally; the program officers answer
objections; nobody else opens these pages."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from audit.services import Context
from conftest import VILLAGE_A
from privacy import services
from registration import services as registration
from registration.models import Kind, ProposalSource

from .conftest import NIK

pytestmark = pytest.mark.django_db

PAGES = ["privacy:dashboard", "privacy:request_new", "privacy:breach_list", "privacy:retention"]


def test_the_role_is_called_pejabat_pelindungan_data_pribadi(officer):
    assert officer.get_role_display() == "Pejabat Pelindungan Data Pribadi"


@pytest.mark.parametrize("role", [Role.DPO, Role.ADMINISTRATOR])
def test_the_officer_and_the_administrator_open_every_privacy_page(client, make_user, role):
    client.force_login(make_user(role))
    for page in PAGES:
        assert client.get(reverse(page)).status_code == 200, page


@pytest.mark.parametrize("role,region", [
    (Role.OPERATOR_DESA, VILLAGE_A), (Role.OPERATOR_KABUPATEN, "32.01"), (Role.PUSAT, None),
    (Role.PROGRAM_MANAGER, None), (Role.AUDITOR, None), (Role.PEKERJA_SOSIAL, "32.01"),
])
def test_no_other_role_opens_the_privacy_pages(client, make_user, role, region):
    client.force_login(make_user(role, region))
    for page in PAGES:
        assert client.get(reverse(page)).status_code == 403, (role, page)


def test_an_officer_bound_to_a_region_cannot_take_requests(make_user):
    """A bundle must see every region: an officer account bound to one region may not."""
    regional = make_user(Role.DPO, "32.01")
    with pytest.raises(PermissionDenied):
        services.receive_request(Context(actor=regional), "access", NIK, "Budi", "self",
                                 timezone.now())


def test_the_officer_proposes_only_a_data_subjects_correction(officer, person):
    household, member = person
    with pytest.raises(PermissionDenied):
        registration.propose(Context(actor=officer), Kind.DEACTIVATE, ProposalSource.COMPLAINT,
                             VILLAGE_A, {"reason": "moved"}, household=household)
    with pytest.raises(PermissionDenied):
        registration.propose(Context(actor=officer), Kind.CORRECT_DATA,
                             ProposalSource.SELF_REGISTRATION, VILLAGE_A,
                             {"changes": {"birth_place": "Bogor"}}, member=member)


def test_a_program_officer_sees_objections_but_not_requests(client, make_user):
    client.force_login(make_user(Role.PROGRAM_MANAGER))
    assert client.get(reverse("privacy:objection_list")).status_code == 200
    assert client.get(reverse("privacy:dashboard")).status_code == 403


def test_the_navbar_leads_each_role_to_its_page(client, make_user, officer):
    client.force_login(officer)
    assert reverse("privacy:dashboard") in client.get(reverse("home")).content.decode()
    client.force_login(make_user(Role.PROGRAM_MANAGER))
    assert reverse("privacy:objection_list") in client.get(reverse("home")).content.decode()
    client.force_login(make_user(Role.OPERATOR_DESA, VILLAGE_A))
    assert "/privasi/" not in client.get(reverse("home")).content.decode()
