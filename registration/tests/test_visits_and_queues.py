"""Verification visits and the work queues of each role."""

from datetime import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.models import Role
from audit.services import Context
from conftest import VILLAGE_A, VILLAGE_B
from registration import selectors, services
from registration.models import Decision, ProposalStatus
from registration.tests.conftest import new_household_payload

pytestmark = pytest.mark.django_db
WHEN = timezone.make_aware(datetime(2026, 10, 12, 9, 0))


def test_the_enumerator_must_be_a_dinas_sosial_officer_of_the_regency(flow, make_user):
    proposal = flow.propose("new_household", new_household_payload(serial=301))
    flow.through_meeting([proposal])
    for outsider in (
        make_user(Role.VERIFIER_KABUPATEN, "34.03"),
        flow.village_operator(),
    ):
        with pytest.raises(ValidationError):
            services.assign_visits(Context(flow.kabupaten), [proposal], outsider)
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.PRELIST_FINAL


def test_a_verified_visit_needs_complete_valid_answers(flow, answers):
    proposal = flow.propose("new_household", new_household_payload(serial=302))
    flow.through_meeting([proposal])
    [visit] = services.assign_visits(Context(flow.kabupaten), [proposal], flow.verifier)
    broken = dict(answers, floor_material=99)
    with pytest.raises(ValidationError) as error:
        services.record_visit(Context(flow.verifier), visit, 1, broken, WHEN)
    assert "floor_material" in error.value.message_dict
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.VISIT_ASSIGNED
    services.record_visit(Context(flow.verifier), visit, 1, answers, WHEN, -6.48, 106.85)
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.VERIFIED


def test_a_rejected_proposal_stops_at_the_meeting(flow):
    proposal = flow.propose("new_household", new_household_payload(serial=303))
    flow.through_meeting([proposal], decision=Decision.REJECT)
    assert proposal.status == ProposalStatus.REJECTED_AT_MEETING


def test_the_final_prelist_holds_accepted_proposals_and_confirmed_households(flow, make_household):
    household = make_household()
    accepted = flow.propose("new_household", new_household_payload(serial=304))
    ctx = Context(flow.village_operator())
    meeting = services.open_meeting(ctx, VILLAGE_A, WHEN.date(), "Kantor kelurahan", [])
    services.submit(ctx, accepted)
    services.record_decision(ctx, meeting, accepted, "reject")
    services.record_decision(ctx, meeting, accepted, "accept")  # changed while still open
    services.record_decision(ctx, meeting, household, "accept")
    services.close_meeting(ctx, meeting)
    prelist = selectors.final_prelist(flow.village_operator(), meeting)
    assert list(prelist.proposals) == [accepted]
    assert list(prelist.households) == [household]
    with pytest.raises(ValidationError):
        services.record_decision(ctx, meeting, household, "reject")


def test_each_role_sees_its_own_queue_with_counts_and_age(flow, make_user):
    first = flow.propose("new_household", new_household_payload(serial=305))
    second = flow.propose("new_household", new_household_payload(serial=306), village=VILLAGE_B)
    flow.through_meeting([first, second])
    services.assign_visits(Context(flow.kabupaten), [first], flow.verifier)

    def queue(user, name):
        return {q.name: q for q in selectors.queues(user)}.get(name)

    assert queue(flow.verifier, "to_verify").count == 1
    assert queue(flow.kabupaten, "to_assign").count == 1
    assert queue(flow.kabupaten, "to_assign").oldest is not None
    assert queue(flow.village_operator(), "to_ratify") is None
    flow.verify([second])
    submission = flow.compile()
    assert queue(flow.kabupaten, "to_ratify").count == 1
    assert queue(make_user(Role.OPERATOR_KABUPATEN, "34.03"), "to_ratify").count == 0
    flow.ratify(submission)
    assert queue(flow.provinsi, "to_forward").count == 1
    assert queue(make_user(Role.DINSOS_PROVINSI, "34"), "to_forward").count == 0
    services.return_submission(Context(flow.provinsi), submission, "lampiran kurang")
    assert queue(flow.kabupaten, "returned_submissions").count == 1
    assert queue(flow.village_operator(VILLAGE_B), "returned_proposals").count == 1
    assert queue(flow.village_operator(VILLAGE_A), "returned_proposals").count == 0
    assert selectors.village_progress(flow.kabupaten, "32.01") == {
        VILLAGE_A: {ProposalStatus.VISIT_ASSIGNED: 1},
        VILLAGE_B: {ProposalStatus.RETURNED: 1},
    }
    assert selectors.village_progress(flow.village_operator(), "32.01") == {
        VILLAGE_A: {ProposalStatus.VISIT_ASSIGNED: 1}
    }


def test_photos_of_the_house_are_kept_with_the_visit(flow):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from registration.models import Kind, VisitResult

    proposal = flow.propose(Kind.NEW_HOUSEHOLD, new_household_payload(301, "Rina Wati"))
    flow.through_meeting([proposal])
    visit = services.assign_visits(Context(flow.kabupaten), [proposal], flow.verifier)[0]
    photo = SimpleUploadedFile("rumah.jpg", b"\xff\xd8\xff jpeg", content_type="image/jpeg")
    services.record_visit(
        Context(flow.verifier), visit, VisitResult.NOT_FOUND, {}, timezone.now(), photos=[photo]
    )
    assert visit.photos.get().file.read() == b"\xff\xd8\xff jpeg"
