"""From usulan to penetapan: the registry changes only at penetapan, and every change names
the proposal it came from."""

import pytest

from audit.models import Event
from audit.services import Context, history
from conftest import VILLAGE_A, VILLAGE_B
from registration import services
from registration.models import ApprovalStep, PeriodStatus, ProposalStatus, SubmissionStatus
from registration.tests.conftest import member, new_household_payload, nik
from registry.models import Household, InactiveReason, Member, Status

pytestmark = pytest.mark.django_db


def registry_events():
    return Event.objects.filter(action__startswith="registry.")


def test_one_village_full_cycle_changes_the_registry_only_at_penetapan(flow):
    households, events = Household.objects.count(), registry_events().count()
    proposal = flow.propose("new_household", new_household_payload(serial=101))

    def registry_untouched():
        assert Household.objects.count() == households
        assert registry_events().count() == events

    flow.through_meeting([proposal])
    assert proposal.status == ProposalStatus.PRELIST_FINAL
    registry_untouched()
    flow.verify([proposal])
    assert proposal.status == ProposalStatus.VERIFIED
    registry_untouched()
    submission = flow.compile()
    flow.ratify(submission)
    services.forward(Context(flow.provinsi), submission)
    services.accept_submission(Context(flow.pusat), submission)
    assert submission.status == SubmissionStatus.DETERMINED
    registry_untouched()

    flow.determine()

    proposal.refresh_from_db()
    flow.period.refresh_from_db()
    assert flow.period.status == PeriodStatus.DETERMINED
    assert proposal.status == ProposalStatus.APPLIED
    household = proposal.applied_household
    assert household.village_id == VILLAGE_A
    assert household.answers == flow.answers  # the verification visit's full instrument
    assert list(household.members.values_list("nik", flat=True)) == [nik(101)]
    new_events = registry_events().order_by("-id")[: registry_events().count() - events]
    assert new_events
    for event in new_events:
        assert event.source_ref == f"penetapan 2026-Q4 / usulan {proposal.pk}"
    assert list(proposal.steps.values_list("action", flat=True)) == [
        "propose",
        "submit",
        "accept",
        "assign_visit",
        "verify",
        "compile",
        "apply",
    ]
    assert list(submission.steps.values_list("action", flat=True)) == [
        "compile",
        "ratify",
        "forward",
        "determine",
    ]


def test_each_kind_of_proposal_is_applied_at_penetapan(flow, make_household):
    h_add = make_household(nik=nik(1), kk="3201010101200001", name="Ahmad")
    h_remove = make_household(nik=nik(2), kk="3201010101200002", name="Badu")
    dying = h_remove.members.get()
    h_fix = make_household(nik=nik(3), kk="3201010101200003", name="Cecep Salah")
    wrong_name = h_fix.members.get()
    h_addr = make_household(nik=nik(4), kk="3201010101200004", name="Dedi")
    h_move = make_household(nik=nik(5), kk="3201010101200005", name="Euis")
    h_off = make_household(nik=nik(6), kk="3201010101200006", name="Fajar")
    proposals = [
        flow.propose(
            "add_member",
            {"kk_number": "3201010101200001", "member": member(11, "Ahmad Junior")},
            household=h_add,
        ),
        flow.propose("remove_member", {"reason": InactiveReason.DECEASED}, member=dying),
        flow.propose("correct_data", {"changes": {"name": "Cecep Benar"}}, member=wrong_name),
        flow.propose("correct_data", {"changes": {"address": "Jl. Baru 7"}}, household=h_addr),
        flow.propose(
            "move_household",
            {"village_code": VILLAGE_B, "address": "Jl. Pindahan 2", "rt": "004"},
            village=VILLAGE_B,
            household=h_move,
        ),
        flow.propose("deactivate", {"reason": InactiveReason.NOT_ELIGIBLE}, household=h_off),
    ]
    flow.all_the_way(proposals)

    assert all(p.status == ProposalStatus.APPLIED for p in proposals)
    added = h_add.members.get(nik=nik(11))
    assert added.name == "Ahmad Junior" and added.family.kk_number == "3201010101200001"
    assert proposals[0].applied_member == added
    dying.refresh_from_db()
    assert (dying.status, dying.inactive_reason) == (Status.INACTIVE, InactiveReason.DECEASED)
    wrong_name.refresh_from_db()
    assert (wrong_name.name, wrong_name.name_key) == ("Cecep Benar", "CECEP BENAR")
    assert Household.objects.get(pk=h_addr.pk).address == "Jl. Baru 7"

    moved = Household.objects.get(pk=h_move.pk)  # the same record, not a copy
    assert (moved.village_id, moved.address, moved.rt) == (VILLAGE_B, "Jl. Pindahan 2", "004")
    mover = moved.members.get()
    assert (mover.nik, mover.village_id) == (nik(5), VILLAGE_B)
    actions = list(history(moved).values_list("action", flat=True))
    assert "registry.household.create" in actions and "registry.household.move" in actions

    off = Household.objects.get(pk=h_off.pk)
    assert (off.status, off.inactive_reason) == (Status.INACTIVE, InactiveReason.NOT_ELIGIBLE)
    assert not off.members.filter(status=Status.ACTIVE).exists()
    for p in proposals:
        refs = registry_events().filter(source_ref=f"penetapan 2026-Q4 / usulan {p.pk}")
        assert refs.exists(), p.kind


def test_returned_submission_goes_back_with_its_reason_and_can_be_resubmitted(flow):
    proposal = flow.propose("new_household", new_household_payload(serial=102))
    flow.through_meeting([proposal])
    flow.verify([proposal])
    submission = flow.compile()
    flow.ratify(submission)

    with pytest.raises(services.TransitionRefused):
        services.return_submission(Context(flow.provinsi), submission, "  ")
    reason = "Berita acara musdes tidak dilampirkan"
    services.return_submission(Context(flow.provinsi), submission, reason)

    submission.refresh_from_db()
    proposal.refresh_from_db()
    assert (submission.status, submission.return_reason) == (SubmissionStatus.RETURNED, reason)
    assert (proposal.status, proposal.status_reason) == (ProposalStatus.RETURNED, reason)
    assert ApprovalStep.objects.filter(submission=submission, action="return", reason=reason)

    fixed = new_household_payload(serial=102) | {"address": "Kp. Sukamaju RT 02"}
    services.revise(Context(flow.village_operator()), proposal, fixed)
    services.resubmit(Context(flow.kabupaten), submission)
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.COMPILED
    assert submission.decree_number == ""  # a resubmission needs a fresh pengesahan
    flow.approve(submission)
    flow.determine()

    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.APPLIED
    assert proposal.applied_household.address == "Kp. Sukamaju RT 02"


def test_a_visit_finding_a_duplicate_keeps_the_proposal_out_of_the_registry(flow):
    duplicate = flow.propose("new_household", new_household_payload(serial=103))
    kept = flow.propose("new_household", new_household_payload(serial=104, name="Tuti"))
    flow.through_meeting([duplicate, kept])
    flow.verify([duplicate], result=5)
    flow.verify([kept])
    assert duplicate.status == ProposalStatus.NOT_VERIFIED
    assert duplicate.status_reason.startswith("5")

    submission = flow.all_the_way([])  # compile, approve and determine what is verified
    duplicate.refresh_from_db()
    kept.refresh_from_db()
    assert list(submission.proposals.all()) == [kept]
    assert duplicate.status == ProposalStatus.NOT_VERIFIED
    assert not Member.objects.filter(nik=nik(103)).exists()
    assert Member.objects.filter(nik=nik(104)).exists()
