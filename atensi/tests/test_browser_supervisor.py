"""The intake in headless Chromium, as a pekerja sosial whose supervision certificate expired met
it: no supervisor is offered (not even themselves) and the page says why before anything is
typed; a worker of a provider with a certified supervisor is offered exactly that one."""

from datetime import date

import pytest
from django.urls import reverse

from conftest import browser_login
from providers.models import Kind, Provider
from workforce.models import Certificate, Worker

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def options(page) -> list[str]:
    return [o for o in page.locator("select[name=supervisor] option").all_inner_texts()
            if o.strip("-— ")]


def test_the_intake_offers_only_certified_supervisors_and_says_when_none_is(
        browser, live_server, world):
    uptd = Provider.objects.create(name="UPTD Rehabilitasi Sosial", kind=Kind.UPTD_PROVINSI,
                                   region_id="32.01")
    expired = world.staff("peksos-uptd", uptd)
    Certificate.objects.create(worker=Worker.objects.get(user=expired), number="CERT-OLD",
                               issued_on=date(2019, 1, 1), valid_until=date(2024, 1, 1),
                               supervision=True)
    page = browser_login(browser, live_server, expired)
    page.goto(reverse("atensi:intake"))
    warning = page.locator("#no-supervisor")
    assert "No pekerja sosial with a valid supervision certificate" in warning.inner_text()
    assert options(page) == []

    worker = browser_login(browser, live_server, world.worker)
    worker.goto(reverse("atensi:intake"))
    assert worker.locator("#no-supervisor").count() == 0
    assert options(worker) == [str(world.supervisor)]
