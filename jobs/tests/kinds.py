"""Job kinds used by the tests alone (imported by the tests, and by worker processes started by
the tests through KESOS_JOB_MODULES). Their writes are audit events named after the job."""

import time
from pathlib import Path

from django.db import transaction

from accounts import policy
from audit import services as audit
from audit.models import Source
from jobs.kinds import JobRefused, job_kind


def _event(job, action: str) -> None:
    audit.record(audit.Context(source=Source.BATCH, source_ref=f"job:{job.pk}"), action, job)


@job_kind("test_count", label="Count", action=policy.VIEW_REGISTRY)
def count(job, progress) -> dict:
    """Records that it ran (to show each job runs once, whatever the number of workers)."""
    _event(job, "test.ran")
    time.sleep(job.params.get("seconds", 0))
    return {"links": [{"url": "/", "id": "Beranda", "en": "Home"}]}


@job_kind("test_write_then_hold", label="Write then hold", action=policy.VIEW_REGISTRY,
          cancellable=True)
def write_then_hold(job, progress) -> dict:
    """Writes rows in one transaction, then waits inside it (until cancelled or killed)."""
    with transaction.atomic():
        for _ in range(job.params.get("rows", 10)):
            _event(job, "test.row")
        if job.params.get("marker"):
            Path(job.params["marker"]).write_text("written")
        deadline = time.monotonic() + job.params.get("hold", 60)
        while time.monotonic() < deadline:
            progress.check_cancel()
            time.sleep(0.05)
    return {}


@job_kind("test_steps", label="Steps", action=policy.VIEW_REGISTRY)
def steps(job, progress) -> dict:
    for done in range(0, 101, 50):
        progress("counting", done, 100)
    return {}


@job_kind("test_refused", label="Refused", action=policy.VIEW_REGISTRY)
def refused(job, progress) -> dict:
    raise JobRefused("Berkas ditolak.", "The file was refused.",
                     [{"row": 3, "column": "NIK", "message_id": "NIK harus 16 angka.",
                       "message_en": "NIK must have 16 digits."}])


@job_kind("test_crash", label="Crash", action=policy.VIEW_REGISTRY)
def crash(job, progress) -> dict:
    raise RuntimeError("3201010101010001 broke")  # a NIK in an exception never reaches a user
