"""HET price lists from XLSX ("Kalau melebihi HET, maka nggak akan keluar", seed 003): a file with
errors is refused whole with every error by row and column, in the user's language; the same
file twice changes nothing; a re-import of the same region and date is the next version, and
ewarong/het.py applies the highest."""

import io
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from openpyxl import Workbook, load_workbook

from audit.models import Event
from audit.services import Context
from ewarong import het_import
from ewarong.het import het_prices
from ewarong.het_import import HetRefused
from ewarong.models import HetList, HetPrice
from jobs.models import Job

from .builders import VILLAGE

D = date(2026, 1, 1)


def xlsx(rows, header=("kode", "komoditas", "satuan", "het_rp")) -> bytes:
    book = Workbook()
    sheet = book.active
    if header:
        sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


GOOD = [("beras", "Beras", "kg", 14000), ("telur-ayam", "Telur", "kg", 27000),
        ("tahu", "Tahu", "kg", "Rp10.000")]


@pytest.fixture
def pusat(make_user):
    return Context(make_user("program_manager", username="program-het"))


@pytest.fixture
def bogor(make_user):
    return Context(make_user("operator_kabupaten", "32.01", username="dinsos-het"))


def test_a_national_list_applies_everywhere(pusat):
    result = het_import.import_het(pusat, xlsx(GOOD), "het.xlsx", "", D)
    assert result.created and result.het_list.version == 1
    assert het_prices(VILLAGE, date(2026, 2, 1)) == {"beras": 14000, "telur-ayam": 27000,
                                                     "tahu": 10000}
    event = Event.objects.get(action="ewarong.het.import")
    assert event.changes["version"] == [None, 1] and event.source == "import"


def test_the_same_file_again_changes_nothing(pusat):
    content = xlsx(GOOD)  # one file (openpyxl stamps the time into each new workbook)
    first = het_import.import_het(pusat, content, "het.xlsx", "", D)
    again = het_import.import_het(pusat, content, "het-copy.xlsx", "", D)
    assert not again.created and again.het_list == first.het_list
    assert HetList.objects.count() == 1 and HetPrice.objects.count() == 3


def test_reimport_of_the_same_region_and_date_is_the_next_version(pusat):
    het_import.import_het(pusat, xlsx(GOOD), "v1.xlsx", "", D)
    second = het_import.import_het(pusat, xlsx([("beras", "", "", 13500)]), "v2.xlsx", "", D)
    assert second.created and second.het_list.version == 2
    # "of a region's versions on one date, the highest" (het.py)
    assert het_prices(VILLAGE, date(2026, 2, 1))["beras"] == 13500
    third = het_import.import_het(pusat, xlsx(GOOD), "v1-again.xlsx", "", D)
    assert third.created and third.het_list.version == 3  # going back is a new version


def test_the_most_specific_region_wins_within_its_period(pusat, bogor):
    het_import.import_het(pusat, xlsx(GOOD), "national.xlsx", "", D)
    het_import.import_het(bogor, xlsx([("beras", "", "", 15000)]), "bogor.xlsx", "32.01",
                          date(2026, 3, 1), date(2026, 3, 31))
    assert het_prices(VILLAGE, date(2026, 3, 15))["beras"] == 15000
    assert het_prices(VILLAGE, date(2026, 4, 1))["beras"] == 14000
    assert het_prices("34.03.01.2001", date(2026, 3, 15))["beras"] == 14000


def test_a_bad_file_is_refused_whole_with_every_error_by_row_and_column(pusat):
    rows = [("beras", "Beras", "kg", 14000),
            ("kopi", "Kopi", "kg", 20000),
            ("rokok", "Rokok", "bungkus", 30000),
            ("beras", "Beras", "kg", 14500),
            ("tahu", "Tahu", "kg", -5),
            ("", "Tempe", "kg", 12000),
            ("tempe", "Tempe", "kg", 12000.5)]
    with pytest.raises(HetRefused) as refused:
        het_import.import_het(pusat, xlsx(rows), "bad.xlsx", "", D)
    errors = [(e["row"], e["column"], e["message_id"]) for e in refused.value.errors]
    assert errors == [
        (3, "kode", "Kode komoditas kopi tidak dikenal (lihat katalog)."),
        (4, "kode", "Rokok tidak boleh dibeli dengan saldo Sembako (Rokok); tidak ada HET "
                    "untuknya."),
        (5, "kode", "beras sudah ada di baris 2."),
        (6, "het_rp", "HET harus bilangan bulat rupiah di atas nol."),
        (7, "kode", "Kode komoditas kosong."),
        (8, "het_rp", "HET harus bilangan bulat rupiah di atas nol."),
    ]
    assert refused.value.message_id == "Berkas ditolak: 6 masalah; tidak ada yang diimpor."
    assert refused.value.message_en == "The file was refused: 6 problems; nothing was imported."
    assert refused.value.errors[0]["message_en"] == (
        "Unknown commodity code kopi (see the catalogue).")
    assert not HetList.objects.exists() and not HetPrice.objects.exists()


@pytest.mark.parametrize(("content", "message"), [
    (b"not a workbook", "Berkas ini bukan buku kerja XLSX; gunakan templat."),
    (xlsx([], header=None), "Berkas kosong; gunakan templat."),
    (xlsx([("beras", "", "", None)]), "Berkas tidak berisi harga; isi templatnya."),
    (xlsx([("beras", 1)], header=("code", "name")),
     "Berkas tidak memiliki kolom templat."),
])
def test_files_that_are_not_a_price_list_are_refused(pusat, content, message):
    with pytest.raises(HetRefused) as refused:
        het_import.import_het(pusat, content, "x.xlsx", "", D)
    assert refused.value.message_id == message
    assert not HetList.objects.exists()


def test_missing_columns_are_named_on_the_first_row(pusat):
    with pytest.raises(HetRefused) as refused:
        het_import.import_het(pusat, xlsx([("beras", 1)], header=("code", "name")), "x", "", D)
    assert [(e["row"], e["column"], e["message_id"]) for e in refused.value.errors] == [
        (1, "het_rp", "Kolom het_rp tidak ada di baris pertama.")]


def test_region_and_period_are_checked_and_scoped(pusat, bogor):
    cases = [(bogor, "", D, None, "Anda tidak berwenang menetapkan HET untuk wilayah ini."),
             (bogor, "34.03", D, None, "Anda tidak berwenang menetapkan HET untuk wilayah ini."),
             (pusat, "99.99", D, None, "Wilayah 99.99 tidak ada."),
             (pusat, "", D, date(2025, 12, 31), "Akhir periode sebelum awalnya.")]
    for ctx, region, start, end, message in cases:
        with pytest.raises(HetRefused) as refused:
            het_import.import_het(ctx, xlsx(GOOD), "x.xlsx", region, start, end)
        assert refused.value.message_id == message
    assert not HetList.objects.exists()


def test_english_users_read_the_errors_in_english(pusat):
    with translation.override("en"), pytest.raises(HetRefused) as refused:
        het_import.import_het(pusat, xlsx([("kopi", "", "", 1)]), "x.xlsx", "", D)
    assert refused.value.message("en") == "The file was refused: 1 problems; nothing was imported."
    assert refused.value.message("id") == "Berkas ditolak: 1 masalah; tidak ada yang diimpor."


def test_the_template_lists_the_allowed_commodities_and_imports_once_filled(pusat):
    book = load_workbook(io.BytesIO(het_import.template_xlsx()))
    rows = list(book["HET"].iter_rows(values_only=True))
    assert rows[0] == ("kode", "komoditas", "satuan", "het_rp")
    codes = [r[0] for r in rows[1:]]
    assert "beras" in codes and "rokok" not in codes and "mi-instan" not in codes
    filled = het_import.template_xlsx({"beras": 14000, "sayur": 12000})
    result = het_import.import_het(pusat, filled, "template.xlsx", "", D)
    assert dict(result.het_list.prices.values_list("commodity_id", "max_price")) == {
        "beras": 14000, "sayur": 12000}


def test_import_through_the_job_and_the_pages(pusat, client, run_jobs, settings, tmp_path):
    settings.VAR_DIR = tmp_path / "var"
    client.force_login(pusat.actor)
    template = client.get(reverse("ewarong:het_template"))
    assert template.status_code == 200 and template["Content-Type"].startswith(
        "application/vnd.openxmlformats")
    upload = SimpleUploadedFile("het-2026.xlsx", xlsx(GOOD))
    response = client.post(reverse("ewarong:het_upload"), {
        "valid_from": "2026-01-01", "file": upload})
    job = Job.objects.get(kind="ewarong_het_import")
    assert response.url == reverse("jobs:detail", args=[job.pk])
    run_jobs()
    job.refresh_from_db()
    assert job.state == "done", job.error
    het = HetList.objects.get()
    assert job.output["message"]["id"] == "Versi 1 diimpor dengan 3 harga."
    assert client.get(reverse("ewarong:het_detail", args=[het.pk])).status_code == 200
    page = client.get(reverse("ewarong:het_list")).content.decode()
    assert "het-2026.xlsx" in page
    bad = SimpleUploadedFile("bad.xlsx", xlsx([("kopi", "", "", 100)]))
    client.post(reverse("ewarong:het_upload"), {"valid_from": "2026-02-01", "file": bad})
    run_jobs()
    failed = Job.objects.filter(kind="ewarong_het_import").latest("pk")
    assert failed.state == "failed"
    assert failed.error["errors"][0]["row"] == 2
    assert failed.error["errors"][0]["column"] == "kode"
    assert HetList.objects.count() == 1


def test_catalogue_shows_banned_categories_as_banned(client, make_user):
    client.force_login(make_user("pendamping", "32.01", username="pdp-cat"))
    html = client.get(reverse("ewarong:catalogue")).content.decode()
    assert "Rokok" in html and "Dilarang" in html and "Beras" in html
    row = html.split("<code>rokok</code>")[1].split("</tr>")[0]
    assert "Dilarang" in row
    row = html.split("<code>beras</code>")[1].split("</tr>")[0]
    assert "Boleh dibeli" in row
