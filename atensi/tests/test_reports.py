"""ATENSI reports: counts by stage, cluster, provider, region and period, M&E indicators, and
the article 52 periodic report of a kabupaten/kota and a province as PDF and XLSX.

Pasal 52: "Gubernur dan bupati/wali kota wajib membuat laporan tertulis secara berjenjang
mengenai pelaksanaan ATENSI sesuai dengan kewenangannya." """

import io
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.test import Client as WebClient
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from accounts.models import Role
from atensi import reports
from atensi.models import Case, CaseStatus, Indicator
from atensi.selectors import reportable_cases
from audit.models import Event
from conftest import VILLAGE_A, VILLAGE_OTHER_DISTRICT
from wilayah.models import Region

pytestmark = pytest.mark.django_db
WIB = ZoneInfo("Asia/Jakarta")
YEAR_2026 = {"opened_from": "2026-01-01", "opened_to": "2026-12-31"}


def web(user, language: str = "") -> WebClient:
    client = WebClient()
    client.force_login(user)
    if language:
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


def opened(case: Case, on: date) -> None:
    Case.objects.filter(pk=case.pk).update(
        opened_at=datetime(on.year, on.month, on.day, 9, tzinfo=WIB)
    )


@pytest.fixture
def seeded(world):
    """Four cases in Kabupaten Bogor: three opened in 2026 (one terminated, one emergency, one
    in the assessment stage, one in two clusters), one opened in 2025."""
    a = world.case(world.person(name="Ani"), pas_group="vulnerable_children")
    b = world.case(
        world.person(
            name="Bambang", sex="L", region_code=VILLAGE_OTHER_DISTRICT, birth_date=date(1950, 1, 2)
        ),
        pas_group="difabel",
        clusters=["disability", "elderly"],
    )
    c = world.case(world.person(name="Citra"), emergency=True, pas_group="violence_victims")
    old = world.case(world.person(name="Dodi", sex="L"), pas_group="vulnerable_children")
    for case, on in ((a, date(2026, 3, 2)), (b, date(2026, 4, 10)), (c, date(2026, 6, 30))):
        opened(case, on)
    opened(old, date(2025, 12, 31))
    Case.objects.filter(pk=b.pk).update(stage="assessment")
    Case.objects.filter(pk=a.pk).update(
        status=CaseStatus.TERMINATED,
        closed_at=datetime(2026, 9, 1, tzinfo=WIB),
        termination_reason="goals_achieved",
    )
    for case, level, met in ((a, "outcome", True), (a, "outcome", False), (b, "impact", None)):
        Indicator.objects.create(
            case=case,
            level=level,
            name="Anak kembali bersekolah",
            measured_on=date(2026, 8, 1),
            met=met,
        )
    world.cases = {"a": a, "b": b, "c": c, "old": old}
    return world


def table(tables, key) -> dict:
    found = next(t for t in tables if t.key == key)
    return {row[0]: row[1:] if len(row) > 2 else row[1] for row in found.rows}


def row_label(code: str) -> str:
    return f"{Region.objects.get(code=code).name} ({code})"


def operator(make_user, regency="32.01"):
    return make_user(Role.OPERATOR_KABUPATEN, regency, username=f"op-{regency}")


# --- counts --------------------------------------------------------------------------------


def test_counts_per_dimension_equal_the_cases_seeded(seeded, make_user):
    user = operator(make_user)
    period = reports.Period(date(2026, 1, 1), date(2026, 12, 31))
    with translation.override("en"):
        tables = reports.case_tables(reportable_cases(user), "32.01", period)
        assert table(tables, "summary") == {
            "Cases opened": 3,
            "Still open": 2,
            "Terminated": 1,
            "Emergency responses": 1,
        }
        stages = {label[:2]: n for label, n in table(tables, "stage").items()}
        assert stages == {"a.": 2, "b.": 0, "c.": 1, "d.": 0, "e.": 0, "f.": 0, "g.": 0}
        clusters = table(tables, "cluster")
        assert clusters["Children"] == 2
        assert clusters["Persons with disabilities"] == 1
        assert clusters["Elderly"] == 1
        assert clusters["Victims of drug abuse (NAPZA)"] == 0
        pas = table(tables, "pas_group")
        assert pas["Vulnerable children"] == 1
        assert pas["Persons with disabilities (difabel)"] == 1
        assert pas["Victims of violence"] == 1
        assert table(tables, "provider") == {"LKS Harapan Bunda": 3}
        assert table(tables, "termination")["Goals of the plan achieved"] == 1
        regions = table(tables, "region")  # one level below the kabupaten: its districts
        assert regions[row_label("32.01.01")] == 2
        assert regions[row_label("32.01.02")] == 1
        assert table(tables, "indicators") == {
            "Input": [0, 0, None],
            "Process": [0, 0, None],
            "Output": [0, 0, None],
            "Outcome": [2, 1, 0.5],
            "Impact": [1, 0, 0.0],
        }


def test_the_period_filter_leaves_out_cases_opened_outside_it(seeded, make_user):
    user = operator(make_user)
    with translation.override("en"):
        everything = reports.case_tables(reportable_cases(user), "32.01", reports.Period())
        first_half = reports.case_tables(
            reportable_cases(user), "32.01", reports.Period(date(2026, 1, 1), date(2026, 6, 29))
        )
        assert table(everything, "summary")["Cases opened"] == 4
        assert table(first_half, "summary")["Cases opened"] == 2  # Citra opened on 30 June


def test_the_reports_page_counts_within_the_users_region(seeded, make_user):
    response = web(operator(make_user)).get(reverse("atensi:reports"), YEAR_2026)
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="report-stage"' in page and 'id="report-indicators"' in page
    assert "Ani" not in page and "Bambang" not in page  # counts only
    other = operator(make_user, "34.03")
    assert (
        reports.case_tables(reportable_cases(other), "34.03", reports.Period())[0].rows[0][1] == 0
    )


def test_a_bad_date_is_named_in_the_users_language(seeded, make_user):
    user = operator(make_user)
    response = web(user).get(reverse("atensi:reports"), {"opened_from": "2026-13-45"})
    assert response.status_code == 400
    assert "Dibuka sejak" in response.content.decode()  # "Opened from", in Indonesian
    response = web(user, "en").get(
        reverse("atensi:article52", args=["pdf"]),
        {"region": "32.01", "opened_from": "2026-06-01", "opened_to": "2026-01-01"},
    )
    assert response.status_code == 400
    assert "Opened to: The end of the period is before its start." in response.content.decode()


# --- the article 52 report ----------------------------------------------------------------


def test_a_kabupaten_operator_cannot_get_another_kabupatens_report(seeded, make_user):
    gunungkidul = web(operator(make_user, "34.03"))
    url = reverse("atensi:article52", args=["xlsx"])
    assert gunungkidul.get(url, {"region": "32.01"} | YEAR_2026).status_code == 403
    assert gunungkidul.get(url, {"region": "32"} | YEAR_2026).status_code == 403  # the province
    assert gunungkidul.get(url, {"region": "99.99"}).status_code == 404
    assert gunungkidul.get(url, {"region": "34.03.01"}).status_code == 404  # not a kabupaten
    assert not Event.objects.filter(action=reports.DOWNLOAD).exists()


def test_a_province_officer_reports_the_province_and_its_kabupaten(seeded, make_user):
    officer = make_user(Role.DINSOS_PROVINSI, "32")
    assert list(reports.report_regions(officer).values_list("code", flat=True)) == ["32", "32.01"]
    user = web(officer)
    url = reverse("atensi:article52", args=["xlsx"])
    assert user.get(url, {"region": "32"} | YEAR_2026).status_code == 200
    assert user.get(url, {"region": "32.01"} | YEAR_2026).status_code == 200
    assert user.get(url, {"region": "34.03"} | YEAR_2026).status_code == 403
    province = reports.article52(
        officer, Region.objects.get(code="32"), reports.Period(date(2026, 1, 1), date(2026, 12, 31))
    )
    with translation.override("en"):
        assert table(province.tables, "region")[row_label("32.01")] == 3


def test_the_pdf_names_the_region_and_period_in_indonesian_by_default(seeded, make_user):
    user = operator(make_user)
    response = web(user).get(
        reverse("atensi:article52", args=["pdf"]), {"region": "32.01"} | YEAR_2026
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert "atensi-pasal52-3201-2026-01-01-2026-12-31.pdf" in response["Content-Disposition"]

    region = Region.objects.get(code="32.01")
    report = reports.article52(user, region, reports.Period(date(2026, 1, 1), date(2026, 12, 31)))
    html = reports.report_html(report)
    assert "LAPORAN PELAKSANAAN ATENSI" in html
    assert f"<title>Laporan Pelaksanaan ATENSI {region.name} 01-01-2026" in html
    assert "1 Januari 2026" in html and "31 Desember 2026" in html
    assert "WIB" in html  # the generated time in the region's time zone
    with translation.override("en"):
        assert "ATENSI IMPLEMENTATION REPORT" in reports.report_html(report)


def test_the_xlsx_holds_the_counts_as_numbers(seeded, make_user):
    user = operator(make_user)
    response = web(user, "en").get(
        reverse("atensi:article52", args=["xlsx"]), {"region": "32.01"} | YEAR_2026
    )
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames[0] == "Cover"
    cover = {row[0]: row[1] for row in book["Cover"].iter_rows(values_only=True)}
    assert cover["Region"] == row_label("32.01")
    assert cover["Period from"].date() == date(2026, 1, 1)
    assert cover["Period to"].date() == date(2026, 12, 31)
    assert cover["Generated by"] == "op-32.01"

    sheet = book["Cases opened in the period"]
    assert sheet["A2"].font.b and sheet["B2"].font.b  # the header row is bold
    summary = {row[0]: row[1] for row in sheet.iter_rows(min_row=3, values_only=True)}
    assert summary["Cases opened"] == 3 and isinstance(summary["Cases opened"], int)
    clusters = {r[0]: r[1] for r in book["Cases by cluster"].iter_rows(values_only=True)}
    assert clusters["Children"] == 2
    indicators = {
        r[0]: r[1:]
        for r in book["Monitoring and evaluation indic"].iter_rows(min_row=3, values_only=True)
    }
    assert indicators["Outcome"] == (2, 1, 0.5)
    providers = {r[0]: r[1] for r in book["Providers by kind"].iter_rows(values_only=True)}
    assert providers["LKS (community organisation)"] == 2
    dtks = {r[0]: r[1] for r in book["Clients reported to DTKS (artic"].iter_rows(values_only=True)}
    assert dtks["Total"] == 4  # every client here is outside DTKS (article 43)


def test_a_download_is_an_audit_event(seeded, make_user):
    user = operator(make_user)
    web(user).get(reverse("atensi:article52", args=["pdf"]), {"region": "32.01"} | YEAR_2026)
    event = Event.objects.get(action=reports.DOWNLOAD)
    assert event.actor == user
    assert event.object_type == reports.REPORT_OBJECT
    assert event.object_id == "32.01:2026-01-01:2026-12-31"
    assert event.region_code == "32.01"
    assert event.changes["format"] == "pdf"


def test_roles_without_reports_see_nothing(seeded, make_user):
    clerk = make_user(Role.OPERATOR_DESA, VILLAGE_A)
    assert web(clerk).get(reverse("atensi:reports")).status_code == 403
    assert not reportable_cases(clerk).exists()
