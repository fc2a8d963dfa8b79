"""An auditor in headless Chromium opens the audit log from the navigation bar, narrows it to
one actor's registry changes and pages through them; the page offers nothing to change."""

import pytest
from django.urls import reverse

from accounts.models import Role
from audit import views
from audit.models import Event
from audit.services import LOG_READ
from conftest import browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_auditor_filters_and_pages_through_the_audit_log(browser, live_server, make_user,
                                                           monkeypatch):
    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    operator = make_user(Role.OPERATOR_DESA, "32.01.01.1001", first_name="Siti")
    for n in range(3):
        Event.objects.create(actor=operator, action="registry.member.update",
                             object_type="registry.member", object_id=str(n + 1),
                             region_code="32.01.01.1001", changes={"rt": ["001", f"00{n + 2}"]})
    Event.objects.create(action="programs.run.enrollment", object_type="programs.eligibilityrun",
                         object_id="9", source="batch", source_ref="eligibility:9")
    auditor = make_user(Role.AUDITOR)
    page = browser_login(browser, live_server, auditor)
    page.goto(reverse("home"))
    page.click("#nav-audit-log")
    page.wait_for_url(lambda url: reverse("audit:event_list") in url)
    page.fill("input[name=actor]", "Siti")
    page.fill("input[name=action]", "registry.")
    page.click("#event-filter button[type=submit]")
    page.wait_for_url(lambda url: "actor=Siti" in url)
    assert page.locator("#events tbody tr[data-event]").count() == 2
    assert "001 → 004" in page.inner_text("#events")  # newest first
    page.click("#next-page")
    page.wait_for_url(lambda url: "page=2" in url)
    assert page.locator("#events tbody tr[data-event]").count() == 1
    assert "001 → 002" in page.inner_text("#events")
    assert page.locator("main form[method=post]").count() == 0
    assert Event.objects.filter(action=LOG_READ, actor=auditor).count() == 3
