"""Saving a proposal is idempotent: the same form saved twice (back, then save again) makes one
proposal, and a second identical proposal is refused while the first is still open, with a
message naming it."""

import pytest
from django.urls import reverse

from audit.services import Context
from conftest import VILLAGE_A
from registration import services
from registration.models import Proposal
from registration.tests.conftest import new_household_payload, nik, page_text
from registration.tests.test_views import proposal_form

pytestmark = pytest.mark.django_db


def fresh_form(client) -> dict:
    """The create form as a browser gets it: its one-time token with the fields filled."""
    page = client.get(reverse("registration_proposal_create"))
    return proposal_form(serial=601) | {"form_token": page.context["form"]["form_token"].value()}


def test_the_same_form_saved_twice_makes_one_proposal(web, flow):
    client = web(flow.village_operator())
    data = fresh_form(client)
    first = client.post(reverse("registration_proposal_create"), data)
    assert first.status_code == 302
    again = client.post(reverse("registration_proposal_create"), data, follow=True)
    assert Proposal.objects.count() == 1
    proposal = Proposal.objects.get()
    assert again.redirect_chain[-1][0] == reverse(
        "registration_proposal_detail", args=[proposal.pk]
    )
    assert f"already saved as proposal #{proposal.pk}" in page_text(again)


def test_a_fresh_form_with_the_same_content_is_refused_while_the_first_is_open(web, flow):
    client = web(flow.village_operator())
    client.post(reverse("registration_proposal_create"), fresh_form(client))
    first = Proposal.objects.get()
    response = client.post(reverse("registration_proposal_create"), fresh_form(client), follow=True)
    assert Proposal.objects.count() == 1
    text = page_text(response)
    assert f"An identical proposal is already open: #{first.pk} (Draft)" in text
    assert "Nothing new was saved" in text


def test_once_withdrawn_the_same_proposal_can_be_made_again(web, flow):
    client = web(flow.village_operator())
    client.post(reverse("registration_proposal_create"), fresh_form(client))
    services.withdraw(Context(flow.village_operator()), Proposal.objects.get())
    response = client.post(reverse("registration_proposal_create"), fresh_form(client))
    assert response.status_code == 302
    assert Proposal.objects.count() == 2


def test_a_proposal_differing_in_one_value_is_a_new_proposal(flow):
    flow.propose("new_household", new_household_payload(serial=602))
    other = new_household_payload(serial=602) | {"address": "Kp. Sukamaju RT 02"}
    flow.propose("new_household", other)
    assert Proposal.objects.count() == 2


def test_the_service_refuses_an_identical_open_proposal_naming_it(flow):
    first = flow.propose("new_household", new_household_payload(serial=603))
    with pytest.raises(services.AlreadyProposed) as error:
        flow.propose("new_household", new_household_payload(serial=603))
    assert error.value.proposal == first and not error.value.same_form
    assert f"#{first.pk}" in error.value.messages[0]


def test_a_change_form_saved_twice_makes_one_proposal(web, flow, make_household):
    household = make_household(nik=nik(604), kk="3201010101200604")
    client = web(flow.village_operator())
    url = reverse("registration_household_change", args=[household.pk, "deactivate"])
    token = client.get(url).context["form"]["form_token"].value()
    data = {"source": "rt_rw_dusun", "reason": "not_eligible", "note": "", "form_token": token}
    assert client.post(url, data).status_code == 302
    again = client.post(url, data, follow=True)
    assert Proposal.objects.count() == 1
    assert "already saved as proposal" in page_text(again)
    token = client.get(url).context["form"]["form_token"].value()
    refused = client.post(url, data | {"form_token": token}, follow=True)
    assert Proposal.objects.count() == 1
    assert "An identical proposal is already open" in page_text(refused)


def test_another_users_form_token_does_not_reveal_their_proposal(web, flow):
    client = web(flow.village_operator())
    data = fresh_form(client)
    client.post(reverse("registration_proposal_create"), data)
    other = web(flow.kabupaten)
    response = other.post(reverse("registration_proposal_create"), data | {"village": VILLAGE_A})
    assert response.status_code == 400
    assert "This form has expired" in page_text(response)
    assert Proposal.objects.count() == 1
