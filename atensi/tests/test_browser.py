"""The main path of ATENSI in headless Chromium: a complaint is taken in as an emergency, the
case response recorded, a case conference held, and the case walked through the seven stages
(Permensos 7/2021 article 19) to termination, the supervisor signing off each stage in their
own browser session."""

import time

import pytest
from django.urls import reverse
from django.utils import timezone

from atensi.models import Case
from conftest import VILLAGE_A, browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TODAY = timezone.localdate().isoformat()


def fill_form(page, code: str, values: dict) -> None:
    """Open a stage form from the case page, fill it, save it."""
    page.click(f"a[data-form={code}]")
    for name, value in values.items():
        field = page.locator(f"[name={name}]").first
        tag = field.evaluate("e => e.tagName + ':' + (e.type || '')")
        if tag.startswith("SELECT"):
            page.select_option(f"select[name={name}]", value)
        elif tag.endswith(":checkbox"):
            page.check(f"input[name={name}]" + (f"[value='{value}']" if value != "on" else ""))
        else:
            field.fill(value)
    page.click("#save")
    assert "Recorded" in page.locator(".messages").inner_text(), page.inner_text("main")[:800]


def test_a_complaint_walked_through_the_seven_stages_in_the_browser(browser, live_server, world):
    started = time.perf_counter()
    worker = browser_login(browser, live_server, world.worker)
    worker.goto(reverse("atensi:caseload"))
    worker.click("#new-intake")
    worker.select_option("select[name=provider]", str(world.lks.pk))
    worker.select_option("select[name=source]", "complaint")
    worker.fill("input[name=referrer]", "Ibu Sari (tetangga)")
    worker.fill("textarea[name=problem]", "Anak ditelantarkan")
    worker.check("input[name=emergency]")
    worker.fill("input[name=name]", "Dewi Lestari")
    worker.fill("input[name=birth_date]", "2012-05-06")
    worker.select_option("select[name=sex]", "P")
    for level, code in enumerate(["32", "32.01", "32.01.01", VILLAGE_A], start=1):
        worker.wait_for_selector(f"#id_region_{level} option[value='{code}']", state="attached")
        worker.select_option(f"#id_region_{level}", code)
    worker.select_option("select[name=supervisor]", str(world.supervisor.pk))
    worker.select_option("select[name=pas_group]", "vulnerable_children")
    worker.check("input[name=clusters][value=children]")
    worker.click("#save-intake")
    assert "opened" in worker.locator(".messages").inner_text()
    case = Case.objects.get()
    assert worker.locator("#emergency-waiting").is_visible()

    worker.click("#add-conference")
    worker.select_option("select[name=kind]", "case")
    worker.fill("input[name=held_on]", TODAY)
    worker.fill("textarea[name=participants]", "dr. Rina - psikolog\nAni - pekerja sosial")
    worker.fill("textarea[name=findings]", "Trauma ringan")
    worker.fill("textarea[name=decisions]", "Pengasuhan oleh nenek")
    worker.fill("input[name=duration_days]", "90")
    worker.click("#save")
    assert "90" in worker.locator("#duration").inner_text()

    supervisor = browser_login(browser, live_server, world.supervisor)
    forms = {
        "engagement": [
            ("case_response", {"actions": "Anak dievakuasi ke rumah aman"}),
            ("initial_assessment", {"summary": "Anak tanpa pengasuh", "risk": "high"}),
            ("initial_agreement", {"consent": "on", "by": "Nenek", "agreed_on": TODAY}),
        ],
        "assessment": [("domain_assessment", {"domain": "psychosocial", "score": "2"})],
        "planning": [
            ("resource_mapping", {"providers": str(world.sentra.pk)}),
            ("plan_goal", {"domain": "psychosocial", "goal": "Pulih dari trauma"}),
            ("joint_agreement", {"consent": "on", "by": "Nenek", "agreed_on": TODAY}),
        ],
        "implementation": [
            (
                "service",
                {
                    "form": "social_assistance",
                    "basis": "family",
                    "delivered_on": TODAY,
                    "description": "Sembako",
                    "amount_rupiah": "250000",
                },
            )
        ],
        "monitoring": [
            ("indicator", {"level": "outcome", "name": "Anak bersekolah", "measured_on": TODAY})
        ],
        "aftercare": [
            ("follow_up", {"due_on": TODAY, "purpose": "Kunjungan rumah"}),
            ("termination", {"reason": "goals_achieved"}),
        ],
    }
    page_url = reverse("atensi:case", args=[case.pk])
    for stage in [
        "access",
        "engagement",
        "assessment",
        "planning",
        "implementation",
        "monitoring",
        "aftercare",
    ]:
        worker.goto(page_url)
        assert worker.locator("#timeline [data-state=current]").get_attribute("data-stage") == stage
        for code, values in forms.get(stage, []):
            fill_form(worker, code, values)
        worker.click("#request-signoff")
        assert worker.locator("#pending").is_visible()
        supervisor.goto(page_url)
        supervisor.click("#approve")
        assert "approved" in supervisor.locator(".messages").inner_text()
    assert supervisor.locator("#terminated").is_visible()
    worker.goto(page_url)
    assert worker.locator("#signoffs [data-kind=approve]").count() == 7
    case.refresh_from_db()
    assert case.status == "terminated" and case.responded_at is not None
    print(f"ATENSI browser main path: {time.perf_counter() - started:.1f}s")
