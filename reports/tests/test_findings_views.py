"""The audit findings pages: figures per region with drill-down, the list behind each check and
its XLSX, each bounded by the user's region; NIK masked for the roles that may not see it;
every read by name audited.

FACTS "Distribution" (BPK, 2023): "Rp208.52 billion sat with 365,023 non-transacting KPM";
the board counts KPM and rupiah. Seed 003 on why duplicates matter: "Kemensos sebelumnya
mengaku telah 'menidurkan' sebanyak 52,5 juta data dalam DTKS. Data yang dihapus tersebut
merupakan data ganda, data penerima tidak memiliki NIK, data warga pindah domisili." (Seed 003
itself quotes no audit-board finding; the BPK figures come from the domain facts.)"""

import io
from urllib.parse import urlencode

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from audit.models import Event
from jobs.models import Job
from linkage import snapshots
from reports import findings_export, views_findings
from reports.tests.test_findings import AMOUNT, PERIOD, build_population

pytestmark = pytest.mark.django_db

OVERVIEW = reverse("reports:findings")


def check_url(check: str, xlsx: bool = False) -> str:
    return reverse("reports:findings_xlsx" if xlsx else "reports:findings_check", args=[check])


def exported(client, run_jobs, check: str, query: dict):
    """Start the export as the page's button does, run the worker, read the workbook."""
    started = client.post(f"{check_url(check, xlsx=True)}?{urlencode(query)}")
    assert started.status_code == 302 and "/pekerjaan/" in started.url
    assert run_jobs() == 1
    job = Job.objects.filter(kind="reports_findings_export").latest("pk")
    assert job.state == "done", job.error
    download = client.get(reverse("jobs:download", args=(job.pk, job.output["files"][0])))
    assert download.status_code == 200
    return download, load_workbook(io.BytesIO(b"".join(download.streaming_content)))


@pytest.fixture(autouse=True)
def var_dir(settings, tmp_path):
    settings.VAR_DIR = tmp_path / "var"
    return settings.VAR_DIR


@pytest.fixture
def population(db, make_user):
    return build_population(make_user)


@pytest.fixture
def login(client, make_user):
    def as_(role: str, region: str | None = None):
        user = make_user(role, region)
        client.force_login(user)
        return user
    return as_


def params(population, **extra) -> dict:
    return {"program": population.program.code, "year": 2021} | extra


def _row(html: str, marker: str) -> str:
    start = html.index(marker)
    return html[start:html.index("</tr>", start)]


def test_the_auditor_sees_every_check_with_kpm_and_rupiah_per_province(client, login,
                                                                        population):
    login("auditor")
    response = client.get(OVERVIEW, params(population))
    assert response.status_code == 200
    html = response.content.decode()
    not_transacted = _row(html, 'data-check="not_transacted"')
    assert "200.000" in not_transacted or "200,000" in not_transacted  # Rp, whole rupiah
    duplicates = _row(html, 'data-check="duplicate"')
    assert "800.000" in duplicates or "800,000" in duplicates  # four payments of Rp200,000
    children = response.context["children"]
    assert [c["code"] for c in children] == ["32", "34"]
    codes = [c.code for c in views_findings.CHECKS]
    by_code = {c["code"]: dict(zip(codes, c["figures"], strict=True)) for c in children}
    assert by_code["32"]["duplicate"].rupiah == 2 * AMOUNT
    assert by_code["34"]["excluded"].kpm == 1
    assert by_code["32"]["excluded"].kpm == 0


def test_drilling_down_from_a_province_shows_its_kabupaten_then_kecamatan(client, login,
                                                                          population):
    login("auditor")
    province = client.get(OVERVIEW, params(population, region="32"))
    assert [c["code"] for c in province.context["children"]] == ["32.01"]
    kabupaten = client.get(OVERVIEW, params(population, region="32.01"))
    assert [c["code"] for c in kabupaten.context["children"]] == ["32.01.01"]
    assert kabupaten.context["result"].totals["excluded"].payments == 0  # the ASN is in 34.03
    village = client.get(OVERVIEW, params(population, region="32.01.01.1001"))
    assert village.status_code == 200 and village.context["children"] == []
    assert village.context["result"].totals["duplicate"].payments == 2


def test_a_kabupaten_officer_sees_only_their_kabupaten_and_another_is_404(client, login,
                                                                          population):
    login("operator_kabupaten", "32.01")
    own = client.get(OVERVIEW, params(population))
    assert own.status_code == 200
    assert own.context["scope"].region == "32.01"
    assert own.context["result"].totals["excluded"].payments == 0
    assert own.context["result"].totals["duplicate"].payments == 2
    for url in (OVERVIEW, check_url("excluded")):
        assert client.get(url, params(population, region="34.03")).status_code == 404, url
        assert client.get(url, params(population, region="34")).status_code == 404, url
    for region in ("34.03", "34"):
        query = urlencode(params(population, region=region))
        assert client.post(f"{check_url('excluded', xlsx=True)}?{query}").status_code == 404
    assert not Job.objects.exists()
    # Asking for the nation gives the officer's own kabupaten, never more.
    assert client.get(OVERVIEW, params(population, region="")).context["scope"].region == "32.01"


def test_the_list_of_another_regions_finding_is_empty_for_an_officer(client, login, population,
                                                                    run_jobs):
    """The household with a civil servant lies in Gunungkidul: Bogor's officer lists nothing,
    and the XLSX holds no row."""
    login("operator_kabupaten", "32.01")
    response = client.get(check_url("excluded"), params(population))
    assert response.status_code == 200
    assert response.context["total"] == 0
    _download, book = exported(client, run_jobs, "excluded", params(population))
    assert book.worksheets[1].max_row == 1  # the header only


def test_roles_without_the_findings_right_are_refused(client, login, population):
    login("operator_desa", "32.01.01.1001")
    assert client.get(OVERVIEW, params(population)).status_code == 403
    assert client.get(check_url("duplicate"), params(population)).status_code == 403
    assert client.post(check_url("duplicate", xlsx=True), params(population)).status_code == 403


def test_an_unknown_check_or_program_is_404(client, login, population):
    login("auditor")
    assert client.get(check_url("nope"), params(population)).status_code == 404
    assert client.get(OVERVIEW, params(population, program="nope")).status_code == 404


def test_the_auditor_sees_the_full_nik_and_the_read_is_audited(client, login, population):
    user = login("auditor")
    response = client.get(check_url("duplicate"), params(population))
    assert response.status_code == 200
    payment = population.payments["dup_b"]
    html = response.content.decode()
    assert payment.nik in html
    event = Event.objects.get(action=views_findings.READ_ACTION, actor=user)
    assert event.changes["check"] == "duplicate"
    assert set(event.changes["payments"]) == population.ids("dup_a", "dup_b", "pair_a",
                                                            "pair_b")
    assert event.changes["nik"] == "full"


def test_a_province_officer_sees_the_nik_masked(client, login, population, run_jobs):
    login("dinsos_provinsi", "32")
    response = client.get(check_url("duplicate"), params(population))
    html = response.content.decode()
    nik = population.payments["dup_a"].nik
    assert nik not in html
    assert nik[:4] + "********" + nik[-4:] in html
    _download, book = exported(client, run_jobs, "duplicate", params(population))
    cells = [str(c.value) for row in book.worksheets[1].iter_rows() for c in row]
    assert nik not in cells
    assert nik[:4] + "********" + nik[-4:] in cells


def test_the_list_is_paged(client, login, population, monkeypatch):
    monkeypatch.setattr(views_findings, "PAGE_SIZE", 3)
    login("auditor")
    first = client.get(check_url("duplicate"), params(population))
    assert len(first.context["items"]) == 3 and first.context["total"] == 4
    assert "page=2" in first.context["next_query"]
    second = client.get(check_url("duplicate"), params(population, page=2))
    assert len(second.context["items"]) == 1


def test_outside_the_rules_lists_the_clause_that_says_why(client, login, population):
    """Sembako rule 'desil' (desil 1-5): the desil-8 household's row says so."""
    snapshots.take_snapshot(progress=False)
    login("auditor")
    response = client.get(check_url("outside_rules"), params(population, period=PERIOD))
    why = {item["p"].pk: item["why"] for item in response.context["items"]}
    rich = population.payments["rich"].pk
    assert set(why) == population.ids("rich", "asn", "deceased")
    assert "desil" in why[rich].lower()
    html = response.content.decode()
    assert why[rich] in html
    assert "2021-03-01" in html  # decided on the period's first day


def test_the_xlsx_holds_each_payment_with_why_and_the_download_is_audited(client, login,
                                                                          population, run_jobs):
    user = login("auditor")
    response, book = exported(client, run_jobs, "deceased", params(population))
    assert "temuan-deceased-" in response["Content-Disposition"]
    rows = list(book.worksheets[1].iter_rows(values_only=True))
    assert len(rows) == 2
    region, _village, name, nik, period, _stage, amount, _status, why = rows[1]
    payment = population.payments["deceased"]
    assert (region, name, nik, period, amount) == (payment.village_code, payment.recipient_name,
                                                   payment.nik, PERIOD, AMOUNT)
    assert "2021-02-14" in why
    event = Event.objects.get(action=findings_export.EXPORT_ACTION, actor=user)
    assert event.changes["rows"] == 1 and event.changes["check"] == "deceased"


def test_the_export_is_one_job_per_user_and_its_file_is_theirs(client, login, make_user,
                                                              population, run_jobs):
    """A double click starts one job; another auditor's click for the same check starts their
    own (the NIK a file shows depends on who asks), and cannot download the first one's file."""
    url = f"{check_url('duplicate', xlsx=True)}?{urlencode(params(population))}"
    first_auditor = login("auditor")
    first, second = client.post(url), client.post(url)
    assert first.url == second.url
    client.force_login(make_user("auditor", username="second-auditor"))
    assert client.post(url).url != first.url
    assert Job.objects.filter(kind="reports_findings_export").count() == 2
    run_jobs()
    theirs = Job.objects.get(kind="reports_findings_export", created_by=first_auditor)
    download = reverse("jobs:download", args=(theirs.pk, theirs.output["files"][0]))
    assert client.get(download).status_code == 404
