"""Cleansing proposals decided the way an officer checks them: one by one or a ticked selection
on the records page, with the names of the members and households (within the officer's
region), and "revert all" only after a confirmation page with the counts."""

import pytest
from django.urls import reverse

from audit.models import Event
from audit.services import Context
from conftest import VILLAGE_OTHER_DISTRICT
from linkage import cleansing
from linkage.models import CleansingProposal
from linkage.tests import test_quality_ui
from linkage.tests.test_quality_ui import _propose, _run, login
from registry.models import Household, Member

# The registry of 20 synthetic households and its pipeline run, as the data-quality pages use.
synth_dir, run = test_quality_ui.synth_dir, test_quality_ui.run

pytestmark = pytest.mark.django_db


def records_url(run_, kind="member", reason="duplicate") -> str:
    return reverse("linkage_run_records", args=[run_.name]) + f"?kind={kind}&reason={reason}"


def cleanse(client, run_, **data):
    return client.post(reverse("linkage_run_cleanse", args=[run_.name]), data)


def states(run_) -> dict[int, str]:
    return dict(run_.proposals.values_list("record_id", "state"))


def test_one_proposal_is_accepted_or_rejected_on_its_own(client, make_user, run):
    a, b, c = Member.objects.order_by("id")[:3]
    _propose(run, [a, b, c])
    login(client, make_user, "pusat")
    page = client.get(records_url(run))
    assert page.context["can_decide"]
    first = run.proposals.get(record_id=a.pk)
    response = cleanse(client, run, accept_one=first.pk, next=records_url(run))
    assert response.status_code == 302 and response["Location"] == records_url(run)
    assert states(run) == {a.pk: "accepted", b.pk: "proposed", c.pk: "proposed"}
    cleanse(client, run, reject_one=run.proposals.get(record_id=b.pk).pk)
    assert states(run) == {a.pk: "accepted", b.pk: "rejected", c.pk: "proposed"}
    event = Event.objects.filter(action="linkage.cleansing.accept").get()
    assert event.changes["chosen"] == [None, [first.pk]]
    assert event.changes["proposals"] == [None, 1]


def test_ticked_proposals_are_decided_together(client, make_user, run):
    members = list(Member.objects.order_by("id")[:4])
    _propose(run, members)
    login(client, make_user, "pusat")
    ticked = [p.pk for p in run.proposals.filter(record_id__in=[m.pk for m in members[:2]])]
    cleanse(client, run, selection="1", action="accept", ids=ticked)
    assert sorted(s for s in states(run).values()) == ["accepted", "accepted", "proposed",
                                                       "proposed"]
    response = cleanse(client, run, selection="1", action="reject", next=records_url(run))
    assert response.status_code == 302  # none ticked: nothing decided, said so
    assert sorted(states(run).values()).count("proposed") == 2
    html = client.get(records_url(run)).content.decode()
    assert "Centang usulan yang akan diputuskan terlebih dahulu." in html


def test_a_choice_cannot_decide_a_proposal_already_decided_or_of_another_run(
        client, make_user, run):
    a, b = Member.objects.order_by("id")[:2]
    _propose(run, [a])
    older = _run("r0", run.snapshot, minutes=-5)
    _propose(older, [b])
    user = login(client, make_user, "pusat")
    mine = run.proposals.get()
    cleansing.decide(Context(actor=user), run, accept=False, ids=[mine.pk])
    other = older.proposals.get()
    cleanse(client, run, selection="1", action="accept", ids=[mine.pk, other.pk])
    assert run.proposals.get().state == "rejected" and older.proposals.get().state == "proposed"


def test_records_show_the_names_of_members_and_heads(client, make_user, run):
    member, kept = Member.objects.order_by("id")[:2]
    CleansingProposal.objects.create(run=run, kind="member", record_id=member.pk,
                                     region_code=member.village_id, reason="duplicate",
                                     evidence={"kept_member_id": kept.pk})
    household = Household.objects.exclude(pk=member.household_id).order_by("id").first()
    head = household.members.get(relation_to_household_head=1)
    CleansingProposal.objects.create(run=run, kind="household", record_id=household.pk,
                                     region_code=household.village_id, reason="deceased")
    login(client, make_user, "pusat")
    html = client.get(records_url(run)).content.decode()
    assert member.name in html and kept.name in html
    html = client.get(records_url(run, "household", "deceased")).content.decode()
    assert head.name in html


def test_a_name_outside_the_users_region_is_not_shown(client, make_user, run,
                                                      make_household):
    member = Member.objects.order_by("id").first()
    elsewhere = make_household(VILLAGE_OTHER_DISTRICT, nik="3201021208850009",
                               kk="3201020101200009", name="Rahmat Hidayat")
    kept = elsewhere.members.get()
    CleansingProposal.objects.create(run=run, kind="member", record_id=member.pk,
                                     region_code=member.village_id, reason="duplicate",
                                     evidence={"kept_member_id": kept.pk})
    login(client, make_user, "pusat", "32.01.01")
    html = client.get(records_url(run)).content.decode()
    assert member.name in html and "Rahmat Hidayat" not in html
    assert f"#{kept.pk}" in html  # the record is named by its id only


def test_revert_all_asks_for_confirmation_with_the_counts(client, make_user, run):
    members = list(Member.objects.order_by("id")[:2])
    _propose(run, members)
    user = login(client, make_user, "pusat")
    ctx = Context(actor=user)
    cleansing.decide(ctx, run, accept=True)
    cleansing.apply(ctx, run)
    detail = client.get(reverse("linkage_run_detail", args=[run.name])).content.decode()
    confirm_url = reverse("linkage_run_revert_confirm", args=[run.name])
    assert confirm_url in detail and 'value="revert"' not in detail  # no one-click revert
    page = client.get(confirm_url)
    assert page.context["pending"] == {"members": 2, "households": 0}
    assert Member.objects.filter(pk__in=[m.pk for m in members], status="inactive").count() == 2
    cleanse(client, run, action="revert", note="keliru")
    assert not Member.objects.filter(pk__in=[m.pk for m in members], status="inactive").exists()
    assert client.get(confirm_url).context["pending"] == {"members": 0, "households": 0}


def test_only_national_cleansing_roles_open_the_revert_confirmation(client, make_user, run):
    login(client, make_user, "operator_kabupaten", "32.01")
    assert client.get(reverse("linkage_run_revert_confirm", args=[run.name])).status_code == 403
