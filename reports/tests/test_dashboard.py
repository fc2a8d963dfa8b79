"""The dashboards (issue 16: "Dashboards for each level with drill-down nation -> province ->
kabupaten/kota -> kecamatan -> village ... each chart also as a table and XLSX"): they show the
summary tables' figures, never count over the registry, and each user sees their own region and
below only."""

import io
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from accounts.models import Role
from reports import boundaries
from wilayah.services import DATA_DIR

from .conftest import figure

pytestmark = pytest.mark.django_db


def _cards(response) -> dict:
    return {c["code"]: c["value"] for c in response.context["cards"]}


def _chart(response, code) -> dict:
    return next(c for c in response.context["charts"] if c["code"] == code)


def test_national_dashboard_shows_the_summary_figures_with_province_map(client, make_user,
                                                                          figures):
    client.force_login(make_user(Role.PUSAT, username="dash-pusat"))
    response = client.get(reverse("reports:national"), {"period": "2021-04"})
    assert response.status_code == 200
    cards = _cards(response)
    # The month has no refresh: registry stocks are those of the last refresh before it.
    assert response.context["s"].stock_period == "2021-03"
    assert cards["households"] == 1000 and cards["kpm"] == 300
    assert cards["padan_rate"] == 50.0
    assert cards["disbursed_amount"] == 300 * 200_000
    shown = _chart(response, "map")
    rows = dict(zip(shown["payload"]["features"], shown["rows"], strict=True))
    # Natural Earth's Kalimantan Timur still holds Kalimantan Utara (2012): the shape shows both.
    assert rows["64"] == ["Kalimantan Timur + Kalimantan Utara", 50 + 10]
    assert rows["32"][1] == 200 and rows["34"][1] == 40
    regions = _chart(response, "regions")
    assert regions["rows"][0][1] == 200  # largest first
    assert regions["payload"]["links"][regions["rows"][0][0]] == reverse("reports:region",
                                                                           args=["32"])
    assert _chart(response, "desil")["rows"][0] == ["1", 123]
    html = response.content.decode()
    assert 'id="chart-data-map"' in html and "geo/provinsi.json" in html


def test_a_month_with_its_own_refresh_shows_its_flows(client, make_user, figures):
    """Stocks and flows of the same month: the cards show that month's payments too."""
    figure("2021-04", "", "households", 1100)
    client.force_login(make_user(Role.PUSAT, username="dash-pusat-same"))
    response = client.get(reverse("reports:national"), {"period": "2021-04"})
    assert response.context["s"].stock_period == "2021-04"
    cards = _cards(response)
    assert cards["households"] == 1100
    assert cards["disbursed_amount"] == 300 * 200_000 and cards["disbursed_kpm"] == 300


def test_drill_down_to_the_kecamatan_and_the_village(client, make_user, figures):
    client.force_login(make_user(Role.PUSAT, username="dash-pusat2"))
    response = client.get(reverse("reports:region", args=["32.01"]),
                          {"period": "2021-03", "metric": "households"})
    regions = _chart(response, "regions")
    assert [r[1] for r in regions["rows"]] == [450, 150]
    link = regions["payload"]["links"][regions["rows"][0][0]]
    assert link == reverse("reports:region", args=["32.01.01"])
    assert response.context["up"] == [("Indonesia (nasional)", reverse("reports:national")),
                                      ("Jawa Barat", reverse("reports:region", args=["32"]))]
    village = client.get(reverse("reports:region", args=["32.01.01.1001"]))
    assert village.status_code == 200
    assert "regions" not in [c["code"] for c in village.context["charts"]]


def test_a_kabupaten_user_sees_only_their_kabupaten_and_below(client, make_user, figures):
    client.force_login(make_user(Role.OPERATOR_KABUPATEN, "32.01", username="dash-kab"))
    landing = client.get(reverse("reports:national"))
    assert landing.status_code == 302
    assert landing.url == reverse("reports:region", args=["32.01"])
    response = client.get(landing.url, {"period": "2021-03"})
    assert response.status_code == 200
    assert _cards(response)["households"] == 600
    # The map locates the kabupaten in its province with the kabupaten's own figure, not the
    # province's (other kabupaten are outside the user's scope).
    assert _chart(response, "map")["payload"]["highlight"] == ["32"]
    assert _chart(response, "map")["rows"][0][1] == 200
    assert response.context["up"] == []
    for code in ["32", "34.03", "34.03.01"]:
        assert client.get(reverse("reports:region", args=[code])).status_code == 404
        assert client.get(reverse("reports:region_xlsx", args=[code, "map"])).status_code == 404
    assert client.get(reverse("reports:national_xlsx", args=["map"])).status_code == 404
    assert client.get(reverse("reports:region", args=["32.01.02"])).status_code == 200


def test_roles_without_reports_are_refused(client, make_user, figures):
    client.force_login(make_user(Role.EWARONG, "32.01.01.1001", username="dash-warung"))
    assert client.get(reverse("reports:national")).status_code == 403


def test_each_chart_downloads_as_xlsx_with_the_same_rows(client, make_user, figures):
    client.force_login(make_user(Role.PUSAT, username="dash-pusat3"))
    params = {"period": "2021-04", "program": "sembako", "metric": "disbursed_amount"}
    page = client.get(reverse("reports:region", args=["32.01"]), params)
    for chart in page.context["charts"]:
        response = client.get(chart["xlsx"], params)
        assert response.status_code == 200
        sheet = load_workbook(io.BytesIO(response.content)).active
        values = [list(r) for r in sheet.iter_rows(min_row=2, values_only=True)]
        assert values[0] == chart["columns"]
        assert values[1:] == chart["rows"], chart["code"]
    assert client.get(reverse("reports:region_xlsx", args=["32.01", "nope"]),
                      params).status_code == 404


def test_the_dashboard_reads_the_summary_tables_only(client, make_user, figures):
    client.force_login(make_user(Role.PUSAT, username="dash-pusat4"))
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("reports:region", args=["32"]), {"period": "2021-04"})
    assert response.status_code == 200
    sql = " ".join(q["sql"] for q in queries.captured_queries).lower()
    for table in ["registry_household", "registry_member", "payments_payment"]:
        assert table not in sql
    assert len(queries.captured_queries) <= 20


def test_the_province_map_covers_every_province_code(tmp_path, settings):
    settings.VAR_DIR = tmp_path
    path = boundaries.build()
    features = json.loads(path.read_text())["features"]
    drawn = {f["properties"]["code"] for f in features}
    official = (DATA_DIR / "provinces.csv").read_text().splitlines()[1:]
    provinces = {line.split(",")[0] for line in official if line}
    assert {"11", "18", "32", "34", "82", "91"} <= drawn  # 18/82: Natural Earth's "LA" split
    assert set(boundaries.covered().values()) == drawn
    assert provinces == set(boundaries.covered())  # every official province is on the map
    assert path.stat().st_size < 150_000  # simplified: small enough for every dashboard
