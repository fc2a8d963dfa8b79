"""The pages and exports: Bahasa Indonesia by default, the actions through POST, every page and
export cut to the reader's region (another region's report is a 404), downloads audited."""

import io

import pytest
from django.urls import reverse

from audit.models import Event
from monthly_reports import exports, selectors
from monthly_reports.models import MonthlyReport, Status

from .conftest import PERIOD
from .test_services import ctx, signed


def url(name: str, region: str = "32.01", period: str = PERIOD) -> str:
    return reverse(f"monthly_reports:{name}", args=[period, region])


def page(client, user, path: str) -> str:
    client.force_login(user)
    response = client.get(path)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def _sheets(content: bytes) -> dict[str, list[tuple]]:
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(content))
    return {ws.title: list(ws.iter_rows(values_only=True)) for ws in book.worksheets}


def test_the_report_is_prepared_submitted_and_signed_through_the_pages(
        client, figures, officers):
    client.force_login(officers["op_bogor"])
    html = client.get(url("detail")).content.decode()
    assert "Laporan bulanan" in html and "Mulai laporan" in html
    client.post(url("prepare"), {"notes": "Penyaluran Sembako tahap 1 selesai."})
    response = client.post(url("submit"), follow=True)
    html = response.content.decode()
    assert "Laporan diajukan" in html and 'data-status="submitted"' in html
    assert "80.000.000" in html and "Penyaluran Sembako tahap 1 selesai." in html
    assert 'id="sign-form"' not in html  # the operator does not sign

    client.force_login(officers["head_bogor"])
    html = client.get(url("detail")).content.decode()
    assert 'id="sign-form"' in html and 'id="return-form"' in html
    html = client.post(url("sign"), follow=True).content.decode()
    assert 'data-status="signed"' in html and "Laporan ditandatangani dan diteruskan" in html
    report = MonthlyReport.objects.get(region_code="32.01", period=PERIOD)
    assert report.status == Status.SIGNED and report.signed_by == officers["head_bogor"]


def test_a_refused_move_is_said_on_the_report_page(client, figures, officers):
    signed(officers)
    client.force_login(officers["head_bogor"])
    html = client.post(url("sign"), follow=True).content.decode()
    assert "Laporan ini sudah ditandatangani dan diteruskan" in html
    client.force_login(officers["head_gk"])
    assert client.post(url("sign")).status_code == 404  # Bogor lies outside Gunungkidul


def test_the_report_page_is_in_indonesian(client, figures, officers):
    html = page(client, officers["op_bogor"], url("detail"))
    for label in ("DTKS dan perubahannya", "KPM per program",
                  "Penyaluran per program", "Pengaduan", "SDM kesejahteraan sosial",
                  "Tenggat", "Belum dimulai", "Dasar hukum"):
        assert label in html, label
    assert "Monthly report" not in html and "Complaints" not in html


def test_the_list_shows_the_reports_within_the_reader_region(client, figures, officers):
    signed(officers)
    html = page(client, officers["pusat"], reverse("monthly_reports:index") + f"?period={PERIOD}")
    assert 'data-region="nasional"' in html and 'data-region="32"' in html
    assert 'data-region="34"' in html
    html = page(client, officers["prov_jabar"],
                reverse("monthly_reports:index") + f"?period={PERIOD}")
    assert 'data-region="32"' in html and 'data-region="32.01"' in html
    assert 'data-region="34' not in html and 'data-region="nasional"' not in html
    assert 'data-status="signed"' in html
    html = page(client, officers["op_gk"], reverse("monthly_reports:index") + f"?period={PERIOD}")
    assert 'data-region="34.03"' in html and 'data-region="32.01"' not in html
    client.force_login(officers["op_gk"])
    assert client.get(reverse("monthly_reports:index") + "?region=32.01").status_code == 404


@pytest.mark.parametrize("name", ["detail", "pdf", "xlsx"])
def test_another_region_report_and_its_exports_are_a_404(client, figures, officers, name):
    signed(officers)
    for outsider in ("op_gk", "head_gk", "prov_diy", "head_diy"):
        client.force_login(officers[outsider])
        assert client.get(url(name)).status_code == 404, outsider
    client.force_login(officers["op_bogor"])
    assert client.get(url(name, "32")).status_code == 404  # its province's report
    assert client.get(url(name, "nasional")).status_code == 404
    assert not Event.objects.filter(action="monthly_reports.download").exists()


def test_the_pdf_has_the_letterhead_the_figures_and_the_signature(client, figures, officers):
    report = signed(officers)
    html = exports.report_html(selectors.document(PERIOD, "32.01", report))
    for text in ("Pemerintah Kabupaten Bogor", "Dinas Sosial", "Laporan bulanan", "Maret 2021",
                 "80.000.000", "1.200", "Kepala Dinas Sosial Kabupaten Bogor",
                 "Drs. Ahmad Kepala", "Siti Operator", "Ditandatangani secara elektronik",
                 "Permensos 7/2021 Pasal 52"):
        assert text in html, text
    assert "DRAF" not in html
    assert "Kabupaten Bogor, " in html.split('class="signature"')[1]  # place and date signed

    client.force_login(officers["prov_jabar"])  # the province reads its kabupaten's report
    response = client.get(url("pdf"))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    event = Event.objects.get(action="monthly_reports.download")
    assert (event.actor, event.region_code, event.object_id) == (
        officers["prov_jabar"], "32.01", str(report.pk))
    assert event.changes["format"] == "pdf"


def test_a_draft_pdf_says_it_is_a_draft(figures, officers):
    from monthly_reports import services

    report = services.prepare(ctx(officers["op_bogor"]), PERIOD, "32.01")
    html = exports.report_html(selectors.document(PERIOD, "32.01", report))
    assert "DRAF: angka belum final" in html and "Belum ditandatangani" in html


def test_the_xlsx_has_a_sheet_per_section_with_the_frozen_figures(client, figures, officers):
    report = signed(officers)
    client.force_login(officers["op_bogor"])
    response = client.get(url("xlsx"))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheets = _sheets(response.content)
    assert list(sheets) == ["Sampul", "DTKS dan perubahannya", "KPM per program",
                            "Penyaluran per program", "Pengaduan", "ATENSI",
                            "SDM kesejahteraan sosial"]
    assert sheets["Sampul"][0][0] == "PEMERINTAH KABUPATEN BOGOR"
    assert any(r[0] == "Ditandatangani oleh" and "Drs. Ahmad Kepala" in r[1]
               for r in sheets["Sampul"] if r)
    distribution = {r[0]: r for r in sheets["Penyaluran per program"][2:]}
    assert distribution["Jumlah"][4] == 80_000_000
    registry = {r[0]: r[1] for r in sheets["DTKS dan perubahannya"][2:]}
    assert registry["Rumah tangga dalam DTKS"] == 1200
    event = Event.objects.get(action="monthly_reports.download")
    assert (event.actor, event.object_id, event.changes["format"]) == (
        officers["op_bogor"], str(report.pk), "xlsx")


def test_a_consolidated_export_lists_the_regions_and_their_reports(
        client, figures, officers, sukabumi):
    from monthly_reports import services

    signed(officers)
    report = services.prepare(ctx(officers["prov_jabar"]), PERIOD, "32")
    services.submit(ctx(officers["prov_jabar"]), report)
    client.force_login(officers["head_jabar"])
    sheets = _sheets(client.get(url("xlsx", "32")).content)
    regions = {r[0]: r for r in sheets["Laporan wilayah"][2:]}
    # Signed today, long after its deadline: included, and marked late.
    assert regions["32.01"][2].startswith("Terlambat ditandatangani pada")
    assert regions["32.01"][3] == 1200
    assert regions["32.02"][2] == "Belum ada: belum ditandatangani"
    assert sheets["Sampul"][0][0] == "PEMERINTAH PROVINSI JAWA BARAT"


def test_the_late_page_lists_the_overdue_and_late_reports_in_scope(
        client, figures, officers, sukabumi):
    signed(officers)  # signed today: long after April 2021
    html = page(client, officers["prov_jabar"],
                reverse("monthly_reports:late") + f"?period={PERIOD}")
    overdue = html.split('id="overdue"')[1].split("</table>")[0]
    late = html.split('id="signed-late"')[1].split("</table>")[0]
    assert 'data-region="32.02"' in overdue and 'data-region="32"' in overdue
    assert 'data-region="32.01"' in late
    assert "34.03" not in html and "Laporan terlambat" in html


def test_a_month_before_any_refresh_says_why_its_stocks_are_zero(client, figures, officers):
    """A report for a month the summary tables never took stock of warns, instead of showing
    zero households as if the registry were empty."""
    html = page(client, officers["op_bogor"], url("detail", period="2021-02"))
    assert 'id="no-stocks"' in html
    assert 'id="no-stocks"' not in page(client, officers["op_bogor"], url("detail"))
