"""A NIK encodes its holder's sex and birth date: "birth date DDMMYY (women: DD + 40)"
(domain facts; registry/identity.py). A NIK contradicting the sex or birth date recorded with
it is warned about at every stage: the proposal, the musdes agenda, the visit, the regency's
submission and the penetapan preview."""

from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.services import Context
from registration import payloads, services
from registration.models import Kind, Proposal
from registration.tests.conftest import member, new_household_payload, nik, page_text
from registry.identity import mask_nik

pytestmark = pytest.mark.django_db

MALE_NIK = nik(701)  # born 4 March 1990, day 04: a man's NIK


def woman_with_a_mans_nik() -> dict:
    payload = new_household_payload(serial=701)
    payload["families"][0]["members"][0]["sex"] = "P"
    return payload


def codes(warnings) -> list[str]:
    return sorted(w["code"] for w in warnings)


def test_a_womans_nik_has_40_added_to_the_day_of_birth():
    assert nik(1, born=date(1990, 3, 4), sex="P")[6:8] == "44"
    assert payloads.identity_warnings(Kind.NEW_HOUSEHOLD, new_household_payload(serial=702)) == []
    payload = new_household_payload(serial=702)
    payload["families"][0]["members"][0] |= {"nik": nik(702, sex="P"), "sex": "P"}
    assert payloads.identity_warnings(Kind.NEW_HOUSEHOLD, payload) == []


def test_a_nik_contradicting_the_recorded_sex_is_warned_naming_the_person():
    [warning] = payloads.identity_warnings(Kind.NEW_HOUSEHOLD, woman_with_a_mans_nik())
    assert warning["code"] == "nik_sex_mismatch"
    assert warning["field"] == "families[1].members[1].sex"
    assert "Siti Aminah" in warning["message"] and mask_nik(MALE_NIK) in warning["message"]
    assert MALE_NIK not in warning["message"]


def test_a_nik_contradicting_the_birth_date_is_warned():
    payload = new_household_payload(serial=703)
    payload["families"][0]["members"][0]["birth_date"] = "1990-03-05"
    assert codes(payloads.identity_warnings(Kind.NEW_HOUSEHOLD, payload)) == [
        "nik_birth_date_mismatch"
    ]


def test_a_new_member_and_a_correction_of_sex_are_checked(flow, make_household):
    household = make_household(nik=nik(704, born=date(1985, 8, 12)), kk="3201010101200704")
    added = {"kk_number": "3201010101200704", "member": member(705, sex="P")}
    assert codes(payloads.identity_warnings(Kind.ADD_MEMBER, added)) == ["nik_sex_mismatch"]
    head = household.members.get()
    correction = {"changes": {"sex": "P"}}
    assert codes(payloads.identity_warnings(Kind.CORRECT_DATA, correction, head)) == [
        "nik_sex_mismatch"
    ]
    fixed = {"changes": {"sex": "P", "nik": nik(704, born=date(1985, 8, 12), sex="P")}}
    assert payloads.identity_warnings(Kind.CORRECT_DATA, fixed, head) == []


def test_the_warning_is_shown_at_the_proposal_the_meeting_and_the_visit(web, flow):
    proposal = flow.propose(Kind.NEW_HOUSEHOLD, woman_with_a_mans_nik())
    operator = web(flow.village_operator())
    page = page_text(operator.get(reverse("registration_proposal_detail", args=[proposal.pk])))
    assert 'data-warning="nik_sex_mismatch"' in page

    ctx = Context(flow.village_operator())
    meeting = services.open_meeting(ctx, proposal.village_id, date(2026, 10, 5), "Balai", [])
    services.submit(ctx, proposal)
    agenda = page_text(operator.get(reverse("registration_meeting_detail", args=[meeting.pk])))
    assert 'data-warning="nik_sex_mismatch"' in agenda.split(f'id="agenda-{proposal.pk}"')[1]
    services.record_decision(ctx, meeting, proposal, "accept")
    services.close_meeting(ctx, meeting)
    proposal.refresh_from_db()

    [visit] = services.assign_visits(Context(flow.kabupaten), [proposal], flow.verifier)
    page = page_text(web(flow.verifier).get(reverse("registration_visit_record", args=[visit.pk])))
    assert 'data-warning="nik_sex_mismatch"' in page


def test_the_submission_and_the_penetapan_preview_count_the_contradictions(web, flow):
    odd = flow.propose(Kind.NEW_HOUSEHOLD, woman_with_a_mans_nik())
    fine = flow.propose(Kind.NEW_HOUSEHOLD, new_household_payload(serial=706, name="Tuti"))
    flow.through_meeting([odd, fine])
    flow.verify([odd, fine])
    submission = flow.compile()
    page = page_text(
        web(flow.kabupaten).get(reverse("registration_submission_detail", args=[submission.pk]))
    )
    assert "1 proposal has a NIK that contradicts" in page.split('id="identity-warnings"')[1]
    flow.approve(submission)
    response = web(flow.pusat).get(reverse("registration_period_determine", args=[flow.period.pk]))
    assert response.context["preview"].identity_warnings == 1
    assert 'id="identity-warnings"' in page_text(response)


def test_a_proposal_saved_without_stored_warnings_is_still_checked(flow):
    """Whatever made the proposal (an import writes its own warnings) the check runs."""
    proposal = Proposal.objects.create(
        kind=Kind.NEW_HOUSEHOLD,
        source="self_registration",
        village_id="32.01.01.1001",
        payload=woman_with_a_mans_nik(),
        status_since=timezone.now(),
        created_by=flow.village_operator(),
    )
    from registration.selectors import warnings_of

    assert codes(warnings_of(proposal)) == ["nik_sex_mismatch"]
