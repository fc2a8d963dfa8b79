"""The dashboard in headless Chromium: the province map and the bar charts are drawn from the
summary figures, and clicking a region's bar opens that region's dashboard (issue 16: "drill-down
nation -> province -> kabupaten/kota"). Skips without Chromium, fails under CI."""

import pytest
from django.urls import reverse

from accounts.models import Role
from conftest import browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DRAWN = "[data-chart={}] .chart-canvas[data-rendered=true]"


def test_national_officer_sees_the_map_and_drills_down(browser, live_server, make_user, figures):
    officer = make_user(Role.PUSAT, username="dash-national")
    page = browser_login(browser, live_server, officer)
    page.goto(reverse("reports:national") + "?period=2021-04&program=sembako&metric=households")
    page.locator(DRAWN.format("map")).wait_for()
    shapes = page.locator("[data-chart=map] .chart-canvas svg path")
    assert shapes.count() >= 33, "every province shape is drawn"
    page.locator(DRAWN.format("regions")).wait_for()
    assert page.locator("[data-chart=regions] svg path").count() > 0
    # Province 32 has the most households, so it is the longest bar: click it to drill down.
    page.locator("[data-chart=regions] details summary").click()
    page.locator("[data-chart=regions] table a", has_text="Jawa Barat").click()
    page.wait_for_url("**/wilayah/32/**")
    assert "Jawa Barat" in page.locator("h1 [data-region]").inner_text()
    page.locator(DRAWN.format("regions")).wait_for()
    assert "period=2021-04" in page.url, "the chosen month follows the drill-down"


def test_kabupaten_officer_lands_on_their_own_dashboard(browser, live_server, make_user,
                                                         figures):
    officer = make_user(Role.OPERATOR_KABUPATEN, "32.01", username="dash-kab")
    page = browser_login(browser, live_server, officer)
    page.goto(reverse("reports:national"))
    page.wait_for_url("**/wilayah/32.01/**")
    page.locator(DRAWN.format("regions")).wait_for()
    page.locator(DRAWN.format("distribution")).wait_for()
    page.locator(DRAWN.format("map")).wait_for()  # locates the kabupaten in its province
    errors = page.locator(".chart-canvas[data-rendered=error]")
    assert errors.count() == 0
