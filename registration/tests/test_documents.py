"""The bupati's decree of a submission and the signed Berita Acara of a meeting are served to
the officials who may see them, in their region, each opening audited; never as public media."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import Role
from audit.models import Event
from audit.services import Context
from conftest import VILLAGE_A, VILLAGE_B
from registration import services
from registration.services.minutes import store_signed_minutes
from registration.tests.conftest import new_household_payload, page_text

pytestmark = pytest.mark.django_db

DECREE = b"%PDF-1.4 Keputusan Bupati Bogor"
SCAN = b"\xff\xd8\xff\xe0 signed berita acara"


@pytest.fixture
def submission(flow):
    proposal = flow.propose("new_household", new_household_payload(serial=501))
    flow.through_meeting([proposal])
    flow.verify([proposal])
    submission = flow.compile()
    decree = ContentFile(DECREE, name="sk-bupati.pdf")
    return services.ratify(Context(flow.kabupaten), submission, "400/5/Kpts/2026", decree)


@pytest.fixture
def meeting(flow, submission):
    meeting = submission.proposals.get().decisions.get().meeting
    scan = SimpleUploadedFile("ba.jpg", SCAN, content_type="image/jpeg")
    return store_signed_minutes(Context(flow.village_operator()), meeting, scan)


def body(response) -> bytes:
    return b"".join(response.streaming_content)


def test_the_decree_opens_for_the_regency_province_centre_and_auditor(
    client, flow, make_user, submission
):
    url = reverse("registration_submission_decree", args=[submission.pk])
    for user in (flow.kabupaten, flow.provinsi, flow.pusat, make_user(Role.AUDITOR)):
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == 200, user.role
        assert body(response) == DECREE
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"].startswith("inline")
        assert "private" in response["Cache-Control"] and "no-store" in response["Cache-Control"]
    reads = Event.objects.filter(
        action="read", object_type="registration.submission", object_id=str(submission.pk)
    )
    assert reads.count() == 4
    assert reads.first().changes == {"document": [None, "decree"]}
    assert reads.first().region_code == "32.01"


def test_the_decree_is_not_found_outside_the_regency_and_refused_to_other_roles(
    client, flow, make_user, submission
):
    url = reverse("registration_submission_decree", args=[submission.pk])
    client.force_login(make_user(Role.OPERATOR_KABUPATEN, "34.03"))
    assert client.get(url).status_code == 404
    client.force_login(make_user(Role.PROGRAM_MANAGER))
    assert client.get(url).status_code == 403
    assert not Event.objects.filter(object_type="registration.submission", action="read")


def test_the_submission_page_links_the_decree_and_the_berita_acara_not_the_media_url(
    web, flow, submission, meeting
):
    page = page_text(
        web(flow.provinsi).get(reverse("registration_submission_detail", args=[submission.pk]))
    )
    assert reverse("registration_submission_decree", args=[submission.pk]) in page
    assert reverse("registration_meeting_signed_minutes", args=[meeting.pk]) in page
    assert submission.decree_file.url not in page
    assert web(flow.provinsi).get(submission.decree_file.url).status_code == 404


def test_the_signed_berita_acara_opens_for_its_village_and_the_regency(
    client, flow, make_user, meeting
):
    url = reverse("registration_meeting_signed_minutes", args=[meeting.pk])
    for user in (flow.village_operator(), flow.kabupaten, flow.pusat):
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == 200, user.role
        assert body(response) == SCAN and response["Content-Type"] == "image/jpeg"
    client.force_login(flow.village_operator(VILLAGE_B))
    assert client.get(url).status_code == 404
    reads = Event.objects.filter(action="read", object_type="registration.meeting")
    assert reads.count() == 3 and {e.region_code for e in reads} == {VILLAGE_A}

    client.force_login(flow.village_operator())
    page = page_text(client.get(reverse("registration_meeting_detail", args=[meeting.pk])))
    assert url in page


def test_a_decree_that_is_not_a_pdf_or_image_scan_is_refused(flow):
    proposal = flow.propose("new_household", new_household_payload(serial=502))
    flow.through_meeting([proposal])
    flow.verify([proposal])
    submission = flow.compile()
    page = ContentFile(b"<html><script>alert(1)</script>", name="sk.html")
    with pytest.raises(ValidationError) as error:
        services.ratify(Context(flow.kabupaten), submission, "400/6/Kpts/2026", page)
    assert "decree_file" in error.value.message_dict
    submission.refresh_from_db()
    assert not submission.decree_file and submission.status == "compiled"


def test_a_missing_document_is_not_found(client, flow, submission):
    proposal = flow.propose("new_household", new_household_payload(serial=503))
    flow.through_meeting([proposal])
    meeting = proposal.decisions.get().meeting
    client.force_login(flow.village_operator())
    url = reverse("registration_meeting_signed_minutes", args=[meeting.pk])
    assert client.get(url).status_code == 404
