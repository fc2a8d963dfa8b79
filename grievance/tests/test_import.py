"""SP4N-LAPOR! files: refused whole when a row is bad, idempotent when imported twice."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from accounts.models import Role
from audit.services import Context
from conftest import VILLAGE_A
from grievance.models import Submission
from grievance.tasks import start_lapor_import

pytestmark = pytest.mark.django_db

HEADER = "lapor_id,date,category,village_code,description,submitter_name,submitter_phone\n"
GOOD = (HEADER
        + f"LPR-1001,2026-11-02,card_problem,{VILLAGE_A},Kartu KKS terblokir,Budi,081211112222\n"
        + f"LPR-1002,2026-11-03,balance_short,{VILLAGE_A},Saldo kurang 50 ribu,Ani,081233334444\n")


def upload(content: bytes, name: str = "lapor.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def run(user, content, run_jobs, name="lapor.csv"):
    from jobs.models import Job

    job = start_lapor_import(Context(user), upload(content, name))
    run_jobs()
    return Job.objects.get(pk=job.pk)


def test_a_bad_row_refuses_the_whole_file_with_row_and_column(make_user, run_jobs):
    officer = make_user(Role.OPERATOR_KABUPATEN, "32.01")
    bad = GOOD + f"LPR-1003,03/11/2026,unknown,{VILLAGE_A},,Cici,0812\n"
    job = run(officer, bad.encode(), run_jobs)
    assert job.state == "failed"
    errors = {(e["row"], e["column"]) for e in job.error["errors"]}
    assert {(4, "date"), (4, "category"), (4, "description")} <= errors
    assert all(e["message_id"] and e["message_en"] for e in job.error["errors"])
    assert Submission.objects.count() == 0


def test_rows_outside_the_importers_region_are_refused(make_user, run_jobs):
    officer = make_user(Role.OPERATOR_KABUPATEN, "34.03")
    job = run(officer, GOOD.encode(), run_jobs)
    assert job.state == "failed"
    assert {e["column"] for e in job.error["errors"]} == {"village_code"}


def test_importing_the_same_file_twice_changes_nothing(make_user, run_jobs):
    officer = make_user(Role.OPERATOR_KABUPATEN, "32.01")
    first = run(officer, GOOD.encode(), run_jobs)
    assert first.state == "done", first.error
    assert Submission.objects.filter(channel="lapor").count() == 2
    sub = Submission.objects.get(external_ref="LAPOR:LPR-1001")
    assert (sub.category, sub.unit, sub.created_at.date().isoformat()) == (
        "card_problem", "channel", "2026-11-02")
    second = run(officer, GOOD.encode() + b"\n", run_jobs)
    assert second.state == "done"
    assert Submission.objects.count() == 2


def test_xlsx_files_import_too(make_user, run_jobs):
    wb = Workbook()
    ws = wb.active
    ws.append(["lapor_id", "date", "category", "village_code", "description"])
    ws.append(["LPR-2001", "2026-11-05", "pos_payment", VILLAGE_A, "Antre di kantor pos"])
    out = io.BytesIO()
    wb.save(out)
    job = run(make_user(Role.OPERATOR_KABUPATEN, "32.01"), out.getvalue(), run_jobs, "l.xlsx")
    assert job.state == "done", job.error
    assert Submission.objects.get().external_ref == "LAPOR:LPR-2001"


def test_a_file_that_is_no_spreadsheet_is_refused(make_user, run_jobs):
    job = run(make_user(Role.OPERATOR_KABUPATEN, "32.01"), b"\x00\x01garbage", run_jobs,
              "x.xlsx")
    assert job.state == "failed" and Submission.objects.count() == 0
