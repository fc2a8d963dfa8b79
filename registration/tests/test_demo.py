"""The demo seeding of the DTKS update flow: every stage and work queue has something in it, the
earlier period's households come from its penetapan, and seeding twice changes nothing."""

import pytest
from django.db.models import Count

from accounts.models import Role
from audit.models import Event
from audit.services import history
from conftest import VILLAGE_A
from registration.demo import seed_registration_demo
from registration.models import (
    ApprovalStep,
    Period,
    PeriodStatus,
    Proposal,
    ProposalStatus,
    Submission,
    SubmissionStatus,
)
from registration.selectors import queues
from registry.identity import parse_nik

pytestmark = pytest.mark.django_db

SCOPE = "32.01"


@pytest.fixture
def demo_users(make_user):
    """The demo accounts the seeding acts as, with the demo command's usernames and roles."""
    return {
        name: make_user(role, region, username=name)
        for name, role, region in [
            ("desa", Role.OPERATOR_DESA, VILLAGE_A),
            ("dinsos", Role.OPERATOR_KABUPATEN, SCOPE),
            ("verifikator", Role.VERIFIER_KABUPATEN, SCOPE),
            ("provinsi", Role.DINSOS_PROVINSI, "32"),
            ("pusat", Role.PUSAT, None),
        ]
    }


@pytest.fixture
def seeded(demo_users, make_household):
    make_household(village=VILLAGE_A)  # a registry household for the other kinds of proposal
    return seed_registration_demo(SCOPE, seed=1)


def test_seeding_leaves_proposals_at_many_stages(seeded):
    assert len(seeded) >= 5, seeded
    assert seeded == {
        row["status"]: row["n"]
        for row in Proposal.objects.values("status").order_by().annotate(n=Count("id"))
    }
    for status in [
        ProposalStatus.DRAFT,
        ProposalStatus.SUBMITTED,
        ProposalStatus.REJECTED_AT_MEETING,
        ProposalStatus.VISIT_ASSIGNED,
        ProposalStatus.NOT_VERIFIED,
        ProposalStatus.COMPILED,
        ProposalStatus.APPLIED,
    ]:
        assert seeded.get(status), status
    assert set(Proposal.objects.values_list("kind", flat=True)) >= {
        "new_household",
        "add_member",
        "deactivate",
        "move_household",
    }


def test_every_work_queue_of_dinas_sosial_has_something(seeded, demo_users):
    empty = [q.name for q in queues(demo_users["dinsos"]) if q.count == 0]
    assert empty == []


def test_the_province_and_the_centre_have_a_submission_waiting(seeded, demo_users):
    for username, queue in [("provinsi", "to_forward"), ("pusat", "to_determine")]:
        counts = {q.name: q.count for q in queues(demo_users[username])}
        assert counts[queue] >= 1, username
    assert queues(demo_users["verifikator"])[0].count >= 1  # visits to record
    ratified = Submission.objects.get(status=SubmissionStatus.RATIFIED)
    assert ratified.decree_number and ratified.decree_file.read().startswith(b"%PDF")


def test_the_earlier_period_put_households_in_the_registry_with_their_trail(seeded):
    period = Period.objects.get(code="2026-Q3")
    assert period.status == PeriodStatus.DETERMINED
    applied = Proposal.objects.filter(period=period, status=ProposalStatus.APPLIED)
    assert applied.filter(kind="new_household").count() == 6
    for proposal in applied.filter(kind="new_household"):
        household = proposal.applied_household
        event = history(household).get(action="registry.household.create")
        assert event.source_ref == f"penetapan 2026-Q3 / usulan {proposal.pk}"
        for member in household.members.all():
            assert parse_nik(member.nik).ok
            assert member.nik[:6] == proposal.village_id[:8].replace(".", "")
    assert Period.objects.get(code="2026-Q4").status == PeriodStatus.OPEN


def test_seeding_again_changes_nothing(seeded):
    counts = (Proposal.objects.count(), ApprovalStep.objects.count(), Event.objects.count())
    assert seed_registration_demo(SCOPE, seed=1) == {}
    assert (Proposal.objects.count(), ApprovalStep.objects.count(), Event.objects.count()) == counts
