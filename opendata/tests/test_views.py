"""The public open-data pages and downloads (no login). Issue 16, item 6: "Open data: aggregate
tables for the public (per kabupaten/kota and program), with small cells (under 5) suppressed
so no person can be singled out." Done when: tests of "suppression of small cells"."""

import csv
import io
import re

import pytest
from openpyxl import load_workbook

from opendata.tables import COLUMNS

from .conftest import BENEFIT, PERIOD, figure, refreshed

pytestmark = pytest.mark.django_db
URL = "/data-terbuka/"
# Rp600.000 paid to the 3 KPM of 32.02, and the complementary 50 KPM's Rp10.000.000.
HIDDEN_AMOUNTS = [3 * BENEFIT, 50 * BENEFIT]


def mentions(text: str, number: int) -> bool:
    """Whether `number` is written in `text` as a whole number, grouped or not (600000,
    600.000, 600,000), and not as a part of another (74.600.000)."""
    digits = str(number)
    groups = [digits[max(0, i - 3):i] for i in range(len(digits), 0, -3)][::-1]
    grouped = "[.,]?".join(groups)
    return re.search(rf"(?<![\d.,]){grouped}(?![\d]|[.,]\d)", text) is not None


def cells(html: str) -> dict[str, str]:
    """{'32.02:kpm': text} of the page's table."""
    return {key: text.strip() for key, text in
            re.findall(r'data-cell="([^"]+)">([^<]*)<', html)}


def csv_rows(data: bytes) -> dict[str, dict[str, str]]:
    text = data.decode("utf-8-sig")
    lines = [line for line in text.splitlines() if not line.startswith("#")]
    return {row["region_code"]: row for row in csv.DictReader(lines)}


def xlsx_rows(data: bytes) -> dict[str, dict[str, object]]:
    sheet = load_workbook(io.BytesIO(data)).active
    rows = list(sheet.iter_rows(values_only=True))
    start = next(i for i, r in enumerate(rows) if r[0] == "Tingkat")  # the header
    return {r[1]: dict(zip(COLUMNS, r[3:], strict=True)) for r in rows[start + 1:]}


def test_open_data_needs_no_login(client, figures):
    response = client.get(URL)
    assert response.status_code == 200
    assert "Data terbuka" in response.content.decode()


def test_a_cell_of_3_is_under_5_in_the_page_and_3_appears_nowhere_for_it(client, figures):
    html = client.get(URL, {"period": PERIOD, "program": "sembako"}).content.decode()
    shown = cells(html)
    assert shown["32.02:kpm"] == "&lt;5"
    assert shown["32.02:disbursed_kpm"] == "&lt;5"
    assert shown["32.02:disbursed_amount"] == "&lt;5", "Rp600.000 / Rp200.000 would give 3"
    assert not any(mentions(html, amount) for amount in HIDDEN_AMOUNTS)


def test_the_check_for_hidden_amounts_finds_them_written_any_way():
    assert all(mentions(t, 600_000) for t in ("Rp600.000", "600000;", "<td>600,000</td>"))
    assert not any(mentions(t, 600_000) for t in ("74.600.000", "6000000", "600.0001"))


def test_a_cell_of_5_is_shown(client, figures):
    shown = cells(client.get(URL).content.decode())
    assert shown["32.02:households"] == "5"
    assert shown["32.01:households"] == "1.000"


def test_the_province_total_cannot_be_used_to_recover_the_small_cell(client, figures):
    shown = cells(client.get(URL).content.decode())
    assert shown["32:kpm"] == "373"  # 120 + 3 + 50 + 200
    assert shown["32.01:kpm"] == "120" and shown["32.04:kpm"] == "200"
    # 373 - 120 - 200 = 53 is what a reader gets: 3 + 50, but 50 is hidden too.
    assert shown["32.03:kpm"] == "x", "the next-smallest kabupaten is suppressed with it"
    assert shown["32.03:disbursed_amount"] == "x"
    assert shown["32:disbursed_amount"] == "74.600.000"


def test_the_csv_carries_the_same_suppressed_cells_and_the_licence(client, figures):
    response = client.get(URL + "unduh.csv", {"program": "sembako"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    data = response.content
    rows = csv_rows(data)
    assert rows["32.02"]["kpm"] == "<5" and rows["32.02"]["disbursed_amount"] == "<5"
    assert "3" not in (rows["32.02"]["kpm"], rows["32.02"]["disbursed_kpm"])
    assert rows["32.03"]["kpm"] == "x" and rows["32"]["kpm"] == "373"
    assert rows["32.02"]["households"] == "5"
    text = data.decode("utf-8-sig")
    assert not any(mentions(text, amount) for amount in HIDDEN_AMOUNTS)
    assert "CC BY 4.0" in text and "Sumber: Kesos, data per" in text
    assert "<5" in text.splitlines()[2]  # the rule is written out


def test_the_xlsx_carries_the_same_suppressed_cells_and_the_licence(client, figures):
    response = client.get(URL + "unduh.xlsx", {"program": "sembako", "province": "32"})
    assert response.status_code == 200
    rows = xlsx_rows(response.content)
    assert rows["32.02"]["kpm"] == "<5" and rows["32.02"]["disbursed_amount"] == "<5"
    assert rows["32.03"]["kpm"] == "x"
    assert rows["32.02"]["households"] == 5 and rows["32"]["kpm"] == 373
    values = [v for row in rows.values() for v in row.values()]
    assert 3 not in [rows["32.02"][c] for c in COLUMNS]
    assert 600_000 not in values and 10_000_000 not in values
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert "CC BY 4.0" in sheet.cell(2, 1).value


def test_only_provinces_and_kabupaten_are_published(client, figures):
    for response in (client.get(URL), client.get(URL + "unduh.csv")):
        text = response.content.decode("utf-8-sig")
        assert "32.01.01" not in text and not mentions(text, 77_777)
        assert not mentions(text, 99_999), "no national total"


def test_the_province_filter_shows_one_province(client, figures):
    figure("34", "households", 40)
    figure("34.03", "households", 40)
    refreshed()
    all_provinces = cells(client.get(URL).content.decode())
    assert "34:households" in all_provinces and "32:households" in all_provinces
    one = cells(client.get(URL, {"province": "34"}).content.decode())
    assert "34.03:households" in one and "32:households" not in one


def test_pages_are_cached_until_the_next_refresh(client, figures):
    assert cells(client.get(URL).content.decode())["32.01:kpm"] == "120"
    figure("32.01", "kpm", 121, "sembako")
    figure("32", "kpm", 374, "sembako")
    assert cells(client.get(URL).content.decode())["32.01:kpm"] == "120", "served from cache"
    refreshed()
    assert cells(client.get(URL).content.decode())["32.01:kpm"] == "121"


def test_unknown_selections_are_not_found(client, figures):
    for query in ({"period": "2026-3"}, {"program": "nope"}, {"province": "32.01"}):
        assert client.get(URL, query).status_code == 404


def test_downloads_are_rate_limited(client, figures, settings):
    settings.PORTAL_RATE_LIMITS = {"address": (2, 60), "session": (2, 60)}
    codes = [client.get(URL + "unduh.csv").status_code for _i in range(3)]
    assert codes == [200, 200, 429]


def test_a_page_without_figures_says_so(client, db):
    response = client.get(URL)
    assert response.status_code == 200 and 'id="no-data"' in response.content.decode()
