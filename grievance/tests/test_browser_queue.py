"""The operator's complaint queue in headless Chromium from a phone-sized window: the village
operator sees the complaint of their village, opens it, starts handling, resolves it with a
message, and the citizen's timeline shows the message. Skips without Chromium, fails under CI."""

import pytest
from django.urls import reverse

from accounts.models import Role
from conftest import VILLAGE_A, browser_login
from grievance import selectors, services
from grievance.models import Notification

from .conftest import complaint_data

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_operator_works_the_queue_on_a_phone(browser, live_server, make_user):
    sub = services.submit_public("complaint", complaint_data())
    other = services.submit_public("complaint", complaint_data(village_code="32.01.01.1002"))
    operator = make_user(Role.OPERATOR_DESA, VILLAGE_A)
    page = browser_login(browser, live_server, operator)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(reverse("grievance:queue"))
    items = page.locator("#queue-list .queue-item")
    assert items.count() == 1
    assert sub.tracking_number in items.first.inner_text()
    assert other.tracking_number not in page.content()
    # the filter (htmx) keeps the page usable
    page.select_option("#queue-filter select[name=category]", "card_problem")
    page.locator("#queue-empty").wait_for()
    page.select_option("#queue-filter select[name=category]", "")
    page.locator("#queue-list .queue-item").first.wait_for()
    page.click(f"text={sub.tracking_number}")
    page.click("#start-btn")
    page.fill("#message", "Saldo sudah masuk, silakan cek di e-warong.")
    page.click("#resolve-btn")
    page.locator("#status").wait_for()
    assert "Resolved" in page.locator("#status").inner_text()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390 + 1, "the detail page scrolls sideways on a phone"
    timeline = selectors.public_timeline(sub.tracking_number)
    assert any("Saldo sudah masuk" in e.message for e in timeline.events)
    assert Notification.objects.filter(submission=sub).exists()
