"""Recording a sale at a stall in headless Chromium on a phone-sized window. Skips without
Chromium, fails under CI."""

import pytest

from conftest import browser_login
from sentra.models import Sale

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_staff_record_a_sale_at_the_stall_from_a_phone(browser, live_server, world):
    page = browser_login(browser, live_server, world.peksos)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"/sentra/lapak/{world.stall.pk}/")
    page.select_option("select[name=product]", str(world.coffee.pk))
    page.fill("input[name=quantity]", "2")
    page.click("#sale-form button[type=submit]")
    page.wait_for_url(f"**/sentra/lapak/{world.stall.pk}/")
    page.locator("text=The sale was recorded.").wait_for()
    sale = Sale.objects.get()
    assert (sale.quantity, sale.amount, sale.participant_share) == (2, 16_000, 16_000)
    assert "16,000" in page.locator("#today-total").inner_text()
