"""The pendamping's pages: the caseload with due verifications, the mobile record form, and
the supervisors' verification rate per pendamping."""

from datetime import date

import pytest
from django.urls import reverse

from pkh import services
from pkh.models import Evidence
from pkh.selectors import stage_of_day

from .conftest import ctx

pytestmark = pytest.mark.django_db


def test_the_pendamping_records_a_familys_visits_on_the_form(client, build, officers):
    f = build.family("toddler", pregnant=True)
    services.create_group(ctx(officers["pendamping"]), "Kelompok Mawar",
                          officers["pendamping"], f.household.village_id, [f.household])
    client.force_login(officers["pendamping"])
    page = client.get(reverse("pkh:caseload"))
    assert page.status_code == 200 and f.head.name in page.content.decode()
    assert page.context["due"] == 1
    url = reverse("pkh:record", args=[f.household.pk])
    form = client.get(url)
    names = set(form.context["form"].fields)
    toddler = f.members["toddler"].pk
    assert {f"m{f.mother.pk}_anc", f"m{toddler}_imunisasi", f"m{toddler}_penimbangan"} <= names
    today = date.today()
    done = client.post(url, {"on": today.isoformat(), "place": "Posyandu Mawar",
                             f"m{f.mother.pk}_anc": "ya", f"m{toddler}_imunisasi": "tidak"})
    assert done.status_code == 302
    assert set(Evidence.objects.values_list("visit_type", "attended")) == {
        ("anc", True), ("imunisasi", False)}
    assert client.get(reverse("pkh:caseload")).context["due"] == 0


def test_supervisors_see_the_verification_rate_per_pendamping(client, build, officers):
    a, b = build.family("pupil_sd"), build.family("pupil_sd")
    services.create_group(ctx(officers["pendamping"]), "Kelompok Mawar",
                          officers["pendamping"], a.household.village_id,
                          [a.household, b.household])
    services.record_visits(ctx(officers["pendamping"]), a.household, [
        services.VisitRecord(a.head.pk, "kunjungan_rumah", date.today())])
    client.force_login(officers["dinsos"])
    rates = client.get(reverse("pkh:caseload")).context["rates"]
    assert rates == [{"pendamping": "pendamping", "families": 2, "verified": 1, "rate": 50.0}]
    assert stage_of_day(date(2026, 8, 17)) == (2026, 3)


def test_a_pendamping_of_another_district_cannot_open_the_form(client, build, make_user):
    f = build.family("pupil_sd")
    client.force_login(make_user("pendamping", "32.01.02", username="jauh"))
    assert client.get(reverse("pkh:record", args=[f.household.pk])).status_code == 403


def test_the_xlsform_names_the_fields_of_the_health_import(client, officers):
    """Issue 15, item 2: "an XLSForm for offline capture"; its CSV export imports as a health
    file (same column names)."""
    import io

    from openpyxl import load_workbook

    from pkh.imports import REQUIRED

    client.force_login(officers["pendamping"])
    response = client.get(reverse("pkh:xlsform"))
    book = load_workbook(io.BytesIO(response.content))
    names = [row[1] for row in book["survey"].iter_rows(min_row=2, values_only=True)]
    assert set(REQUIRED["health"]) <= set(names)
    assert {r[1] for r in book["choices"].iter_rows(min_row=2, values_only=True)} >= {
        "anc", "imunisasi", "penimbangan", "kunjungan_rumah", "posyandu_lansia"}


def test_the_reports_page_opens_for_the_dinas_sosial(client, officers):
    client.force_login(officers["dinsos"])
    assert client.get(reverse("pkh:reports")).status_code == 200
    client.force_login(officers["keuangan"])
    assert client.get(reverse("pkh:reports")).status_code == 403


def test_stage_verification_runs_as_a_job_and_appeals_go_through_the_pages(
        client, build, officers, run_jobs):
    from pkh.models import Appeal, CommitmentResult, StageResult

    from .test_commitments import attendance

    f = build.family("pupil_sd")
    build.frozen_run("2026-T2", [f], ["sd:1,"])
    attendance(f, "pupil_sd", 10)
    client.force_login(officers["program"])
    started = client.post(reverse("pkh:verify"), {"year": 2026, "stage": 2})
    assert started.status_code == 302
    run_jobs()
    assert StageResult.objects.get(household=f.household).status == "violation"

    line = CommitmentResult.objects.get()
    client.force_login(officers["pendamping"])
    filed = client.post(reverse("pkh:appeal", args=[line.pk]), {"reason": "Sakit, surat dokter"})
    assert filed.status_code == 302
    appeal = Appeal.objects.get()
    client.force_login(officers["dinsos"])
    page = client.get(reverse("pkh:appeals"))
    assert list(page.context["appeals"]) == [appeal]
    client.post(reverse("pkh:appeals"), {"appeal": appeal.pk, "decision": "upheld"})
    appeal.refresh_from_db()
    assert appeal.status == "upheld" and appeal.decided_by == officers["dinsos"]
