"""The registration pages as the officials of one regency use them: a village's full cycle from
self-registration to penetapan through the web, refusals shown as 403 or as messages, and a
returned submission's reason shown to the regency and the village."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import Role
from conftest import VILLAGE_A
from registration.models import Proposal, ProposalStatus, Submission, SubmissionStatus
from registration.tests.conftest import new_household_payload, nik
from registry.models import Household, Member

pytestmark = pytest.mark.django_db


@pytest.fixture
def web(client):
    """The test client showing pages in English (assertions do not depend on catalogs)."""
    client.post(reverse("set_language"), {"language": "en"})

    def as_user(user):
        client.force_login(user)
        return client

    return as_user


def proposal_form(serial: int = 201, name: str = "Siti Aminah", **extra) -> dict:
    data = {
        "source": "self_registration",
        "address": "Kp. Sukamaju",
        "rt": "1",
        "rw": "3",
        "kk_number": "3201010202210001",
        "m-TOTAL_FORMS": "1",
        "m-INITIAL_FORMS": "0",
        "m-MIN_NUM_FORMS": "1",
        "m-MAX_NUM_FORMS": "1000",
        "m-0-nik": nik(serial),
        "m-0-name": name,
        "m-0-sex": "L",
        "m-0-birth_date": "1990-03-04",
        "m-0-relation_to_household_head": "1",
        "m-0-relation_to_family_head": "1",
        "m-0-marital_status": "2",
    }
    return data | extra


def visit_form(answers: dict, result: int = 1) -> dict:
    data = {
        "result": str(result),
        "visited_at": "2026-10-12T09:00",
        "latitude": "-6.48",
        "longitude": "106.84",
    }
    for key, value in answers.items():
        data[f"q_{key}"] = ("1" if value else "0") if isinstance(value, bool) else str(value)
    return data


def follow_text(response) -> str:
    return response.content.decode()


def propose_and_submit(web, flow) -> Proposal:
    client = web(flow.village_operator())
    response = client.post(reverse("registration_proposal_create"), proposal_form())
    assert response.status_code == 302, response.content.decode()[:2000]
    proposal = Proposal.objects.latest("id")
    response = client.post(
        reverse("registration_proposal_action", args=[proposal.pk, "submit"]), follow=True
    )
    assert "Submitted to the village meeting" in follow_text(response)
    return proposal


def hold_meeting(web, flow, proposal: Proposal) -> None:
    client = web(flow.village_operator())
    response = client.post(
        reverse("registration_meeting_list"),
        {
            "village": VILLAGE_A,
            "held_on": "2026-10-05",
            "place": "Balai desa",
            "participants": "Asep Saepudin; Kepala desa\nEneng; Ketua RT 01",
        },
    )
    assert response.status_code == 302, follow_text(response)[:3000]
    meeting_url = response["Location"]
    page = client.get(meeting_url)
    assert f"#{proposal.pk}" in follow_text(page)
    decide = meeting_url + "putusan/"
    client.post(decide, {"proposal": proposal.pk, "decision": "accept", "note": "Layak"})
    response = client.post(meeting_url + "tutup/", follow=True)
    assert "The meeting was closed" in follow_text(response)


def verify(web, flow, proposal: Proposal) -> None:
    client = web(flow.kabupaten)
    page = client.get(reverse("registration_visit_assign"))
    assert f"#{proposal.pk}" in follow_text(page)
    response = client.post(
        reverse("registration_visit_assign"),
        {
            "proposals": [proposal.pk],
            "enumerator": flow.verifier.pk,
        },
    )
    assert response.status_code == 302, follow_text(response)[:3000]
    client = web(flow.verifier)
    visit = proposal.visits.get()
    assert reverse("registration_visit_record", args=[visit.pk]) in follow_text(
        client.get(reverse("registration_visit_list"))
    )
    response = client.post(
        reverse("registration_visit_record", args=[visit.pk]), visit_form(flow.answers)
    )
    assert response.status_code == 302, follow_text(response)[:3000]


def compile_and_ratify(web, flow) -> Submission:
    client = web(flow.kabupaten)
    response = client.post(reverse("registration_submission_compile"), {"period": flow.period.pk})
    assert response.status_code == 302
    submission = Submission.objects.latest("id")
    decree = SimpleUploadedFile("sk-bupati.pdf", b"%PDF-1.4 decree", "application/pdf")
    response = client.post(
        reverse("registration_submission_action", args=[submission.pk, "ratify"]),
        {"decree_number": "400/123/Kpts/2026", "decree_file": decree},
        follow=True,
    )
    assert "Ratified by the bupati/walikota" in follow_text(response)
    return submission


def test_a_village_full_cycle_through_the_pages_reaches_the_registry_at_penetapan(web, flow):
    households = Household.objects.count()
    proposal = propose_and_submit(web, flow)
    hold_meeting(web, flow, proposal)
    verify(web, flow, proposal)
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.VERIFIED
    submission = compile_and_ratify(web, flow)

    client = web(flow.provinsi)
    url = reverse("registration_submission_action", args=[submission.pk, "forward"])
    assert "Forwarded by the province" in follow_text(client.post(url, follow=True))
    client = web(flow.pusat)
    url = reverse("registration_submission_action", args=[submission.pk, "determine"])
    assert "Accepted by the centre" in follow_text(client.post(url, follow=True))
    assert Household.objects.count() == households
    assert not Member.objects.filter(nik=nik(201)).exists()

    response = client.post(
        reverse("registration_period_determine", args=[flow.period.pk]),
        {"decree_number": "KEPMENSOS 1/HUK/2026"},
        follow=True,
    )
    assert "was determined" in follow_text(response)
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.APPLIED
    assert Household.objects.count() == households + 1
    assert Member.objects.get(nik=nik(201)).household == proposal.applied_household
    page = follow_text(
        web(flow.village_operator()).get(
            reverse("registration_proposal_detail", args=[proposal.pk])
        )
    )
    assert "Applied at penetapan" in page
    assert reverse("household_detail", args=[proposal.applied_household_id]) in page


def test_queues_show_what_waits_for_each_official(web, flow):
    proposal = propose_and_submit(web, flow)
    page = web(flow.village_operator()).get(reverse("registration_queues"))
    queues = {q["queue"].name: q["queue"].count for q in page.context["queues"]}
    assert queues["to_decide"] == 1
    page = web(flow.kabupaten).get(reverse("registration_queues"))
    assert [p["code"] for p in page.context["progress"]] == [VILLAGE_A]
    assert "Submitted to the village meeting: 1" in follow_text(page)
    assert proposal.village_id in follow_text(page)


def test_a_village_operator_cannot_ratify_forward_or_determine(web, flow):
    proposal = propose_and_submit(web, flow)
    hold_meeting(web, flow, proposal)
    verify(web, flow, proposal)
    submission = web(flow.kabupaten).post(
        reverse("registration_submission_compile"), {"period": flow.period.pk}
    )
    submission = Submission.objects.latest("id")
    client = web(flow.village_operator())
    decree = SimpleUploadedFile("sk.pdf", b"%PDF-1.4", "application/pdf")
    for action, data in [
        ("ratify", {"decree_number": "400/1", "decree_file": decree}),
        ("forward", {}),
        ("determine", {}),
    ]:
        url = reverse("registration_submission_action", args=[submission.pk, action])
        assert client.post(url, data).status_code == 403, action
    url = reverse("registration_period_determine", args=[flow.period.pk])
    assert client.post(url, {"decree_number": "X"}).status_code == 403
    submission.refresh_from_db()
    assert (submission.status, submission.decree_number) == (SubmissionStatus.COMPILED, "")
    assert not submission.decree_file
    flow.period.refresh_from_db()
    assert flow.period.status == "open"


def test_a_returned_submission_shows_its_reason_to_the_regency_and_the_village(web, flow):
    proposal = propose_and_submit(web, flow)
    hold_meeting(web, flow, proposal)
    verify(web, flow, proposal)
    submission = compile_and_ratify(web, flow)
    client = web(flow.provinsi)
    url = reverse("registration_submission_action", args=[submission.pk, "return"])
    response = client.post(url, {"reason": "  "})
    assert response.status_code == 400  # the reason is mandatory
    reason = "Berita acara musdes tidak dilampirkan"
    client.post(url, {"reason": reason})

    page = web(flow.kabupaten).get(reverse("registration_submission_detail", args=[submission.pk]))
    assert reason in follow_text(page)
    page = web(flow.village_operator()).get(
        reverse("registration_proposal_detail", args=[proposal.pk])
    )
    assert reason in follow_text(page) and "Returned" in follow_text(page)


def test_an_invalid_nik_is_shown_next_to_its_field_and_nothing_is_saved(web, flow):
    client = web(flow.village_operator())
    data = proposal_form() | {"m-0-nik": "1234"}
    response = client.post(reverse("registration_proposal_create"), data)
    assert response.status_code == 400
    errors = response.context["members"].forms[0].errors
    assert "nik" in errors
    assert not Proposal.objects.exists()


def test_a_nik_already_in_the_registry_is_a_warning_after_save(web, flow, make_household):
    make_household(nik=nik(201), kk="3201010101200009")
    client = web(flow.village_operator())
    response = client.post(reverse("registration_proposal_create"), proposal_form(), follow=True)
    assert response.status_code == 200
    assert "with warnings" in follow_text(response)
    assert "already in the registry" in follow_text(response)


def test_a_refused_transition_is_a_message_not_an_error_page(web, flow):
    proposal = flow.propose("new_household", new_household_payload(serial=205))
    client = web(flow.village_operator())
    url = reverse("registration_proposal_action", args=[proposal.pk, "withdraw"])
    client.post(url)
    response = client.post(
        reverse("registration_proposal_action", args=[proposal.pk, "submit"]), follow=True
    )
    assert response.status_code == 200
    assert "is not allowed" in follow_text(response)


def test_a_visit_with_result_1_needs_the_required_answers(web, flow):
    proposal = flow.propose("new_household", new_household_payload(serial=206))
    flow.through_meeting([proposal])
    from audit.services import Context
    from registration import services

    visit = services.assign_visits(Context(flow.kabupaten), [proposal], flow.verifier)[0]
    client = web(flow.verifier)
    response = client.post(reverse("registration_visit_record", args=[visit.pk]), visit_form({}))
    assert response.status_code == 400
    assert response.context["form"]["q_tenure"].errors
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.VISIT_ASSIGNED


def test_proposals_of_another_village_are_not_found(web, flow, make_user):
    proposal = flow.propose("new_household", new_household_payload(serial=207))
    other = make_user(Role.OPERATOR_DESA, "32.01.01.1002")
    response = web(other).get(reverse("registration_proposal_detail", args=[proposal.pk]))
    assert response.status_code == 404
