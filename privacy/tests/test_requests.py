"""Requests of data subjects (UU 27/2022): answered within 3x24 hours of receipt; the officer's
dashboard shows each open request's due time, the overdue ones highlighted."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from audit.models import Event
from audit.services import Context
from privacy import services
from privacy.models import RequestStatus

from .conftest import NIK, row_of

pytestmark = pytest.mark.django_db



def test_a_request_is_due_three_times_24_hours_after_it_was_received(receive):
    """UU 27/2022: 'paling lambat 3 x 24 jam'."""
    request = receive(hours_ago=5)
    assert request.due_at - request.received_at == timedelta(hours=72)
    assert not request.overdue(timezone.now())
    assert request.overdue(request.received_at + timedelta(hours=72, minutes=1))


def test_receiving_a_request_is_audited_without_the_nik(receive, officer):
    request = receive()
    event = Event.objects.get(action="privacy.request.receive", object_id=str(request.pk))
    assert event.actor == officer and event.changes["kind"] == [None, "access"]
    assert NIK not in str(event.changes)


def test_a_nik_that_is_not_16_digits_is_refused_naming_the_field(receive):
    with pytest.raises(ValidationError) as error:
        receive(nik="320101120885")
    assert list(error.value.message_dict) == ["nik"]
    assert "16" in error.value.message_dict["nik"][0]


def test_a_request_received_in_the_future_is_refused(receive):
    with pytest.raises(ValidationError) as error:
        receive(hours_ago=-2)
    assert error.value.message_dict["received_at"] == [
        "Waktu diterima tidak boleh di masa depan."]


def test_the_dashboard_shows_due_times_and_highlights_overdue_requests(client, officer,
                                                                       receive):
    fresh = receive(hours_ago=2)
    late = receive(hours_ago=80, requester_name="Siti Aminah")
    client.force_login(officer)
    html = client.get(reverse("privacy:dashboard")).content.decode()
    assert html.index(late.number) < html.index(fresh.number)  # the soonest due first
    row = row_of(html, late.number)
    assert "terlambat 8 jam" in row and 'data-overdue="1"' in row
    fresh_row = row_of(html, fresh.number)
    assert "69 jam lagi" in fresh_row and "data-overdue" not in fresh_row


def test_the_dashboard_speaks_english(client, officer, receive):
    receive(hours_ago=2)
    client.force_login(officer)
    client.cookies["django_language"] = "en"
    html = client.get(reverse("privacy:dashboard")).content.decode()
    assert "Open requests" in html and "69 hours left" in html


def test_a_refused_request_names_its_reason_and_is_closed(receive, officer):
    request = receive(kind="access")
    with pytest.raises(ValidationError):
        services.refuse(Context(actor=officer), request, " ")
    services.refuse(Context(actor=officer), request, "Pemohon bukan yang bersangkutan.")
    request.refresh_from_db()
    assert request.status == RequestStatus.REFUSED and request.fulfilled_at is not None
    assert Event.objects.filter(action="privacy.request.answer",
                                object_id=str(request.pk)).exists()


def test_an_access_request_closes_only_after_its_copy_was_produced(receive, officer, person):
    request = receive()
    with pytest.raises(ValidationError, match="salinan"):
        services.answer(Context(actor=officer), request, "Diserahkan.")
    services.produce_bundle(Context(actor=officer), request)
    services.answer(Context(actor=officer), request, "Diserahkan langsung, tercetak.")
    request.refresh_from_db()
    assert request.status == RequestStatus.FULFILLED
    assert not request.overdue(timezone.now())


def test_recording_a_request_through_the_form(client, officer):
    client.force_login(officer)
    response = client.post(reverse("privacy:request_new"), {
        "kind": "access", "nik": "3201 0112 0885 0003", "requester_name": "Budi Santoso",
        "requester_relation": "self", "received_at": "2026-01-05T09:30",
        "identity_checked": "on"})
    assert response.status_code == 302
    from privacy.models import SubjectRequest

    request = SubjectRequest.objects.get()
    assert request.nik == NIK
    assert timezone.localtime(request.due_at).strftime("%Y-%m-%d %H:%M") == "2026-01-08 09:30"


def test_the_form_shows_the_services_error_beside_the_field(client, officer):
    client.force_login(officer)
    response = client.post(reverse("privacy:request_new"), {
        "kind": "access", "nik": "12345", "requester_name": "Budi",
        "requester_relation": "self", "received_at": "2026-01-05T09:30"})
    assert response.status_code == 400
    assert response.context["form"].errors["nik"]


@pytest.mark.parametrize("kind,action", [
    ("access", "Buat salinan"), ("correction", "Perbaiki identitas"),
    ("objection", "Catat keberatan")])
def test_the_request_page_offers_the_next_step_of_its_kind(client, officer, person, receive,
                                                            kind, action):
    request = receive(kind=kind)
    client.force_login(officer)
    html = client.get(reverse("privacy:request_detail", args=(request.pk,))).content.decode()
    assert action in html and "Budi Santoso" in html and request.number in html


def test_the_objection_page_lists_the_programs_and_the_desil(client, officer, person, receive):
    request = receive(kind="objection")
    client.force_login(officer)
    page = client.get(reverse("privacy:request_objection", args=(request.pk,)))
    choices = dict(page.context["form"].fields["program"].choices)
    assert "sembako" in choices and choices["desil"] == "Peringkat kesejahteraan (desil)"
