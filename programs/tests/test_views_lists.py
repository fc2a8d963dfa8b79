"""The reference lists page: who may see it and who may upload, a list or UMK file imported
from the browser becomes the one in force, a refused file shows its errors by row and field
(never a full NIK) and writes nothing, the same file twice changes nothing."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from audit.models import Event
from programs import lists, services
from programs.models import ListEntry, ListKind, MinimumWage, ReferenceList
from programs.tests.test_lists import asn_file, nik, umk_file, write_csv

PAGE = "programs:reference_lists"


def login(client, make_user, role, region=None):
    client.force_login(make_user(role, region))
    return client


def upload(path, name=None):
    return SimpleUploadedFile(name or path.name, path.read_bytes(), content_type="text/csv")


def run_upload(client, url: str, data: dict, **headers):
    """Upload from the page: the answer is the job's page at once; the worker imports the file
    and the job page then tells the result (followed here as the user would)."""
    from jobs.worker import run_waiting

    started = client.post(url, data, **headers)
    assert started.status_code == 302 and started.url.startswith("/pekerjaan/")
    run_waiting()
    return client.get(started.url, **headers)


def post_list(client, path, kind=ListKind.ASN):
    return run_upload(client, reverse("programs:list_upload"), {"kind": kind,
                                                                 "file": upload(path)})


@pytest.mark.parametrize("role", ["pusat", "program_manager"])
def test_manager_uploads_a_list_and_it_is_in_force_with_its_rows_and_audited(
        client, make_user, var_dir, tmp_path, role):
    login(client, make_user, role)
    response = post_list(client, asn_file(tmp_path, serials=(1, 2, 3)))
    assert response.status_code == 200
    in_force = lists.lists_in_force()[ListKind.ASN]
    assert in_force.rows == 3 and in_force.source_name == "asn.csv"
    assert in_force.imported_by.role == role
    assert ListEntry.objects.filter(reference_list=in_force).count() == 3
    assert Event.objects.filter(action=lists.LIST_ACTION).count() == 1
    page = response.content.decode()
    assert "sekarang menjadi daftar yang berlaku" in page
    lists_page = client.get(reverse(PAGE)).content.decode()
    assert 'id="list-asn"' in lists_page and "asn.csv" in lists_page
    assert not any(p.is_file() for p in (var_dir / "uploads").rglob("*"))


def test_the_same_list_file_twice_says_nothing_changed(client, make_user, var_dir, tmp_path):
    login(client, make_user, "pusat")
    path = asn_file(tmp_path)
    post_list(client, path)
    changes = Event.objects.exclude(action__startswith="job.")  # starting the job is recorded
    events = changes.count()
    response = post_list(client, path)
    assert "tidak ada yang berubah" in response.content.decode()
    assert ReferenceList.objects.count() == 1 and changes.count() == events


def test_a_list_with_a_bad_nik_shows_row_and_field_and_writes_nothing(
        client, make_user, var_dir, tmp_path):
    login(client, make_user, "program_manager")
    bad = "3201011705800000"  # 16 digits, serial 0000: refused
    path = write_csv(tmp_path / "asn.csv", ["nik", "name"],
                     [[nik(1), "A"], ["32010117058", "B"], [bad, "C"]])
    response = post_list(client, path)
    page = response.content.decode()
    assert 'data-state="failed"' in page
    assert "berkas ditolak (2 kesalahan). Tidak ada yang diimpor." in page
    refused = page[page.index('id="job-errors"'):]
    assert "<td>2</td><td>nik</td><td>NIK harus 16 digit" in refused
    assert "<td>3</td><td>nik</td>" in refused
    assert bad not in page and nik(1) not in page
    assert not ReferenceList.objects.exists() and not ListEntry.objects.exists()
    assert not Event.objects.filter(action=lists.LIST_ACTION).exists()


def test_refusal_is_in_english_for_an_english_user(client, make_user, var_dir, tmp_path):
    login(client, make_user, "pusat")
    client.cookies["django_language"] = "en"
    path = write_csv(tmp_path / "asn.csv", ["nik"], [["123"]])
    response = run_upload(client, reverse("programs:list_upload"),
                          {"kind": ListKind.ASN, "file": upload(path)},
                          HTTP_ACCEPT_LANGUAGE="en")
    page = response.content.decode()
    assert "Civil servants (ASN): the file was refused (1 error). Nothing was imported." in page
    assert "<td>1</td><td>nik</td><td>NIK must have 16 digits" in page


def test_a_message_quoting_a_nik_is_masked():
    from programs.lists import masked
    assert masked("Expected 3 columns, got 2: 3201011705800001,A") == \
        "Expected 3 columns, got 2: 3201********0001,A"


def test_operator_desa_sees_the_page_but_may_not_upload(client, make_user, var_dir, tmp_path):
    login(client, make_user, "operator_desa", "32.01.01.1001")
    response = client.get(reverse(PAGE))
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="reference-lists"' in page and 'id="list-upload"' not in page
    assert client.post(reverse("programs:list_upload"), {
        "kind": ListKind.ASN, "file": upload(asn_file(tmp_path))}).status_code == 403
    assert client.post(reverse("programs:umk_upload"), {
        "year": 2025, "file": upload(umk_file(tmp_path, [["32.01", "4217206"]]))}
    ).status_code == 403
    assert not ReferenceList.objects.exists() and not MinimumWage.objects.exists()


def test_page_names_the_programs_whose_published_rules_read_each_list(
        client, make_user, var_dir):
    services.install_shipped()
    login(client, make_user, "pusat")
    page = client.get(reverse(PAGE)).content.decode()
    asn_row = page[page.index('id="list-asn"'):page.index('id="list-tni_polri"')]
    assert "sembako" in asn_row and "pbi-jk" in asn_row and "bst" not in asn_row
    prakerja = page[page.index('id="list-prakerja"'):page.index('id="list-yatim_covid"')]
    assert "bst" in prakerja
    income = page[page.index('id="list-penghasilan"'):page.index('id="list-prakerja"')]
    assert "sembako" in income


def test_umk_upload_with_an_unknown_regency_is_refused(client, make_user, var_dir, tmp_path):
    login(client, make_user, "pusat")
    path = umk_file(tmp_path, [["32.01", "4217206"], ["35.78", "4725479"]])
    response = run_upload(client, reverse("programs:umk_upload"),
                          {"year": 2021, "file": upload(path)})
    refused = response.content.decode()
    assert "<td>2</td><td>regency_code</td>" in refused
    assert "35.78 tidak dikenal" in refused
    assert not MinimumWage.objects.exists()


def test_umk_upload_fills_the_year_and_shows_it(client, make_user, var_dir, tmp_path):
    login(client, make_user, "program_manager")
    path = umk_file(tmp_path, [["32.01", "4217206"], ["34.03", "1900000"]])
    response = run_upload(client, reverse("programs:umk_upload"),
                          {"year": 2021, "file": upload(path)})
    assert MinimumWage.objects.filter(year=2021).count() == 2
    assert "2 kabupaten/kota" in response.content.decode()
    page = client.get(reverse(PAGE)).content.decode()
    table = page[page.index('id="umk-table"'):]
    assert "2021" in table and "1.900.000" in table and "4.217.206" in table
    assert "NIK yang muncul dua kali disimpan sekali" in page  # the expected columns explained
    assert "menggantikan seluruh UMK tahun tersebut" in page
    again = run_upload(client, reverse("programs:umk_upload"),
                       {"year": 2021, "file": upload(path)})
    assert "tidak ada yang berubah" in again.content.decode()


def test_program_list_links_to_the_reference_lists(client, make_user, var_dir):
    login(client, make_user, "auditor")
    page = client.get(reverse("programs:program_list")).content.decode()
    assert reverse(PAGE) in page
    assert client.get(reverse(PAGE)).status_code == 200
