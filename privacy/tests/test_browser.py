"""The officer's main path in headless Chromium: record a person's access request, check the
KTP, produce the copy of the data, download it and close the request as fulfilled."""

import json
from pathlib import Path

import pytest
from django.urls import reverse

from conftest import browser_login
from privacy.models import RequestStatus, SubjectRequest

from .conftest import NIK

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_access_request_is_answered_with_the_copy_in_the_browser(
        browser, live_server, officer, person):
    page = browser_login(browser, live_server, officer)
    page.goto(reverse("privacy:dashboard"))
    page.get_by_text("No open requests.").wait_for()
    page.click("text=Record a request")
    page.select_option("#id_kind", "access")
    page.fill("#id_nik", NIK)
    page.fill("#id_requester_name", "Budi Santoso")
    page.select_option("#id_requester_relation", "self")
    page.check("#id_identity_checked")
    page.click("#request-form button[type=submit]")
    page.get_by_text("recorded: due").wait_for()
    request = SubjectRequest.objects.get()
    assert (request.due_at - request.received_at).total_seconds() == 72 * 3600

    page.click("#bundle-form button[type=submit]")
    page.get_by_text("The copy of the data was produced.").wait_for()
    with page.expect_download() as download:
        page.click("#download-json")
    data = json.loads(Path(download.value.path()).read_text(encoding="utf-8"))
    assert data["nik"] == NIK and data["language"] == "en"
    assert data["records"][0]["program_decisions"]

    page.fill("#answer-form textarea", "Handed over in person, printed.")
    page.click("#answer-form button[type=submit]")
    page.get_by_text("The request is closed.").wait_for()
    request.refresh_from_db()
    assert request.status == RequestStatus.FULFILLED
    page.goto(reverse("privacy:dashboard"))
    page.get_by_text("No open requests.").wait_for()
