"""The registration pages as the officials of one regency use them: a village's full cycle from
self-registration to penetapan through the web, refusals shown as 403 or as messages, and a
returned submission's reason shown to the regency and the village."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import Role
from conftest import VILLAGE_A, VILLAGE_B
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

    url = reverse("registration_period_determine", args=[flow.period.pk])
    preview = client.get(url)
    assert preview.context["preview"].to_apply == 1
    response = client.post(
        url,
        {
            "decree_number": "KEPMENSOS 1/HUK/2026",
            "fingerprint": preview.context["form"]["fingerprint"].value(),
            "confirm": "on",
        },
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


def test_the_verifier_attaches_photos_of_the_house_to_the_visit(web, flow):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from audit.services import Context
    from registration import services

    proposal = flow.propose("new_household", new_household_payload(serial=208))
    flow.through_meeting([proposal])
    visit = services.assign_visits(Context(flow.kabupaten), [proposal], flow.verifier)[0]
    photos = [
        SimpleUploadedFile(f"rumah-{i}.jpg", b"\xff\xd8\xff" + bytes([i]), "image/jpeg")
        for i in range(2)
    ]
    data = visit_form({}, result=2) | {"photos": photos}
    response = web(flow.verifier).post(reverse("registration_visit_record", args=[visit.pk]), data)
    assert response.status_code == 302
    assert visit.photos.count() == 2


def test_proposals_of_another_village_are_not_found(web, flow, make_user):
    proposal = flow.propose("new_household", new_household_payload(serial=207))
    other = make_user(Role.OPERATOR_DESA, "32.01.01.1002")
    response = web(other).get(reverse("registration_proposal_detail", args=[proposal.pk]))
    assert response.status_code == 404


# --- proposals about an existing household or member ---------------------------------------


def registry_household(make_household, village: str = VILLAGE_A) -> Household:
    return make_household(village=village, nik=nik(301), kk="3201010101200001")


def member_post(serial: int, **extra) -> dict:
    data = {
        "m-nik": nik(serial),
        "m-name": "Rina Marlina",
        "m-sex": "P",
        "m-birth_date": "2015-06-01",
        "m-relation_to_household_head": "3",
        "m-relation_to_family_head": "3",
        "m-marital_status": "1",
    }
    return data | extra


def household_change_cases(household: Household) -> list[tuple[str, dict, dict]]:
    """(kind, form data, the payload the service must receive)."""
    return [
        (
            "deactivate",
            {"reason": "not_eligible", "note": "Sudah mampu"},
            {"reason": "not_eligible", "note": "Sudah mampu"},
        ),
        (
            "move_household",
            {"village_code": VILLAGE_B, "address": "Jl. Baru 5", "rt": "2", "rw": ""},
            {"village_code": VILLAGE_B, "address": "Jl. Baru 5", "rt": "002", "rw": ""},
        ),
        (
            "add_member",
            {"family": "3201010101200001"} | member_post(302),
            {
                "kk_number": "3201010101200001",
                "member": {
                    "nik": nik(302),
                    "name": "Rina Marlina",
                    "sex": "P",
                    "birth_date": "2015-06-01",
                    "relation_to_household_head": 3,
                    "relation_to_family_head": 3,
                    "family_order": 2,
                    "marital_status": 1,
                },
            },
        ),
        (
            "correct_data",
            {"address": "Kp. Sukamaju No. 7", "rt": household.rt, "rw": household.rw},
            {"changes": {"address": "Kp. Sukamaju No. 7"}},
        ),
    ]


def test_the_household_page_offers_its_village_operator_to_propose_changes(
    web, flow, make_household
):
    household = registry_household(make_household)
    page = follow_text(
        web(flow.village_operator()).get(reverse("household_detail", args=[household.pk]))
    )
    for kind in ("add_member", "correct_data", "move_household", "deactivate"):
        assert reverse("registration_household_change", args=[household.pk, kind]) in page


@pytest.mark.parametrize("case", range(4))
def test_each_household_change_form_proposes_a_draft_with_its_payload(
    web, flow, make_household, case
):
    household = registry_household(make_household)
    kind, data, payload = household_change_cases(household)[case]
    client = web(flow.village_operator())
    url = reverse("registration_household_change", args=[household.pk, kind])
    assert client.get(url).status_code == 200
    response = client.post(url, {"source": "rt_rw_dusun"} | data)
    assert response.status_code == 302, follow_text(response)[:3000]
    proposal = Proposal.objects.get()
    assert response["Location"] == reverse("registration_proposal_detail", args=[proposal.pk])
    assert (proposal.kind, proposal.status, proposal.source) == (kind, "draft", "rt_rw_dusun")
    assert (proposal.household, proposal.member, proposal.village_id) == (
        household,
        None,
        VILLAGE_A,
    )
    assert proposal.payload == payload


def test_a_member_can_be_proposed_into_a_new_kk_of_the_household(web, flow, make_household):
    household = registry_household(make_household)
    url = reverse("registration_household_change", args=[household.pk, "add_member"])
    data = {"source": "self_registration", "family": "new", "new_kk_number": "3201010101200002"}
    response = web(flow.village_operator()).post(url, data | member_post(303))
    assert response.status_code == 302, follow_text(response)[:3000]
    payload = Proposal.objects.get().payload
    assert payload["kk_number"] == "3201010101200002"
    assert payload["member"]["family_order"] == 1


def test_a_member_page_proposes_removal_and_correction_of_that_member(web, flow, make_household):
    household = registry_household(make_household)
    member = household.members.get()
    client = web(flow.village_operator())
    page = follow_text(client.get(reverse("member_detail", args=[member.pk])))
    assert reverse("registration_member_change", args=[member.pk, "remove_member"]) in page

    url = reverse("registration_member_change", args=[member.pk, "remove_member"])
    response = client.post(url, {"source": "rt_rw_dusun", "reason": "deceased", "note": ""})
    assert response.status_code == 302, follow_text(response)[:3000]
    removal = Proposal.objects.get()
    assert (removal.kind, removal.member, removal.household) == ("remove_member", member, household)
    assert removal.payload == {"reason": "deceased", "note": ""}

    url = reverse("registration_member_change", args=[member.pk, "correct_data"])
    current = client.get(url).context["form"].initial
    data = {k: v for k, v in current.items() if v is not None} | {
        "source": "self_registration",
        "name": "Budi Santosa",
        "birth_date": "1985-08-13",
    }
    response = client.post(url, data)
    assert response.status_code == 302, follow_text(response)[:3000]
    correction = Proposal.objects.latest("id")
    assert (correction.kind, correction.member) == ("correct_data", member)
    assert correction.payload == {"changes": {"name": "Budi Santosa", "birth_date": "1985-08-13"}}


def test_an_invalid_nik_of_a_new_member_is_shown_next_to_its_field(web, flow, make_household):
    household = registry_household(make_household)
    url = reverse("registration_household_change", args=[household.pk, "add_member"])
    data = {"source": "self_registration", "family": "3201010101200001"}
    response = web(flow.village_operator()).post(url, data | member_post(304, **{"m-nik": "1234"}))
    assert response.status_code == 400
    assert "nik" in response.context["member_form"].errors
    assert not Proposal.objects.exists()


def test_a_correction_that_changes_nothing_is_refused(web, flow, make_household):
    household = registry_household(make_household)
    url = reverse("registration_household_change", args=[household.pk, "correct_data"])
    data = {"source": "self_registration", "address": household.address}
    data |= {"rt": household.rt, "rw": household.rw}
    response = web(flow.village_operator()).post(url, data)
    assert response.status_code == 400
    assert response.context["form"].non_field_errors()
    assert not Proposal.objects.exists()


def test_an_operator_of_another_village_cannot_propose_changes_to_a_household(
    web, flow, make_household
):
    household = registry_household(make_household)
    member = household.members.get()
    client = web(flow.village_operator(VILLAGE_B))
    for kind in ("add_member", "correct_data", "move_household", "deactivate"):
        url = reverse("registration_household_change", args=[household.pk, kind])
        assert client.get(url).status_code == 404, kind
        assert client.post(url, {"source": "self_registration"}).status_code == 404, kind
    for kind in ("remove_member", "correct_data"):
        url = reverse("registration_member_change", args=[member.pk, kind])
        assert client.post(url, {"source": "self_registration"}).status_code == 404, kind
    assert not Proposal.objects.exists()


def test_a_returned_proposal_is_revised_on_the_web_and_goes_back_with_its_submission(
    web, flow, make_household
):
    from audit.services import Context
    from registration import services

    household = registry_household(make_household)
    client = web(flow.village_operator())
    url = reverse("registration_household_change", args=[household.pk, "move_household"])
    data = {"source": "self_registration", "village_code": VILLAGE_B, "address": "Jl. Lama 1"}
    client.post(url, data)
    proposal = Proposal.objects.get()
    flow.through_meeting([proposal])
    flow.verify([proposal])
    submission = flow.compile()
    flow.ratify(submission)
    reason = "Alamat tujuan tidak lengkap"
    services.return_submission(Context(flow.provinsi), submission, reason)
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.RETURNED

    page = client.get(reverse("registration_proposal_detail", args=[proposal.pk]))
    revise_url = reverse("registration_proposal_revise", args=[proposal.pk])
    assert reason in follow_text(page) and revise_url in follow_text(page)
    form = client.get(revise_url).context["form"]
    assert form.initial["address"] == "Jl. Lama 1"
    data = {"village_code": VILLAGE_B, "address": "Jl. Lama 1 No. 3", "rt": "4", "rw": "2"}
    response = client.post(revise_url, data)
    assert response.status_code == 302, follow_text(response)[:3000]
    proposal.refresh_from_db()
    assert proposal.payload == {
        "village_code": VILLAGE_B,
        "address": "Jl. Lama 1 No. 3",
        "rt": "004",
        "rw": "002",
    }

    url = reverse("registration_submission_action", args=[submission.pk, "resubmit"])
    response = web(flow.kabupaten).post(url, follow=True)
    assert "Resubmitted" in follow_text(response)
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.COMPILED
    page = web(flow.village_operator()).get(revise_url, follow=True)
    assert "cannot be changed now" in follow_text(page)


def test_the_xlsform_downloads_as_an_xlsx_with_a_survey_sheet(web, flow):
    import io

    from openpyxl import load_workbook

    page = follow_text(web(flow.verifier).get(reverse("registration_visit_list")))
    assert reverse("registration_xlsform") in page
    assert reverse("registration_import_upload", args=["odk"]) in page
    assert reverse("registration_import_upload", args=["package"]) in page
    response = web(flow.verifier).get(reverse("registration_xlsform"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert ".xlsx" in response["Content-Disposition"]
    workbook = load_workbook(io.BytesIO(response.content))
    assert "survey" in workbook.sheetnames
