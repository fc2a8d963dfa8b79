"""The transition table decides what may happen next, the access policy who may do it."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile

from accounts.models import Role
from audit.services import Context
from conftest import VILLAGE_A
from registration import services
from registration.models import (
    ApprovalStep,
    PeriodStatus,
    ProposalStatus,
    SubmissionStatus,
)
from registration.services.meetings import meeting_kind
from registration.tests.conftest import new_household_payload
from registration.transitions import PROPOSAL_RULES, SUBMISSION_RULES, allowed_actions
from registry.models import Household

pytestmark = pytest.mark.django_db


def compiled_submission(flow, serial=201):
    proposal = flow.propose("new_household", new_household_payload(serial=serial))
    flow.through_meeting([proposal])
    flow.verify([proposal])
    return flow.compile()


def test_every_rule_leads_to_a_known_status():
    assert {r.to for r in PROPOSAL_RULES.values()} <= set(ProposalStatus.values)
    assert {r.to for r in SUBMISSION_RULES.values()} <= set(SubmissionStatus.values)


def test_a_move_not_in_the_table_is_refused_and_nothing_is_logged(flow):
    proposal = flow.propose("new_household", new_household_payload(serial=202))
    steps = ApprovalStep.objects.count()
    with pytest.raises(services.TransitionRefused, match="verify"):
        services.transition(Context(flow.verifier), proposal, "verify")
    with pytest.raises(services.TransitionRefused):  # only penetapan applies a proposal
        services.transition(Context(flow.pusat), proposal, "apply")
    submission = compiled_submission(flow)
    with pytest.raises(services.TransitionRefused):  # the province forwards only ratified ones
        services.forward(Context(flow.provinsi), submission)
    proposal.refresh_from_db()
    submission.refresh_from_db()
    assert proposal.status == ProposalStatus.DRAFT
    assert submission.status == SubmissionStatus.COMPILED
    assert ApprovalStep.objects.filter(submission=submission).count() == 1
    assert ApprovalStep.objects.count() > steps  # only the steps of the valid moves


def test_a_village_operator_cannot_approve_anything_and_nothing_changes(flow):
    submission = compiled_submission(flow)
    operator = Context(flow.village_operator())
    households = Household.objects.count()
    with pytest.raises(PermissionDenied):
        services.ratify(operator, submission, "400/1/2026", ContentFile(b"x", name="sk.pdf"))
    submission.refresh_from_db()
    assert (submission.status, submission.decree_number) == (SubmissionStatus.COMPILED, "")
    flow.ratify(submission)
    with pytest.raises(PermissionDenied):
        services.forward(operator, submission)
    services.forward(Context(flow.provinsi), submission)
    with pytest.raises(PermissionDenied):
        services.accept_submission(operator, submission)
    with pytest.raises(PermissionDenied):
        services.return_submission(operator, submission, "tidak setuju")
    services.accept_submission(Context(flow.pusat), submission)
    with pytest.raises(PermissionDenied):
        services.determine(operator, flow.period)
    submission.refresh_from_db()
    flow.period.refresh_from_db()
    assert submission.status == SubmissionStatus.DETERMINED
    assert flow.period.status == PeriodStatus.OPEN
    assert Household.objects.count() == households
    assert allowed_actions(operator.actor, submission) == []


def test_a_province_cannot_act_on_another_provinces_submission(flow, make_user):
    submission = compiled_submission(flow)
    flow.ratify(submission)
    yogyakarta = make_user(Role.DINSOS_PROVINSI, "34")
    with pytest.raises(PermissionDenied):
        services.forward(Context(yogyakarta), submission)
    with pytest.raises(PermissionDenied):
        services.return_submission(Context(yogyakarta), submission, "bukan wilayah kami")
    assert allowed_actions(flow.provinsi, submission) == ["forward", "return"]


def test_another_regency_cannot_compile_or_ratify_here(flow, make_user):
    submission = compiled_submission(flow)
    other = make_user(Role.OPERATOR_KABUPATEN, "34.03")
    with pytest.raises(PermissionDenied):
        services.ratify(Context(other), submission, "1/2026", None)
    with pytest.raises(PermissionDenied):
        services.compile_submission(Context(other), "32.01", flow.period)


def test_ratification_needs_the_decree_number_and_file(flow):
    submission = compiled_submission(flow)
    with pytest.raises(ValidationError, match="decree"):
        services.ratify(Context(flow.kabupaten), submission, "", None)
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.COMPILED


def test_a_determined_period_accepts_no_more_submissions(flow):
    flow.determine()
    with pytest.raises(services.TransitionRefused):
        compiled_submission(flow)
    with pytest.raises(services.TransitionRefused):
        flow.determine()


def test_kelurahan_hold_a_muskel_and_desa_a_musdes():
    assert meeting_kind(VILLAGE_A) == "muskel"  # 32.01.01.1001: village part starts with 1
    assert meeting_kind("32.01.02.2001") == "musdes"
