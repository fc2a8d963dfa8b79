"""The main path of payments in headless Chromium (issue 12, "Done when"): a program officer
prepares a cycle from a frozen KPM list; a finance officer (another user, role keuangan)
approves it, records the SPM and the SP2D, starts the disbursement file (a job, run by the
worker), downloads the file, imports the bank's answer (a job) and sees the statuses, the
discrepancy and the drill-down by region. Skips without Chromium, fails under CI."""

from pathlib import Path

import pytest
from django.urls import reverse

from audit.models import Event
from conftest import browser_login
from jobs.worker import run_waiting
from payments.models import DisbursementBatch, KpmAccount, PaymentCycle

from .builders import references, response_file

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _job_done(page) -> None:
    page.wait_for_url(lambda url: "/pekerjaan/" in url)  # the job page, at once
    page.locator('[data-state="waiting"]').wait_for()
    assert run_waiting() == 1  # the worker takes the job; the page follows by polling
    page.locator('[data-state="done"]').wait_for()


def test_prepare_approve_generate_download_import_and_see_statuses_in_the_browser(
        browser, live_server, build, officers, tmp_path):
    households = build.households(2)
    for i, h in enumerate(households):
        KpmAccount.objects.create(household=h, channel_id="bri", village_code=h.village_id,
                                  status="open", account_number=f"81{i}")
    run = build.frozen_run("sembako", "2026-11", households)

    officer = browser_login(browser, live_server, officers["program"])
    officer.goto(reverse("payments:cycle_list"))
    officer.select_option("#prepare-form select[name=run]", str(run.pk))
    officer.click("#prepare-form button[type=submit]")
    officer.wait_for_url(lambda url: "/siklus/" in url)
    cycle = PaymentCycle.objects.get(run=run)
    assert officer.locator("#approve").count() == 0  # nobody approves their own cycle

    finance = browser_login(browser, live_server, officers["keuangan"])
    detail = reverse("payments:cycle_detail", args=[cycle.pk])
    finance.goto(detail)
    finance.click("#approve")
    finance.wait_for_load_state()
    finance.locator("#cycle-status", has_text="Approved").wait_for()
    cycle.refresh_from_db()
    assert (cycle.status, cycle.approved_by_id) == ("approved", officers["keuangan"].pk)

    spm = finance.locator("form[action$='/spm/']")
    spm.locator("input[name=number]").fill("SPM-2026-11")
    spm.locator("input[name=date]").fill("2026-11-02")
    spm.locator("input[name=amount]").fill("400000")
    spm.locator("button").click()
    finance.wait_for_load_state()
    finance.get_by_text("SPM-2026-11").wait_for()
    sp2d = finance.locator("form[action$='/sp2d/']")
    sp2d.locator("select[name=channel]").select_option("bri")
    sp2d.locator("input[name=number]").fill("SP2D-2026-11")
    sp2d.locator("input[name=date]").fill("2026-11-03")
    sp2d.locator("input[name=amount]").fill("400000")
    sp2d.locator("button").click()
    finance.wait_for_load_state()
    finance.get_by_text("SP2D-2026-11").wait_for()

    finance.select_option("#generate-form select[name=channel]", "bri")
    finance.click("#generate-form button")
    _job_done(finance)
    batch = DisbursementBatch.objects.get(cycle=cycle)
    finance.goto(detail)
    with finance.expect_download() as taken:
        finance.locator("#batches a", has_text="file").first.click()
    body = Path(taken.value.path()).read_text(encoding="utf-8")
    assert body.splitlines()[-1] == "T;2;400000"
    assert Event.objects.filter(action="payments.batch.download",
                                actor=officers["keuangan"]).count() == 1

    refs = references(batch)
    answer = tmp_path / "bri-answer.txt"
    answer.write_bytes(response_file(batch, {refs[0]: ("C", ""), refs[1]: ("F", "R02")}))
    row = finance.locator("#batches tbody tr").first
    row.locator("input[type=file]").set_input_files(str(answer))
    row.locator("select[name=kind]").select_option("credit")
    row.locator("button", has_text="Import").click()
    _job_done(finance)

    finance.goto(detail)
    statuses = finance.inner_text("#by-status")
    assert "credited: 1" in statuses and "failed: 1" in statuses
    assert "R02" in finance.inner_text("#discrepancies")
    finance.click("#drill-link")
    finance.wait_for_url(lambda url: "/wilayah/" in url)
    finance.locator("#drill-rows a", has_text="32").first.click()
    finance.wait_for_url(lambda url: "r=32" in url)
    assert "R02" in finance.inner_text("#drill-discrepancies")
