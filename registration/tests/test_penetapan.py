"""Penetapan is previewed (what will be applied, by kind and region) and confirmed; a period is
not closed while its submissions are still in the approval chain, unless they are carried over
to another open period, where they continue."""

import pytest
from django.urls import reverse

from audit.models import Event
from audit.services import Context
from conftest import VILLAGE_A
from registration import services
from registration.models import Kind, PeriodStatus, ProposalStatus, SubmissionStatus
from registration.tests.conftest import new_household_payload, nik, page_text
from registry.models import Household, Member

pytestmark = pytest.mark.django_db


@pytest.fixture
def accepted(flow, make_household):
    """An accepted submission of two new households and one deactivation."""
    household = make_household(nik=nik(901), kk="3201010101200901")
    proposals = [
        flow.propose(Kind.NEW_HOUSEHOLD, new_household_payload(serial=902)),
        flow.propose(Kind.NEW_HOUSEHOLD, new_household_payload(serial=903, name="Tuti")),
        flow.propose(Kind.DEACTIVATE, {"reason": "moved", "note": ""}, household=household),
    ]
    flow.through_meeting(proposals)
    flow.verify(proposals)
    submission = flow.compile()
    flow.approve(submission)
    return submission


def forwarded_elsewhere(flow):
    """A second submission of the same period, still waiting at the centre."""
    proposal = flow.propose(Kind.NEW_HOUSEHOLD, new_household_payload(serial=904, name="Ujang"))
    flow.through_meeting([proposal])
    flow.verify([proposal])
    submission = flow.compile()
    flow.ratify(submission)
    services.forward(Context(flow.provinsi), submission)
    return submission


def confirm(client, url, **extra):
    preview = client.get(url)
    data = {
        "decree_number": "KEPMENSOS 2/HUK/2026",
        "fingerprint": preview.context["form"]["fingerprint"].value(),
        "confirm": "on",
    }
    return client.post(url, data | extra, follow=True)


def test_the_preview_counts_by_kind_and_regency_and_applies_nothing(web, flow, accepted):
    households = Household.objects.count()
    url = reverse("registration_period_determine", args=[flow.period.pk])
    response = web(flow.pusat).get(url)
    preview = response.context["preview"]
    assert (preview.to_apply, preview.by_kind) == (3, {"deactivate": 1, "new_household": 2})
    assert preview.by_regency == {"32.01": {"deactivate": 1, "new_household": 2}}
    page = page_text(response)
    assert "3 proposals will be applied" in page
    assert "Kabupaten Bogor" in page.split('id="by-region"')[1]
    assert Household.objects.count() == households
    flow.period.refresh_from_db()
    assert flow.period.status == PeriodStatus.OPEN


def test_the_period_list_leads_to_the_preview_not_straight_to_penetapan(web, flow):
    page = page_text(web(flow.pusat).get(reverse("registration_period_list")))
    url = reverse("registration_period_determine", args=[flow.period.pk])
    assert f'href="{url}"' in page and f'action="{url}"' not in page


def test_confirming_applies_exactly_the_preview(web, flow, accepted):
    url = reverse("registration_period_determine", args=[flow.period.pk])
    response = confirm(web(flow.pusat), url)
    assert "was determined" in page_text(response)
    flow.period.refresh_from_db()
    assert (flow.period.status, flow.period.decree_number) == (
        PeriodStatus.DETERMINED,
        "KEPMENSOS 2/HUK/2026",
    )
    assert Member.objects.filter(nik__in=[nik(902), nik(903)]).count() == 2


def test_without_the_confirmation_nothing_is_applied(web, flow, accepted):
    url = reverse("registration_period_determine", args=[flow.period.pk])
    client = web(flow.pusat)
    fingerprint = client.get(url).context["form"]["fingerprint"].value()
    response = client.post(url, {"decree_number": "K/1", "fingerprint": fingerprint})
    assert response.status_code == 400
    assert response.context["form"]["confirm"].errors
    flow.period.refresh_from_db()
    assert flow.period.status == PeriodStatus.OPEN


def test_a_period_that_changed_since_the_preview_is_not_determined(web, flow, accepted):
    url = reverse("registration_period_determine", args=[flow.period.pk])
    client = web(flow.pusat)
    seen = client.get(url).context["form"]["fingerprint"].value()
    later = forwarded_elsewhere(flow)
    services.accept_submission(Context(flow.pusat), later)  # a fourth proposal now
    data = {"decree_number": "K/1", "fingerprint": seen, "confirm": "on"}
    response = client.post(url, data)
    assert response.status_code == 400
    assert "changed since the preview" in page_text(response)
    assert response.context["preview"].to_apply == 4
    assert response.context["form"]["fingerprint"].value() != seen
    flow.period.refresh_from_db()
    assert flow.period.status == PeriodStatus.OPEN


def test_a_period_with_submissions_still_in_the_chain_is_not_closed(web, flow, accepted):
    waiting = forwarded_elsewhere(flow)
    url = reverse("registration_period_determine", args=[flow.period.pk])
    client = web(flow.pusat)
    preview = client.get(url)
    listed = page_text(preview).split('id="in-chain"')[1]
    assert f'id="in-chain-{waiting.pk}"' in listed and "Forwarded by the province" in listed
    assert "open the next period first" in listed
    response = confirm(client, url)
    assert f"#{waiting.pk}" in page_text(response) and "still in the approval chain" in page_text(
        response
    )
    flow.period.refresh_from_db()
    assert flow.period.status == PeriodStatus.OPEN
    assert not Member.objects.filter(nik=nik(902)).exists()


def test_submissions_still_in_the_chain_carry_over_and_continue_there(web, flow, accepted):
    waiting = forwarded_elsewhere(flow)
    following = services.open_period(Context(flow.pusat), "2027-Q1", "DTKS 2027 triwulan I")
    url = reverse("registration_period_determine", args=[flow.period.pk])
    response = confirm(web(flow.pusat), url, carry_over_to=str(following.pk))
    assert "was determined" in page_text(response)
    waiting.refresh_from_db()
    assert waiting.period == following and waiting.status == SubmissionStatus.FORWARDED
    assert {p.period_id for p in waiting.proposals.all()} == {following.pk}
    event = Event.objects.get(action="registration.submission.carry_over")
    assert event.changes == {"period": ["2026-Q4", "2027-Q1"]}

    services.accept_submission(Context(flow.pusat), waiting)
    services.determine(Context(flow.pusat), following, "KEPMENSOS 3/HUK/2027")
    assert waiting.proposals.get().status == ProposalStatus.APPLIED
    assert Member.objects.get(nik=nik(904)).village_id == VILLAGE_A


def test_only_the_centre_previews_the_penetapan(web, flow):
    url = reverse("registration_period_determine", args=[flow.period.pk])
    assert web(flow.kabupaten).get(url).status_code == 403


def test_the_preview_speaks_indonesian_by_default(client, flow, accepted):
    client.force_login(flow.pusat)
    page = page_text(client.get(reverse("registration_period_list")))
    assert "Pratinjau penetapan" in page
    url = reverse("registration_period_determine", args=[flow.period.pk])
    assert "3 usulan akan diterapkan" in page_text(client.get(url))
