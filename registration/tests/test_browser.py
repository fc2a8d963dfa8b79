"""The main path of the DTKS update in headless Chromium: a village operator proposes a new
household, submits it, holds the musdes and accepts it; the Dinas Sosial operator assigns the
visit; the verifier records it as verified. Each step asserts what the user sees."""

import time

import pytest
from django.urls import reverse

from accounts.models import Role
from conftest import VILLAGE_A, browser_login
from registration.models import Proposal, ProposalStatus
from registration.tests.conftest import nik
from registry.instrument import shipped_definition
from registry.models import InstrumentVersion

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def instrument(transactional_db):
    """The published instrument (a data migration's row, emptied by transactional tests)."""
    definition = shipped_definition()
    InstrumentVersion.objects.get_or_create(
        code="dtks", version=1, defaults={"title": "DTKS", "definition": definition}
    )
    return definition


def messages_text(page) -> str:
    return page.locator(".messages").inner_text()


def test_village_operator_and_dinas_sosial_walk_a_new_household_to_verified(
    browser, live_server, make_user, instrument
):
    started = time.perf_counter()
    desa = make_user(Role.OPERATOR_DESA, VILLAGE_A)
    kabupaten = make_user(Role.OPERATOR_KABUPATEN, "32.01")
    verifier = make_user(Role.VERIFIER_KABUPATEN, "32.01", first_name="Vera")

    # The village operator proposes a new household and submits it.
    page = browser_login(browser, live_server, desa)
    page.goto(reverse("registration_queues"))
    page.click("text=New household proposal")
    page.select_option("select[name=source]", "self_registration")
    page.fill("input[name=address]", "Kp. Sukamaju")
    page.fill("input[name=rt]", "1")
    page.fill("input[name=rw]", "3")
    page.fill("input[name=kk_number]", "3201010202210001")
    page.fill("input[name=m-0-nik]", nik(301))
    page.fill("input[name=m-0-name]", "Siti Aminah")
    page.select_option("select[name=m-0-sex]", "L")
    page.fill("input[name=m-0-birth_date]", "1990-03-04")
    page.select_option("select[name=m-0-relation_to_household_head]", "1")
    page.select_option("select[name=m-0-relation_to_family_head]", "1")
    page.select_option("select[name=m-0-marital_status]", "2")
    page.click("text=Save proposal")
    assert "saved as a draft" in messages_text(page)
    assert page.locator("#proposal-status").inner_text() == "Draft"
    assert nik(301) in page.inner_text("main")
    page.click("button[data-action=submit]")
    assert page.locator("#proposal-status").inner_text() == "Submitted to the village meeting"
    proposal = Proposal.objects.get()

    # The village operator holds the musdes and accepts the proposal.
    page.click(".breadcrumb >> text=DTKS update")
    page.click("[data-queue=to_decide]")
    page.fill("input[name=held_on]", "2026-10-05")
    page.fill("input[name=place]", "Balai desa")
    page.fill("textarea[name=participants]", "Asep Saepudin; Kepala desa\nEneng; Ketua RT 01")
    page.click("text=Open the meeting")
    assert page.locator("#meeting-status").inner_text() == "Open"
    agenda = page.locator(f"#agenda-{proposal.pk}")
    assert "Kp. Sukamaju" in agenda.inner_text()
    agenda.locator("button[value=accept]").click()
    assert "Accept" in page.locator(f"#agenda-{proposal.pk}").inner_text()
    page.click("#close-meeting")
    assert page.locator("#meeting-status").inner_text() == "Closed"
    assert "final prelist is set" in messages_text(page)
    page.context.close()

    # The Dinas Sosial operator assigns the visit to the verifier.
    page = browser_login(browser, live_server, kabupaten)
    page.goto(reverse("registration_queues"))
    page.click("[data-queue=to_assign]")
    page.check(f"#assign-{proposal.pk}")
    page.select_option("select[name=enumerator]", str(verifier.pk))
    page.click("text=Assign the chosen visits")
    assert "1 visit(s) assigned to Vera" in messages_text(page)
    assert "No proposal waits for a visit." in page.inner_text("main")
    page.context.close()

    # The verifier records the visit with result 1 and the instrument's required answers.
    page = browser_login(browser, live_server, verifier)
    page.goto(reverse("registration_visit_list"))
    page.click("text=Record the visit")
    page.select_option("select[name=result]", "1")
    page.fill("input[name=visited_at]", "2026-10-12T09:00")
    for block in instrument["blocks"]:
        for q in block["questions"]:
            if not q.get("required"):
                continue
            field = f"[name=q_{q['key']}]"
            if q["type"] == "code":
                page.select_option(field, index=1)
            elif q["type"] == "boolean":
                page.select_option(field, "0")
            else:
                page.fill(field, "24")
    page.click("text=Save the visit")
    assert "was recorded" in messages_text(page)
    assert "No visits wait for you." in page.inner_text("main")
    page.context.close()

    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.VERIFIED
    print(f"browser main path: {time.perf_counter() - started:.1f}s")
