"""The flow's lists name who each proposal is about (head or member, NIK and KK masked, the
village), are searched by name prefix, NIK or KK, and page through every row (no cut at 200)."""

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import VILLAGE_A, VILLAGE_B
from registration.models import Kind, Proposal, ProposalStatus
from registration.tests.conftest import new_household_payload, nik, page_text
from registry.identity import mask_nik

pytestmark = pytest.mark.django_db
KK = "3201010202210001"  # the KK of new_household_payload


def many_drafts(flow, n: int, village: str = VILLAGE_A) -> None:
    """`n` new-household drafts, written at once (as an import does)."""
    now, operator = timezone.now(), flow.village_operator(village)
    Proposal.objects.bulk_create(
        Proposal(
            kind=Kind.NEW_HOUSEHOLD,
            source="self_registration",
            village_id=village,
            payload=new_household_payload(serial=1000 + i, name=f"Warga {i:03d}"),
            status_since=now,
            created_by=operator,
        )
        for i in range(n)
    )


def rows(response) -> list[Proposal]:
    return [row["p"] for row in response.context["rows"]]


def test_the_proposal_list_shows_head_masked_nik_and_kk_and_village(web, flow):
    proposal = flow.propose(Kind.NEW_HOUSEHOLD, new_household_payload(serial=801))
    page = page_text(web(flow.village_operator()).get(reverse("registration_proposal_list")))
    row = page.split(f'id="proposal-{proposal.pk}"')[1].split("</tr>")[0]
    assert "Siti Aminah" in row
    assert mask_nik(nik(801)) in row and mask_nik(KK) in row
    assert proposal.village.name in row
    assert nik(801) not in page and KK not in page


def test_more_than_200_proposals_page_by_50_to_the_last(web, flow):
    many_drafts(flow, 205)
    client = web(flow.village_operator())
    first = client.get(reverse("registration_proposal_list"))
    assert len(rows(first)) == 50
    assert "Rows 1–50 of 205" in page_text(first)
    assert 'rel="next"' in page_text(first)
    last = client.get(reverse("registration_proposal_list"), {"page": 5})
    assert len(rows(last)) == 5 and "Rows 201–205 of 205" in page_text(last)
    assert 'rel="next"' not in page_text(last)
    seen = {
        p.pk
        for page in range(1, 6)
        for p in rows(client.get(reverse("registration_proposal_list"), {"page": page}))
    }
    assert len(seen) == 205


def test_the_page_links_keep_the_filters(web, flow):
    many_drafts(flow, 60)
    response = web(flow.village_operator()).get(
        reverse("registration_proposal_list"), {"status": "draft", "q": "warga"}
    )
    assert "?status=draft&amp;q=warga&amp;page=2" in page_text(response)


def test_search_by_name_prefix_nik_and_kk(web, flow):
    siti = flow.propose(Kind.NEW_HOUSEHOLD, new_household_payload(serial=802))
    tuti = flow.propose(Kind.NEW_HOUSEHOLD, new_household_payload(serial=803, name="Tuti Alawiyah"))
    client = web(flow.village_operator())
    url = reverse("registration_proposal_list")
    assert rows(client.get(url, {"q": "tuti"})) == [tuti]
    assert rows(client.get(url, {"q": "Siti Am"})) == [siti]
    assert rows(client.get(url, {"q": nik(803)})) == [tuti]
    assert set(rows(client.get(url, {"q": KK}))) == {siti, tuti}
    assert rows(client.get(url, {"q": "aminah"})) == []  # a prefix, as in the registry search


def test_search_finds_proposals_about_registry_households_by_their_members(
    web, flow, make_household
):
    household = make_household(nik=nik(804), kk="3201010101200804", name="Budi Santoso")
    proposal = flow.propose(
        Kind.DEACTIVATE, {"reason": "not_eligible", "note": ""}, household=household
    )
    client = web(flow.village_operator())
    url = reverse("registration_proposal_list")
    for text in ("budi", nik(804), "3201010101200804"):
        assert rows(client.get(url, {"q": text})) == [proposal], text


def test_a_number_that_is_not_16_digits_is_explained(web, flow):
    flow.propose(Kind.NEW_HOUSEHOLD, new_household_payload(serial=805))
    response = web(flow.village_operator()).get(
        reverse("registration_proposal_list"), {"q": "320101"}
    )
    assert rows(response) == []
    assert "16 digits; 6 were given" in page_text(response)


def test_the_list_stays_within_the_users_village(web, flow):
    many_drafts(flow, 3, village=VILLAGE_B)
    mine = flow.propose(Kind.NEW_HOUSEHOLD, new_household_payload(serial=806))
    response = web(flow.village_operator()).get(reverse("registration_proposal_list"))
    assert rows(response) == [mine]


def test_the_visit_assignment_list_is_searched_and_paged(web, flow):
    many_drafts(flow, 55)
    Proposal.objects.update(status=ProposalStatus.PRELIST_FINAL)
    client = web(flow.kabupaten)
    url = reverse("registration_visit_assign")
    first = client.get(url)
    assert len(rows(first)) == 50 and "Rows 1–50 of 55" in page_text(first)
    found = client.get(url, {"q": nik(1054)})
    [target] = rows(found)
    assert "Warga 054" in page_text(found)
    query = f"?q={nik(1054)}"
    response = client.post(url + query, {"proposals": [target.pk], "enumerator": flow.verifier.pk})
    assert response.status_code == 302 and response["Location"].endswith(query)
    target.refresh_from_db()
    assert target.status == ProposalStatus.VISIT_ASSIGNED


def test_the_submission_lists_its_proposals_with_who_they_are_about(web, flow):
    proposal = flow.propose(Kind.NEW_HOUSEHOLD, new_household_payload(serial=807))
    flow.through_meeting([proposal])
    flow.verify([proposal])
    submission = flow.compile()
    page = page_text(
        web(flow.provinsi).get(reverse("registration_submission_detail", args=[submission.pk]))
    )
    row = page.split(f'id="proposal-{proposal.pk}"')[1].split("</tr>")[0]
    assert "Siti Aminah" in row and mask_nik(nik(807)) in row
