"""A correction is recorded as a proposal (usulan) of the DTKS update flow, on the agenda of
the village meeting; an objection to an automated decision keeps the decision with its
explanation and goes to the program officers, whose human review answers the request."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from accounts.models import Role
from audit.models import Event
from audit.services import Context
from privacy import services
from privacy.models import ObjectionStatus, RequestStatus
from programs.models import Program
from registration.models import Kind, ProposalSource, ProposalStatus

pytestmark = pytest.mark.django_db


def test_a_correction_becomes_a_proposal_on_the_village_meetings_agenda(officer, person,
                                                                         receive):
    _household, member = person
    request = receive(kind="correction")
    proposal = services.record_correction(Context(actor=officer), request, member,
                                          {"birth_place": "Wonosari"})
    assert (proposal.kind, proposal.source) == (Kind.CORRECT_DATA, ProposalSource.COMPLAINT)
    assert proposal.member == member and proposal.payload == {
        "changes": {"birth_place": "Wonosari"}}
    assert proposal.status == ProposalStatus.SUBMITTED
    request.refresh_from_db()
    assert request.status == RequestStatus.FULFILLED and request.proposal == proposal
    assert f"#{proposal.pk}" in request.outcome
    propose = Event.objects.get(action="registration.proposal.propose",
                                object_id=str(proposal.pk))
    assert request.number in propose.reason


def test_a_wrong_value_in_a_correction_is_refused_naming_the_field(officer, person, receive):
    _household, member = person
    request = receive(kind="correction")
    with pytest.raises(ValidationError) as error:
        services.record_correction(Context(actor=officer), request, member,
                                   {"nik": "1234"})
    assert "changes.nik" in error.value.message_dict
    request.refresh_from_db()
    assert request.status == RequestStatus.OPEN and request.proposal is None


def test_the_correction_page_records_the_households_address(client, officer, person, receive):
    household, member = person
    request = receive(kind="correction")
    client.force_login(officer)
    url = reverse("privacy:request_correction", args=(request.pk,)) + "?target=household"
    assert client.get(url).status_code == 200
    response = client.post(url, {"member": member.pk, "target": "household",
                                 "address": "Jl. Melati No. 7", "rt": "001", "rw": "002"})
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.proposal.member is None
    assert request.proposal.payload == {"changes": {"address": "Jl. Melati No. 7"}}


def sembako():
    return Program.objects.get(code="sembako")


def test_an_objection_keeps_the_decision_with_its_explanation(officer, person, receive):
    _household, member = person
    request = receive(kind="objection")
    objection = services.record_objection(Context(actor=officer), request, member, sembako(),
                                          "Saya tidak punya penghasilan tetap.")
    decision = objection.decision
    assert decision["decision"] == "eligible" and decision["rule_version"] == 1
    assert any("Termasuk desil 1-5" in c for c in decision["clauses"])
    assert objection.village_code == member.village_id
    request.refresh_from_db()
    assert request.status == RequestStatus.OPEN  # until the program officer answers


def test_an_objection_to_the_desil_keeps_the_desil(officer, person, receive):
    _household, member = person
    objection = services.record_objection(Context(actor=officer), receive(kind="objection"),
                                          member, None, "Rumah kami kontrak.")
    assert objection.decision["desil_national"] == 2


def test_the_program_officer_answers_and_the_request_is_answered(officer, person, receive,
                                                                 make_user, client):
    _household, member = person
    request = receive(kind="objection")
    objection = services.record_objection(Context(actor=officer), request, member, sembako(),
                                          "Data aset salah.")
    manager = make_user(Role.PROGRAM_MANAGER)
    client.force_login(manager)
    assert request.number in client.get(reverse("privacy:objection_list")).content.decode()
    page = client.get(reverse("privacy:objection_detail", args=(objection.pk,)))
    assert "Budi Santoso" in page.content.decode()
    assert Event.objects.filter(action="read", actor=manager, object_id=str(member.pk)).exists()
    response = client.post(reverse("privacy:objection_detail", args=(objection.pk,)),
                           {"status": "rejected", "answer": "Data aset sesuai hasil kunjungan."})
    assert response.status_code == 302
    objection.refresh_from_db()
    request.refresh_from_db()
    assert objection.status == ObjectionStatus.REJECTED and objection.answered_by == manager
    assert request.status == RequestStatus.FULFILLED
    assert request.outcome == "Data aset sesuai hasil kunjungan."
    assert Event.objects.filter(action="privacy.objection.answer",
                                object_id=str(objection.pk), actor=manager).exists()


def test_a_program_officer_of_another_region_cannot_answer(officer, person, receive,
                                                           make_user):
    _household, member = person
    objection = services.record_objection(Context(actor=officer), receive(kind="objection"),
                                          member, sembako(), "Salah.")
    elsewhere = make_user(Role.PROGRAM_MANAGER, "34.03")
    with pytest.raises(PermissionDenied):
        services.answer_objection(Context(actor=elsewhere), objection, "upheld", "Ditinjau.")


def test_the_officer_cannot_answer_an_objection_in_the_program_officers_place(officer, person,
                                                                              receive):
    _household, member = person
    objection = services.record_objection(Context(actor=officer), receive(kind="objection"),
                                          member, sembako(), "Salah.")
    with pytest.raises(PermissionDenied):
        services.answer_objection(Context(actor=officer), objection, "upheld", "Ditinjau.")
