"""The Berita Acara of a village meeting as PDF: a real PDF that names the village and lists
the decisions and the participants who sign."""

import pytest

from audit.services import Context
from conftest import VILLAGE_A
from registration.models import Kind
from registration.pdf import berita_acara_context, berita_acara_html, berita_acara_pdf

from .conftest import new_household_payload

pytestmark = pytest.mark.django_db


@pytest.fixture
def meeting(flow):
    proposals = [flow.propose(Kind.NEW_HOUSEHOLD, new_household_payload(101, "Siti Aminah"))]
    flow.through_meeting(proposals)
    return proposals[0].decisions.get().meeting


def test_the_berita_acara_is_a_pdf_naming_the_village(flow, meeting):
    operator = flow.village_operator()
    village = berita_acara_context(meeting, operator)["village_name"]

    pdf = berita_acara_pdf(meeting, operator)
    html = berita_acara_html(meeting, operator)

    assert pdf.startswith(b"%PDF")
    assert village in html and "Siti Aminah" in html and "Kades" in html


def test_the_minutes_list_each_decision_and_participant(flow, meeting):
    context = berita_acara_context(meeting, flow.village_operator())

    assert [(r["name"], r["accepted"]) for r in context["proposal_rows"]] == [("Siti Aminah", True)]
    assert context["village_label"].startswith(context["village_name"])
    assert meeting.village_id == VILLAGE_A


def test_the_signed_scan_is_stored_on_the_meeting(flow, meeting):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from registration.services.minutes import store_signed_minutes

    scan = SimpleUploadedFile("ba.pdf", b"%PDF-1.4 signed", content_type="application/pdf")
    store_signed_minutes(Context(flow.village_operator()), meeting, scan)

    meeting.refresh_from_db()
    assert meeting.berita_acara.read() == b"%PDF-1.4 signed"


def test_the_meeting_page_offers_the_minutes_and_takes_the_signed_scan(client, flow, meeting):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    client.force_login(flow.village_operator())
    page = client.get(reverse("registration_meeting_detail", args=[meeting.pk])).content.decode()
    assert reverse("registration_import_berita_acara", args=[meeting.pk]) in page
    scan = SimpleUploadedFile("ba.pdf", b"%PDF-1.4 signed", content_type="application/pdf")
    client.post(
        reverse("registration_import_signed_minutes", args=[meeting.pk]),
        {"scan": scan, "next": reverse("registration_meeting_detail", args=[meeting.pk])},
    )
    meeting.refresh_from_db()
    assert meeting.berita_acara.name.endswith(".pdf")
