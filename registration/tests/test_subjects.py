"""A proposal about one member says which member, wherever it appears: its page, the musdes
agenda and decisions, the Berita Acara, the verification visit. The NIK is masked as on every
list (registry.identity.mask_nik: first and last four digits)."""

from datetime import date

import pytest
from django.urls import reverse

from accounts.models import Role
from audit.services import Context
from conftest import VILLAGE_A
from registration import services
from registration.models import Kind
from registration.pdf import berita_acara_context, berita_acara_html
from registration.tests.conftest import nik, page_text
from registry import services as registry
from registry.identity import mask_nik

pytestmark = pytest.mark.django_db

KK = "3201010101200001"
CHILD_NIK = nik(302, born=date(2015, 6, 1), sex="P")


@pytest.fixture
def child(make_household, make_user):
    """Rina, the daughter in Budi Santoso's household."""
    household = make_household(nik=nik(301), kk=KK, name="Budi Santoso")
    data = registry.MemberData(
        nik=CHILD_NIK,
        name="Rina Marlina",
        sex="P",
        birth_date=date(2015, 6, 1),
        relation_to_household_head=3,
        relation_to_family_head=3,
        family_order=2,
        marital_status=1,
    )
    return registry.add_member(Context(make_user(Role.ADMINISTRATOR)), household, KK, data)


@pytest.fixture
def removal(flow, child):
    payload = {"reason": "moved", "note": "Menikah, ikut suami"}
    return flow.propose(Kind.REMOVE_MEMBER, payload, member=child, household=child.household)


def test_the_proposal_page_names_the_member_with_the_nik_masked(web, flow, removal):
    page = page_text(
        web(flow.village_operator()).get(reverse("registration_proposal_detail", args=[removal.pk]))
    )
    subject = page.split('id="proposal-subject"')[1].split("</div>")[0]
    assert "Member" in subject and "Rina Marlina" in subject
    assert mask_nik(CHILD_NIK) in subject
    assert CHILD_NIK not in page
    assert reverse("member_detail", args=[removal.member_id]) in subject


def test_a_household_proposal_names_the_head_of_household(web, flow, child):
    household = child.household
    deactivation = flow.propose(
        Kind.DEACTIVATE, {"reason": "not_eligible", "note": ""}, household=household
    )
    page = page_text(
        web(flow.village_operator()).get(
            reverse("registration_proposal_detail", args=[deactivation.pk])
        )
    )
    subject = page.split('id="proposal-subject"')[1].split("</div>")[0]
    assert "Head of household" in subject and "Budi Santoso" in subject
    assert mask_nik(nik(301)) in subject and mask_nik(KK) in subject


def test_the_musdes_agenda_and_its_decisions_name_the_member(web, flow, removal):
    operator = flow.village_operator()
    ctx = Context(operator)
    meeting = services.open_meeting(
        ctx, VILLAGE_A, date(2026, 10, 5), "Balai desa", [{"name": "Kades", "role": "head"}]
    )
    services.submit(ctx, removal)
    url = reverse("registration_meeting_detail", args=[meeting.pk])
    agenda = page_text(web(operator).get(url)).split(f'id="agenda-{removal.pk}"')[1]
    agenda = agenda.split("</li>")[0]
    assert "Rina Marlina" in agenda and mask_nik(CHILD_NIK) in agenda

    services.record_decision(ctx, meeting, removal, "accept")
    services.close_meeting(ctx, meeting)
    decided = page_text(web(operator).get(url)).split(f'id="decided-{removal.pk}"')[1]
    assert "Rina Marlina" in decided.split("</li>")[0]


def test_the_berita_acara_names_the_member_with_the_nik_masked(flow, removal):
    flow.through_meeting([removal])
    meeting = removal.decisions.get().meeting
    operator = flow.village_operator()
    [row] = berita_acara_context(meeting, operator)["proposal_rows"]
    assert (row["name"], row["nik"], row["is_member"]) == (
        "Rina Marlina",
        mask_nik(CHILD_NIK),
        True,
    )
    assert row["address"] == "Jl. Mawar No. 1"  # the household's, for a proposal without one
    html = berita_acara_html(meeting, operator)
    assert "Rina Marlina" in html and mask_nik(CHILD_NIK) in html
    assert CHILD_NIK not in html


def test_the_verification_visit_names_the_member(web, flow, removal):
    flow.through_meeting([removal])
    [visit] = services.assign_visits(Context(flow.kabupaten), [removal], flow.verifier)
    page = page_text(web(flow.verifier).get(reverse("registration_visit_record", args=[visit.pk])))
    subject = page.split('id="proposal-subject"')[1].split("</div>")[0]
    assert "Rina Marlina" in subject and mask_nik(CHILD_NIK) in subject
    listed = page_text(web(flow.verifier).get(reverse("registration_visit_list")))
    assert "Rina Marlina" in listed.split(f'id="visit-{visit.pk}"')[1].split("</tr>")[0]
