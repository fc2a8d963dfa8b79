"""Proposals: invalid identity numbers are refused naming the field; likely duplicates warn."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from accounts.models import Role
from audit.models import Event
from audit.services import Context
from conftest import VILLAGE_A, VILLAGE_OTHER_DISTRICT
from registration import services
from registration.models import ApprovalStep, Proposal, ProposalStatus
from registration.tests.conftest import member, new_household_payload, nik

pytestmark = pytest.mark.django_db


def codes(proposal):
    return sorted(w["code"] for w in proposal.warnings)


def test_an_invalid_nik_is_refused_naming_the_field_in_the_active_language(flow):
    payload = new_household_payload()
    payload["families"][0]["members"][0]["nik"] = "32010112345"
    for lang, text in (("id", "NIK harus 16 digit"), ("en", "NIK must have 16 digits")):
        with translation.override(lang), pytest.raises(ValidationError) as error:
            flow.propose("new_household", payload)
        field = "families[1].members[1].nik"
        assert text in error.value.message_dict[field][0]
    assert not Proposal.objects.exists()
    assert not Event.objects.filter(action__startswith="registration.proposal").exists()


def test_an_invalid_kk_is_refused_naming_the_field(flow, make_household):
    household = make_household()
    with pytest.raises(ValidationError) as error:
        flow.propose("add_member", {"kk_number": "0000", "member": member(31)}, household=household)
    assert "kk_number" in error.value.message_dict
    assert not Proposal.objects.exists()


def test_a_nik_already_in_the_registry_warns_but_is_kept(flow, make_household):
    make_household(nik=nik(41), kk="3201010101200041")
    proposal = flow.propose("new_household", new_household_payload(serial=41))
    assert proposal.status == ProposalStatus.DRAFT
    assert codes(proposal) == ["nik_in_registry"]
    assert proposal.warnings[0]["field"] == "families[1].members[1].nik"
    assert Proposal.objects.get(pk=proposal.pk).warnings == proposal.warnings


def test_a_nik_in_another_open_proposal_warns(flow):
    first = flow.propose("new_household", new_household_payload(serial=42))
    second = flow.propose("new_household", new_household_payload(serial=42, name="Lain"))
    assert codes(first) == []
    assert codes(second) == ["nik_in_open_proposal"]
    assert second.warnings[0]["proposal_id"] == first.pk
    services.withdraw(Context(flow.village_operator()), first)
    third = flow.propose("new_household", new_household_payload(serial=42, name="Lagi"))
    assert [w["proposal_id"] for w in third.warnings] == [second.pk]


def test_same_name_and_birth_date_in_the_regency_is_a_likely_duplicate(flow, make_household):
    make_household(
        village=VILLAGE_OTHER_DISTRICT, nik=nik(43), kk="3201020101200043", name="Siti  Aminah"
    )
    proposal = flow.propose("new_household", new_household_payload(serial=44))
    # make_household's member is born 1985-08-12; the payload's 1990-03-04: no match yet
    assert codes(proposal) == []
    payload = new_household_payload(serial=44)
    payload["families"][0]["members"][0]["birth_date"] = "1985-08-12"
    services.revise(Context(flow.village_operator()), proposal, payload)
    assert codes(proposal) == ["likely_duplicate"]


def test_only_village_operators_in_scope_propose_and_social_workers_only_atensi(flow, make_user):
    other_village = flow.village_operator("32.01.01.1002")
    with pytest.raises(PermissionDenied):
        services.propose(
            Context(other_village), "new_household", "psks", VILLAGE_A, new_household_payload()
        )
    worker = make_user(Role.PEKERJA_SOSIAL, "32.01")
    with pytest.raises(PermissionDenied):
        services.propose(
            Context(worker), "new_household", "psks", VILLAGE_A, new_household_payload()
        )
    proposal = services.propose(
        Context(worker), "new_household", "atensi", VILLAGE_A, new_household_payload()
    )
    assert proposal.source == "atensi"
    assert ApprovalStep.objects.filter(proposal=proposal, action="propose").exists()
    assert Event.objects.filter(action="registration.proposal.propose").count() == 1


def test_a_removal_needs_a_reason_from_the_list(flow, make_household):
    household = make_household()
    with pytest.raises(ValidationError) as error:
        flow.propose("remove_member", {"reason": "bosan"}, member=household.members.get())
    assert "reason" in error.value.message_dict


def test_the_birth_date_of_a_payload_member_is_a_date(flow):
    payload = new_household_payload()
    payload["families"][0]["members"][0]["birth_date"] = "04/03/1990"
    with pytest.raises(ValidationError):
        flow.propose("new_household", payload)
    assert date.fromisoformat(new_household_payload()["families"][0]["members"][0]["birth_date"])
