"""Bulk imports of school attendance and health-facility visits: matched by NIK, a bad file
refused whole with its errors by row and field, the same file twice changes nothing."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from jobs.models import Job
from pkh import imports, services, tasks
from pkh.models import CommitmentResult, Evidence, ImportBatch

from .conftest import ctx

pytestmark = pytest.mark.django_db
SCHOOL_HEADER = "nik;tahun;tahap;terdaftar;hari_sekolah;hari_hadir;sekolah\n"


def school_csv(*rows: str) -> bytes:
    return (SCHOOL_HEADER + "".join(r + "\n" for r in rows)).encode()


def test_school_attendance_imported_by_nik_then_judged(build, officers):
    """Architecture: "Imports are idempotent and atomic: the same file twice changes nothing
    the second time"."""
    f = build.family("pupil_sd", "pupil_smp")
    build.frozen_run("2026-T2", [f], ["sd:1,smp:1,"])
    sd, smp = f.members["pupil_sd"].nik, f.members["pupil_smp"].nik
    content = school_csv(f"{sd};2026;2;ya;50;40;SDN 1 Cibinong",
                         f"{smp};2026;2;ya;50;49;SMPN 2 Cibinong")
    result = imports.import_file(ctx(officers["dinsos"]), "school", content, "sekolah.csv")
    assert result.created and result.rows == 2
    again = imports.import_file(ctx(officers["dinsos"]), "school", content, "sekolah.csv")
    assert not again.created and again.batch == result.batch
    assert Evidence.objects.count() == 2 and ImportBatch.objects.count() == 1
    services.verify_stage(ctx(officers["program"]), 2026, 2)
    assert dict(CommitmentResult.objects.values_list("component", "status")) == {
        "sd": "violated", "smp": "met"}


def test_a_file_with_errors_is_refused_whole_with_each_error_by_row_and_field(build,
                                                                              officers):
    f = build.family("pupil_sd")
    good = f.members["pupil_sd"].nik
    content = school_csv(f"{good};2026;2;ya;50;45;SDN 1",
                         "3201010101010999;2026;2;ya;50;45;SDN 1",
                         f"{good[:10]};2026;5;mungkin;50;60;SDN 1")
    with pytest.raises(services.PkhError) as refused:
        imports.import_file(ctx(officers["dinsos"]), "school", content, "sekolah.csv")
    errors = {(e["row"], e["column"]) for e in refused.value.problems}
    assert errors == {(3, "nik"), (4, "nik"), (4, "tahap"), (4, "terdaftar"),
                      (4, "hari_hadir")}
    assert all(e["message_id"] and e["message_en"] for e in refused.value.problems)
    assert "nothing was saved" in refused.value.en
    assert not Evidence.objects.exists() and not ImportBatch.objects.exists()


def test_a_missing_column_is_named(officers, db):
    content = b"nik,tahun\n3201010101010001,2026\n"
    with pytest.raises(services.PkhError) as refused:
        imports.import_file(ctx(officers["dinsos"]), "school", content, "x.csv")
    assert {e["column"] for e in refused.value.problems} == {"tahap", "terdaftar",
                                                             "hari_sekolah", "hari_hadir"}


def test_health_visits_from_xlsx_with_english_headers(build, officers):
    from openpyxl import Workbook

    f = build.family("toddler", pregnant=True)
    book = Workbook()
    sheet = book.active
    sheet.append(["NIK", "date", "type", "attended", "facility"])
    sheet.append([f.mother.nik, "2026-05-03", "anc", "ya", "Puskesmas Cibinong"])
    sheet.append([f.members["toddler"].nik, "12-05-2026", "imunisasi", "", "Posyandu Melati"])
    sheet.append([f.members["toddler"].nik, "2026-05-12", "penimbangan", "tidak", "Posyandu"])
    out = io.BytesIO()
    book.save(out)
    result = imports.import_file(ctx(officers["dinsos"]), "health", out.getvalue(),
                                 "puskesmas.xlsx")
    assert result.rows == 3
    assert set(Evidence.objects.values_list("visit_type", "attended")) == {
        ("anc", True), ("imunisasi", True), ("penimbangan", False)}


def test_imports_run_as_jobs_and_a_refused_file_fails_the_job_with_its_errors(build, officers,
                                                                             run_jobs):
    f = build.family("pupil_sd")
    nik = f.members["pupil_sd"].nik
    upload = SimpleUploadedFile("sekolah.csv", school_csv(f"{nik};2026;2;ya;50;45;SD"))
    job = tasks.start_import(ctx(officers["dinsos"]), "school", upload)
    run_jobs()
    job.refresh_from_db()
    assert job.state == "done" and Evidence.objects.count() == 1
    bad = SimpleUploadedFile("buruk.csv", school_csv(f"{nik};2026;2;ya;50;51;SD"))
    job = tasks.start_import(ctx(officers["dinsos"]), "school", bad)
    run_jobs()
    job = Job.objects.get(pk=job.pk)
    assert job.state == "failed"
    assert [(e["row"], e["column"]) for e in job.error["errors"]] == [(2, "hari_hadir")]
    assert Evidence.objects.count() == 1


def test_only_the_dinas_sosial_and_program_managers_import(officers, db):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        imports.import_file(ctx(officers["pendamping"]), "school", school_csv(), "x.csv")
