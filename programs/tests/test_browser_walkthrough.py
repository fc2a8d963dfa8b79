"""What a new user met in the browser on the program pages (issue 19, item 8), walked again in
headless Chromium: the page of a KPM list frozen from the command line opens, the overlap
report tells "not computed" from zero, and the household page explains the UMK exclusion with
the wage and the UMK, on the first day of the period of the list in force."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from conftest import browser_login
from programs.models import EligibilityRun, ListEntry, ListKind, MinimumWage, ReferenceList
from programs.services import install_shipped
from programs.tests.kpm_data import BOGOR_VILLAGE, small_registry

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_list_frozen_on_the_command_line_an_overlap_not_computed_and_the_umk_compared(
        browser, live_server, make_user):
    registry = small_registry(make_user("administrator"))
    install_shipped()
    wages = ReferenceList.objects.create(kind=ListKind.PENGHASILAN, source_name="upah.csv",
                                         checksum="upah", rows=1)
    ListEntry.objects.create(reference_list=wages, nik=registry.eligible.niks[1], name="x",
                             monthly_income=5_000_000)
    MinimumWage.objects.create(year=2021, regency_id="32.01", amount=4_217_206)
    call_command("programs", "run", "sembako", "2021-03", "--freeze")
    frozen = EligibilityRun.objects.get(program__code="sembako", period="2021-03")

    manager = browser_login(browser, live_server, make_user("program_manager"))
    manager.goto(reverse("programs:run_detail", args=("sembako", frozen.pk)))
    note = manager.locator("#frozen-note").inner_text()
    assert "from the command line" in note and "Frozen" in manager.inner_text("h1")

    manager.goto(reverse("programs:overlap"))
    pair = manager.locator("#overlap-bst-pkh")
    assert pair.locator("[data-total]").inner_text() == "not computed"
    assert "no frozen KPM list yet" in pair.inner_text()

    reader = browser_login(browser, live_server, make_user("operator_desa", BOGOR_VILLAGE))
    reader.goto(reverse("household_detail", args=[registry.eligible.household.pk]))
    sembako = reader.locator("[data-program=sembako]")
    sembako.wait_for()
    assert "on 1 Mar 2021, the start of period 2021-03" in sembako.inner_text()
    sembako.get_by_text("Why: clause by clause").click()
    umk = sembako.locator(".clause-against").filter(has_text="UMK")
    assert "Rp5,000,000" in umk.inner_text() and "Rp4,217,206" in umk.inner_text()
