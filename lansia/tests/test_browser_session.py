"""The kader records the month's Posyandu session on a phone-sized window: ticks attendance,
enters screening values and ticks the flags that refer a neglected elder to ATENSI. Skips
without Chromium, fails under CI."""

import pytest

from conftest import browser_login
from lansia.models import Attendance, Referral, Session

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_kader_records_a_posyandu_session_on_a_phone(browser, live_server, world):
    member = world.newcomer()
    page = browser_login(browser, live_server, world.kader)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/posyandu-lansia/")
    page.click("text=Record this month's session")
    page.wait_for_selector("#session-form")
    page.check(f"#present-{member.pk}")
    page.fill(f"#weight_kg-{member.pk}", "52.5")
    page.fill(f"#systolic-{member.pk}", "135")
    page.fill(f"#diastolic-{member.pk}", "85")
    page.check(f"#nutrition-{member.pk}")
    page.check(f"#lives_alone-{member.pk}")
    page.check(f"#neglected-{member.pk}")
    page.click("text=Save the session")
    page.wait_for_url(f"**/posyandu-lansia/{world.post.pk}/")
    assert "Referred to ATENSI" in page.inner_text("main")
    line = Attendance.objects.get(member=member)
    assert line.present and line.systolic == 135 and str(line.weight_kg) == "52.5"
    assert Session.objects.count() == 1
    assert Referral.objects.filter(member=member, kind="atensi", status="waiting").count() == 1
