"""The pages and the export: Bahasa Indonesia by default, forms that name the refused field,
and every page and the export cut to the reader's region."""

import io
from datetime import date

import pytest

from budgets import services
from payments.tests.builders import ctx

from .paid import add_jawa_tengah, paid_cycle


@pytest.fixture
def allocated(dipa, officers):
    add_jawa_tengah()
    finance = ctx(officers["keuangan"])
    services.allocate(finance, dipa, "32", 3_000_000)
    services.allocate(finance, dipa, "33", 2_000_000)
    services.allocate(ctx(officers["keuangan_32"]), dipa, "32.01", 1_000_000)
    services.allocate(finance, dipa, "33.01", 500_000)
    return dipa


def _sheet(response):
    from openpyxl import load_workbook

    rows = load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True)
    return [r for r in rows]


def test_the_overview_shows_ceiling_realised_and_absorption(
        client, officers, build, run_jobs, allocated):
    paid_cycle(build, officers, run_jobs)
    client.force_login(officers["keuangan"])
    page = client.get("/anggaran/?year=2026").content.decode()
    assert "Anggaran 2026" in page and "Realisasi (Rp)" in page
    row = page.split('data-program="sembako"')[1].split("</tr>")[0]
    assert all(n in row for n in ("10.000.000", "5.000.000", "1.200.000", "600.000", "6,0%"))


def test_a_province_officer_sees_its_province_and_its_kabupaten_only(
        client, officers, build, run_jobs, allocated, make_user):
    paid_cycle(build, officers, run_jobs)
    client.force_login(make_user("dinsos_provinsi", "32"))
    overview = client.get("/anggaran/?year=2026").content.decode()
    row = overview.split('data-program="sembako"')[1].split("</tr>")[0]
    # Its own allocation is its ceiling; realised only Jawa Barat's Rp400,000 (13.3%).
    assert "3.000.000" in row and "400.000" in row and "13,3%" in row
    assert "10.000.000" not in row
    detail = client.get(f"/anggaran/dipa/{allocated.pk}/").content.decode()
    assert 'data-region="32"' in detail and 'data-region="32.01"' in detail
    assert 'data-region="33"' not in detail and 'data-region="33.01"' not in detail
    assert "Jawa Tengah" not in detail and "2.000.000" not in detail
    assert "10.000.000" not in detail  # the national ceiling is not its to read
    rows = _sheet(client.get(f"/anggaran/dipa/{allocated.pk}/realisasi.xlsx"))
    codes = [r[0] for r in rows if r and r[0] in ("32", "32.01", "33", "33.01")]
    assert codes == ["32", "32.01"]
    total = next(r for r in rows if r and r[1] == "Jumlah")
    assert (total[2], total[6]) == (3_000_000, 400_000)


def test_a_kabupaten_reader_sees_only_its_kabupaten(client, officers, allocated, make_user):
    client.force_login(make_user("operator_kabupaten", "32.01"))
    detail = client.get(f"/anggaran/dipa/{allocated.pk}/").content.decode()
    assert 'data-region="32.01"' in detail
    assert 'data-region="32"' not in detail and 'data-region="33' not in detail
    rows = _sheet(client.get(f"/anggaran/dipa/{allocated.pk}/realisasi.xlsx"))
    assert [r[0] for r in rows if r and r[0] in ("32", "32.01", "33", "33.01")] == ["32.01"]


def test_the_national_export_holds_every_region_and_month(
        client, officers, build, run_jobs, allocated):
    paid_cycle(build, officers, run_jobs)
    client.force_login(officers["keuangan"])
    response = client.get(f"/anggaran/dipa/{allocated.pk}/realisasi.xlsx")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = _sheet(response)
    by_code = {r[0]: r for r in rows if r and r[0] in ("32", "32.01", "33", "33.01")}
    assert {c: (r[2], r[4], r[5], r[6]) for c, r in by_code.items()} == {
        "32": (3_000_000, 800_000, 400_000, 400_000),
        "32.01": (1_000_000, 800_000, 400_000, 400_000),
        "33": (2_000_000, 400_000, 200_000, 200_000),
        "33.01": (500_000, 400_000, 200_000, 200_000)}
    assert [r for r in rows if r and r[0] == 11][0][6] == 600_000


def test_a_reader_without_the_role_is_refused_every_page(client, allocated, make_user):
    client.force_login(make_user("operator_desa", "32.01.01.1001"))
    for url in ("/anggaran/", f"/anggaran/dipa/{allocated.pk}/",
                f"/anggaran/dipa/{allocated.pk}/realisasi.xlsx",
                f"/anggaran/dipa/{allocated.pk}/alokasi/", "/anggaran/dipa/baru/"):
        assert client.get(url).status_code == 403, url


def test_a_reader_cannot_open_the_forms(client, allocated, make_user):
    client.force_login(make_user("dinsos_provinsi", "32"))
    assert client.get("/anggaran/dipa/baru/").status_code == 403
    assert client.get(f"/anggaran/dipa/{allocated.pk}/revisi/").status_code == 403
    assert client.post(f"/anggaran/dipa/{allocated.pk}/alokasi/", {
        "region_code": "32.01", "amount": "1"}).status_code == 403


def test_recording_a_dipa_revision_and_allocation_through_the_forms(client, officers, sembako):
    client.force_login(officers["keuangan"])
    response = client.post("/anggaran/dipa/baru/", {
        "program": sembako.pk, "year": "2027", "number": "DIPA-2027", "date": "2027-01-02",
        "unit": "Ditjen PFM", "amount": "5000000"})
    assert response.status_code == 302
    pk = int(response["Location"].rstrip("/").split("/")[-1])
    assert client.post(f"/anggaran/dipa/{pk}/alokasi/", {
        "region_code": "32", "amount": "4000000"}).status_code == 302
    page = client.post(f"/anggaran/dipa/{pk}/revisi/", {
        "date": "2027-03-01", "amount": "3000000", "letter_number": "S-7",
        "reason": "Pemotongan"}).content.decode()
    # The refusal names the field, in Indonesian.
    assert "<strong>Pagu baru (Rp)</strong>: Pagu baru Rp3.000.000 di bawah" in page
    page = client.post(f"/anggaran/dipa/{pk}/alokasi/", {
        "region_code": "32.01", "amount": "4000001"}).content.decode()
    assert "<strong>Alokasi (Rp)</strong>:" in page and "melampaui" in page
    page = client.post("/anggaran/dipa/baru/", {"program": sembako.pk, "year": "2027",
                                                "number": "", "date": "2027-01-02",
                                                "unit": "x", "amount": "0"}).content.decode()
    assert "<strong>Nomor DIPA</strong>: Kolom ini wajib diisi." in page
    assert "<strong>Pagu (Rp)</strong>:" in page


def test_the_dipa_page_lists_the_revision_history(client, officers, dipa):
    services.record_revision(ctx(officers["keuangan"]), dipa, date(2026, 7, 1), 12_000_000,
                             "Tambahan kuota KPM", "S-202/2026")
    client.force_login(officers["keuangan"])
    page = client.get(f"/anggaran/dipa/{dipa.pk}/").content.decode()
    revisions = page.split('id="revisions"')[1]
    assert "DIPA awal" in revisions and "S-202/2026" in revisions
    assert "12.000.000" in revisions and "Tambahan kuota KPM" in revisions


def test_the_allocation_form_offers_only_regions_below_the_officers_own(
        client, officers, dipa):
    client.force_login(officers["keuangan_32"])
    page = client.get(f"/anggaran/dipa/{dipa.pk}/alokasi/").content.decode()
    assert 'value="32.01"' in page and "10.000.000" not in page
    assert 'value="32"' not in page and 'value="34"' not in page
    client.force_login(officers["keuangan"])
    page = client.get(f"/anggaran/dipa/{dipa.pk}/alokasi/").content.decode()
    assert 'value="32"' in page and 'value="34"' in page and "Catat alokasi" in page
