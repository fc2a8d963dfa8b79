"""The main path of programs in headless Chromium: a program manager tightens Program Sembako's
desil rule in the editor (the live check names a wrong attribute, then counts the draft), saves
and publishes it, runs the enrollment for a period and freezes the KPM list; a village-level
reader then sees on the household page why a household is not in the program."""

import pytest
from django.urls import reverse

from conftest import browser_login
from jobs.worker import run_waiting
from programs.models import EligibilityRun, Program
from programs.tests.kpm_data import BOGOR_VILLAGE, world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_rule_change_is_checked_published_run_and_frozen_in_the_browser(
        browser, live_server, make_user):
    w = world(make_user)
    manager = browser_login(browser, live_server, make_user("program_manager"))
    manager.goto(reverse("programs:rule_editor", args=["sembako"]))
    desil = manager.locator("#editor-clauses textarea").filter(has_text="desil <= 5")
    check = manager.locator(f"#check-{desil.get_attribute('name')}")

    desil.fill("")
    desil.press_sequentially("kekayaan <= 3")  # keystrokes: the check runs as one types
    check.get_by_text("kekayaan").wait_for()
    assert "Unknown attribute" in check.inner_text()

    desil.fill("")
    desil.press_sequentially("desil <= 1")
    check.locator(".rules-field-ok").wait_for()
    # Leaving the field checks it once more ("change"): let that answer come before saving, as
    # the test server shares one SQLite connection between its request threads.
    with manager.expect_response(lambda r: "/aturan/periksa/" in r.url):
        desil.press("Tab")
    manager.click("#rule-form button[type=submit]")
    manager.get_by_text("Draft version 2 saved").wait_for()
    sembako = Program.objects.get(code="sembako")
    draft = sembako.rule_sets.get(version=2)
    assert next(c for c in draft.definition["clauses"] if c["id"] == "desil")[
        "expr"] == "desil <= 1"

    manager.goto(reverse("programs:rule_publish", args=["sembako", 2]))
    manager.click("#publish-form button[type=submit]")
    manager.wait_for_url(lambda url: "terbitkan" not in url)
    draft.refresh_from_db()
    assert draft.published_at is not None

    manager.goto(reverse("programs:program_detail", args=["sembako"]))
    manager.fill("#run-form input[name=period]", "2021-04")
    manager.click("#run-form button[type=submit]")
    manager.wait_for_url(lambda url: "/pekerjaan/" in url)  # the job page, at once
    manager.locator('[data-state="waiting"]').wait_for()
    assert run_waiting() == 1  # the worker takes the job; the page follows by polling
    manager.locator('[data-state="done"]').wait_for()
    manager.click("#job-status a.btn-primary")
    manager.wait_for_url(lambda url: "/hasil/" in url)
    run = EligibilityRun.objects.get(program=sembako, period="2021-04")
    assert run.rule_set.version == 2
    manager.on("dialog", lambda dialog: dialog.accept())
    manager.click("#freeze-form button[type=submit]")
    manager.wait_for_load_state()
    manager.locator("#freeze-form").wait_for(state="detached")
    run.refresh_from_db()
    assert run.state == "frozen"

    # Budi Santoso's household has desil 2: no longer within the published desil <= 1.
    reader = browser_login(browser, live_server, make_user("operator_desa", BOGOR_VILLAGE))
    household = w.registry.eligible.household
    reader.goto(reverse("household_detail", args=[household.pk]))
    block = reader.locator("text=Not met").first
    block.wait_for()
    assert "desil" in reader.inner_text("main").lower()
