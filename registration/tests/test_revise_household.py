"""A new-household proposal is corrected like the other kinds: as a draft, and after it was
returned, through the web; what the form does not show (from an import) is kept."""

import pytest
from django.urls import reverse

from audit.models import Event
from audit.services import Context
from registration import services
from registration.models import ProposalStatus
from registration.tests.conftest import member, new_household_payload, nik, page_text

pytestmark = pytest.mark.django_db


def revise_data(proposal, **changes) -> dict:
    """The revise form as it comes filled from the proposal, with `changes` applied."""
    data = {"address": proposal.payload["address"], "rt": "1", "rw": "3"}
    for fi, family in enumerate(proposal.payload["families"]):
        data[f"f{fi}-kk_number"] = family["kk_number"]
        members = family["members"]
        data |= {
            f"f{fi}-m-TOTAL_FORMS": str(len(members)),
            f"f{fi}-m-INITIAL_FORMS": str(len(members)),
            f"f{fi}-m-MIN_NUM_FORMS": "1",
            f"f{fi}-m-MAX_NUM_FORMS": "1000",
        }
        for mi, m in enumerate(members):
            for key in (
                "nik",
                "name",
                "sex",
                "birth_date",
                "relation_to_household_head",
                "relation_to_family_head",
                "marital_status",
            ):
                data[f"f{fi}-m-{mi}-{key}"] = str(m[key])
    return data | changes


def test_the_draft_page_offers_the_change_and_the_form_starts_from_the_proposal(web, flow):
    proposal = flow.propose("new_household", new_household_payload(serial=401))
    client = web(flow.village_operator())
    page = page_text(client.get(reverse("registration_proposal_detail", args=[proposal.pk])))
    url = reverse("registration_proposal_revise", args=[proposal.pk])
    assert url in page
    response = client.get(url)
    assert response.status_code == 200
    [(kk, members)] = response.context["families"]
    assert kk["kk_number"].value() == "3201010202210001"
    assert members.forms[0]["name"].value() == "Siti Aminah"
    assert members.forms[0]["birth_date"].value() == "1990-03-04"


def test_a_draft_is_corrected_a_member_added_and_imported_details_kept(web, flow):
    payload = new_household_payload(serial=402)
    payload["families"][0]["members"][0] |= {"birth_place": "Bogor", "attributes": {"education": 3}}
    payload["answers"] = {"floor_area_m2": 30}
    proposal = flow.propose("new_household", payload)
    client = web(flow.village_operator())
    url = reverse("registration_proposal_revise", args=[proposal.pk])

    data = revise_data(proposal, **{"f0-m-0-name": "Siti Aminah Putri", "address": "Kp. Baru 2"})
    data |= {"add_member": "0"}
    page = client.post(url, data)  # one more row, nothing saved yet
    assert page.status_code == 200
    assert page.context["families"][0][1].total_form_count() == 2
    data.pop("add_member")
    data |= {"f0-m-TOTAL_FORMS": "2"} | {
        f"f0-m-1-{k}": str(v)
        for k, v in member(403, "Ujang", relation_to_household_head=3).items()
        if k != "family_order"
    }
    response = client.post(url, data)
    assert response.status_code == 302, page_text(response)[:3000]

    proposal.refresh_from_db()
    head, son = proposal.payload["families"][0]["members"]
    assert proposal.payload["address"] == "Kp. Baru 2"
    assert (head["name"], head["birth_place"], head["attributes"]) == (
        "Siti Aminah Putri",
        "Bogor",
        {"education": 3},
    )
    assert (son["nik"], son["family_order"]) == (nik(403), 2)
    assert proposal.payload["answers"] == {"floor_area_m2": 30}
    assert sorted(proposal.niks.values_list("nik", flat=True)) == sorted([nik(402), nik(403)])
    assert Event.objects.filter(action="registration.proposal.revise").count() == 1


def test_a_member_is_taken_out_of_a_draft(web, flow):
    payload = new_household_payload(serial=404)
    payload["families"][0]["members"].append(member(405, "Ujang", relation_to_household_head=3))
    proposal = flow.propose("new_household", payload)
    url = reverse("registration_proposal_revise", args=[proposal.pk])
    response = web(flow.village_operator()).post(
        url, revise_data(proposal, **{"f0-m-1-DELETE": "on"})
    )
    assert response.status_code == 302, page_text(response)[:3000]
    proposal.refresh_from_db()
    assert [m["nik"] for m in proposal.payload["families"][0]["members"]] == [nik(404)]


def test_an_invalid_nik_is_shown_next_to_its_field_and_nothing_changes(web, flow):
    proposal = flow.propose("new_household", new_household_payload(serial=406))
    url = reverse("registration_proposal_revise", args=[proposal.pk])
    response = web(flow.village_operator()).post(
        url, revise_data(proposal, **{"f0-m-0-nik": "1234"})
    )
    assert response.status_code == 400
    assert "nik" in response.context["families"][0][1].forms[0].errors
    proposal.refresh_from_db()
    assert proposal.payload == new_household_payload(serial=406)


def test_a_household_of_two_kks_keeps_both_when_revised(web, flow):
    payload = new_household_payload(serial=407)
    payload["families"].append(
        {"kk_number": "3201010202210002", "members": [member(408, "Asep", family_order=1)]}
    )
    proposal = flow.propose("new_household", payload)
    url = reverse("registration_proposal_revise", args=[proposal.pk])
    data = revise_data(proposal, **{"f1-m-0-name": "Asep Sunandar"})
    response = web(flow.village_operator()).post(url, data)
    assert response.status_code == 302, page_text(response)[:3000]
    proposal.refresh_from_db()
    families = proposal.payload["families"]
    assert [f["kk_number"] for f in families] == ["3201010202210001", "3201010202210002"]
    assert families[1]["members"][0]["name"] == "Asep Sunandar"


def test_a_returned_new_household_is_fixed_on_the_web_and_goes_back_up(web, flow):
    proposal = flow.propose("new_household", new_household_payload(serial=409))
    flow.through_meeting([proposal])
    flow.verify([proposal])
    submission = flow.compile()
    flow.ratify(submission)
    services.return_submission(Context(flow.provinsi), submission, "Alamat tidak lengkap")
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.RETURNED

    client = web(flow.village_operator())
    url = reverse("registration_proposal_revise", args=[proposal.pk])
    page = page_text(client.get(reverse("registration_proposal_detail", args=[proposal.pk])))
    assert url in page
    response = client.post(url, revise_data(proposal, address="Kp. Sukamaju RT 01 No. 9"))
    assert response.status_code == 302, page_text(response)[:3000]
    services.resubmit(Context(flow.kabupaten), submission)
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.COMPILED
    assert proposal.payload["address"] == "Kp. Sukamaju RT 01 No. 9"


def test_a_submitted_proposal_is_no_longer_changed(web, flow):
    proposal = flow.propose("new_household", new_household_payload(serial=410))
    services.submit(Context(flow.village_operator()), proposal)
    client = web(flow.village_operator())
    url = reverse("registration_proposal_revise", args=[proposal.pk])
    assert url not in page_text(
        client.get(reverse("registration_proposal_detail", args=[proposal.pk]))
    )
    response = client.post(url, revise_data(proposal, address="Lain"), follow=True)
    assert "cannot be changed now" in page_text(response)
    proposal.refresh_from_db()
    assert proposal.payload["address"] == "Kp. Sukamaju RT 01"
