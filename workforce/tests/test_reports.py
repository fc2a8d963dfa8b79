"""Article 52: "Gubernur dan bupati/wali kota wajib membuat laporan tertulis secara berjenjang
mengenai pelaksanaan ATENSI" -- the provider and workforce figures of that report."""

from datetime import date

from django.urls import reverse

from accounts.models import Role
from providers import demo as providers_demo
from providers.reports import provider_figures
from workforce import demo
from workforce.reports import workforce_figures

TODAY = date(2026, 11, 30)


def test_figures_of_the_demo_kabupaten(db):
    demo.seed("34.03", "pw", TODAY)
    p = provider_figures("34.03", TODAY)
    assert p["by_kind"]["lks"] == p["lks"]["total"] == 6
    acc = p["lks"]["accreditation"]
    assert (acc["valid"], acc["expiring"], acc["expired"], acc["none"]) == (3, 1, 1, 1)
    assert sum(p["lks"]["valid_by_grade"].values()) == acc["valid"] + acc["expiring"]
    assert p["by_kind"]["sentra"] == 0  # the national sentra lie outside the kabupaten
    w = workforce_figures("34.03", TODAY)
    ps = w["pekerja_sosial"]
    assert ps["total"] == ps["certified"] + ps["certificate_expired"] + ps["never_certified"]
    assert ps["supervisors"] == 3 and ps["certificate_expired"] == 2
    assert w["assigned"] == w["total"]


def test_other_regions_are_not_counted(db):
    providers_demo.seed("34.03", TODAY)
    assert provider_figures("32.01", TODAY)["total"] == 0
    assert workforce_figures("32.01", TODAY)["total"] == 0


def test_report_page_for_the_users_region(client, make_user):
    demo.seed("34.03", "pw", TODAY)
    client.force_login(make_user(Role.OPERATOR_KABUPATEN, "34.03"))
    page = client.get(reverse("workforce_report"), {"region": "32.01"})  # outside: ignored
    assert page.status_code == 200
    assert page.context["region"].code == "34.03"
    client.force_login(make_user(Role.OPERATOR_DESA, "34.03.01.2001"))
    assert client.get(reverse("workforce_report")).status_code == 403
