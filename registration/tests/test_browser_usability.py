"""What a new user met in the browser (issue 19, item 8), walked again in headless Chromium:
the village operator saves once, corrects a draft, sees the NIK/sex warning and who each
proposal is about, and changes the registry only through proposals; the centre previews and
confirms the penetapan and opens the decree; the lists page and search past 200 rows."""

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from audit.services import Context
from conftest import VILLAGE_A, browser_login
from registration import services
from registration.models import Kind, PeriodStatus, Proposal
from registration.tests.conftest import new_household_payload, nik
from registration.tests.test_browser import instrument, messages_text  # noqa: F401
from registry.identity import mask_nik

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def fill_new_household(page, serial: int, sex: str) -> None:
    page.select_option("select[name=source]", "self_registration")
    page.fill("input[name=address]", "Kp. Sukamaju")
    page.fill("input[name=kk_number]", "3201010202210001")
    page.fill("input[name=m-0-nik]", nik(serial))  # a man's NIK (day of birth 04)
    page.fill("input[name=m-0-name]", "Siti Aminah")
    page.select_option("select[name=m-0-sex]", sex)
    page.fill("input[name=m-0-birth_date]", "1990-03-04")
    page.select_option("select[name=m-0-relation_to_household_head]", "1")
    page.select_option("select[name=m-0-relation_to_family_head]", "1")
    page.select_option("select[name=m-0-marital_status]", "2")


def test_a_village_operator_saves_once_corrects_the_draft_and_proposes_registry_changes(
    browser,
    live_server,
    make_user,
    make_household,
    instrument,  # noqa: F811
):
    desa = make_user(Role.OPERATOR_DESA, VILLAGE_A)
    household = make_household(nik=nik(951), kk="3201010101200951", name="Budi Santoso")
    page = browser_login(browser, live_server, desa)

    # A new household whose NIK says "man" while the form says "woman": saved with a warning,
    # and the page says whom the proposal is about, with the NIK masked.
    page.goto(reverse("registration_proposal_create"))
    fill_new_household(page, 952, "P")
    page.click("text=Save proposal")
    assert "with warnings" in messages_text(page)
    assert page.locator("[data-warning=nik_sex_mismatch]").count() == 1
    subject = page.locator("#proposal-subject").inner_text()
    assert "Siti Aminah" in subject and mask_nik(nik(952)) in subject
    proposal = Proposal.objects.get()

    # Back, and save again: nothing is saved twice (the browser may show the form it kept,
    # with its one-time token, or a fresh one with the values restored: refused either way).
    page.go_back()
    page.click("text=Save proposal")
    said = messages_text(page)
    assert f"#{proposal.pk}" in said and ("not saved twice" in said or "Nothing new" in said)
    assert page.url.endswith(reverse("registration_proposal_detail", args=[proposal.pk]))
    assert Proposal.objects.count() == 1

    # The draft is corrected on the web: the warning goes.
    page.click("#revise")
    page.fill("input[name=f0-m-0-name]", "Siti Aminah Putri")
    page.select_option("select[name=f0-m-0-sex]", "L")
    page.click("text=Save the changes")
    assert "The proposal was changed." in messages_text(page)
    assert page.locator("[data-warning=nik_sex_mismatch]").count() == 0
    assert "Siti Aminah Putri" in page.locator("#proposal-subject").inner_text()

    # The registry pages lead to the proposal forms, not to direct edits.
    page.goto(reverse("household_detail", args=[household.pk]))
    assert page.locator("#edit").count() == 0 and page.locator("#status").count() == 0
    page.click("#change-by-proposal >> text=Propose a correction of the address")
    assert "Propose: Correct data" in page.inner_text("h1")
    member = household.members.get()
    page.goto(reverse("member_detail", args=[member.pk]))
    page.click("#change-by-proposal >> text=Propose to remove the member")
    page.select_option("select[name=source]", "rt_rw_dusun")
    page.select_option("select[name=reason]", "moved")
    page.click("text=Save proposal")
    assert "saved as a draft" in messages_text(page)
    subject = page.locator("#proposal-subject").inner_text()
    assert "Member" in subject and "Budi Santoso" in subject
    assert mask_nik(nik(951)) in subject
    page.context.close()


def test_the_centre_previews_and_confirms_the_penetapan_and_opens_the_decree(
    browser,
    live_server,
    flow,
    instrument,  # noqa: F811
):
    accepted = [flow.propose(Kind.NEW_HOUSEHOLD, new_household_payload(serial=961))]
    flow.through_meeting(accepted)
    flow.verify(accepted)
    submission = flow.compile()
    flow.approve(submission)
    waiting = [flow.propose(Kind.NEW_HOUSEHOLD, new_household_payload(serial=962, name="Tuti"))]
    flow.through_meeting(waiting)
    flow.verify(waiting)
    later = flow.compile()
    flow.ratify(later)
    following = services.open_period(Context(flow.pusat), "2027-Q1", "DTKS 2027 triwulan I")

    page = browser_login(browser, live_server, flow.pusat)
    page.goto(reverse("registration_period_list"))
    page.click(f"#period-{flow.period.pk} >> text=Preview the penetapan")
    assert "1 proposal will be applied" in page.inner_text("#to-apply")
    assert "Kabupaten Bogor" in page.inner_text("#by-region")
    assert f"#{later.pk}" in page.inner_text("#in-chain")
    page.fill("input[name=decree_number]", "KEPMENSOS 5/HUK/2026")
    page.click("#determine")  # without the confirmation: refused, nothing applied
    flow.period.refresh_from_db()
    assert flow.period.status == PeriodStatus.OPEN
    page.select_option("select[name=carry_over_to]", str(following.pk))
    page.check("input[name=confirm]")
    page.click("#determine")
    assert "was determined" in messages_text(page)
    later.refresh_from_db()
    assert later.period == following

    page.goto(reverse("registration_submission_detail", args=[submission.pk]))
    href = page.get_attribute("#decree-file", "href")
    response = page.request.get(href)
    assert response.status == 200 and response.body().startswith(b"%PDF")
    page.context.close()


def test_the_proposal_list_pages_and_searches_past_200_rows(
    browser,
    live_server,
    flow,
    instrument,  # noqa: F811
):
    operator = flow.village_operator()
    Proposal.objects.bulk_create(
        Proposal(
            kind=Kind.NEW_HOUSEHOLD,
            source="self_registration",
            village_id=VILLAGE_A,
            payload=new_household_payload(serial=2000 + i, name=f"Warga {i:03d}"),
            status_since=timezone.now(),
            created_by=operator,
        )
        for i in range(210)
    )
    flow.propose(Kind.NEW_HOUSEHOLD, new_household_payload(serial=971, name="Tuti Alawiyah"))
    page = browser_login(browser, live_server, operator)
    page.goto(reverse("registration_proposal_list"))
    assert "Rows 1–50 of 211" in page.inner_text("[data-pagination]")
    for _ in range(4):
        page.click("a[rel=next]")
    assert "Rows 201–211 of 211" in page.inner_text("[data-pagination]")
    assert page.locator("#proposal-table tbody tr").count() == 11
    page.fill("input[name=q]", "tuti")
    page.click("text=Filter")
    rows = page.locator("#proposal-table tbody tr")
    assert rows.count() == 1
    assert "Tuti Alawiyah" in rows.inner_text() and mask_nik(nik(971)) in rows.inner_text()
    page.context.close()
