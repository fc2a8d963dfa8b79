"""Real worker processes against a database of their own (a migrated SQLite file, or a fresh
PostgreSQL database when the suite runs on PostgreSQL): several workers run each job once, and a
worker killed in the middle of a job leaves nothing of it written."""

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def worker_env(fresh_database):
    return fresh_database | {"KESOS_JOB_MODULES": "jobs.tests.kinds"}


def _python(env: dict, code: str):
    """Run Django code in a process of its own; what it prints as JSON."""
    script = "import django, json; django.setup()\n" + code
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env | {  # noqa: S603
        "DJANGO_SETTINGS_MODULE": "kesos.settings"}, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def _start(env: dict, kind: str, params: dict) -> int:
    return _python(env, f"""
from audit.services import Context
from jobs import services
print(services.start(Context(), {kind!r}, {params!r}).pk)""")


def _worker(env: dict, *args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "manage.py", "worker", *args], cwd=ROOT,  # noqa: S603
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)


def test_two_workers_started_together_run_each_job_once(worker_env):
    ids = [_start(worker_env, "test_count", {"n": n, "seconds": 0.05}) for n in range(3)]
    ids += _python(worker_env, """
from audit.services import Context
from jobs import services
print(json.dumps([services.start(Context(), "test_count", {"n": n, "seconds": 0.05}).pk
                  for n in range(3, 16)]))""")

    workers = [_worker(worker_env, "--batch"), _worker(worker_env, "--batch")]
    for worker in workers:
        assert worker.wait(timeout=240) == 0, worker.stderr.read()

    found = _python(worker_env, f"""
from audit.models import Event
from jobs.models import Job
jobs = Job.objects.filter(pk__in={ids!r})
print(json.dumps({{
    "states": sorted({{j.state for j in jobs}}),
    "runs": sorted(Event.objects.filter(action="test.ran", source_ref__in=[f"job:{{j.pk}}"
                   for j in jobs]).values_list("source_ref", flat=True)),
    "workers": len({{j.worker_id for j in jobs}}),
}}))""")
    assert found["states"] == ["done"]
    assert found["runs"] == sorted(f"job:{pk}" for pk in ids)  # each exactly once


def test_a_worker_killed_during_a_job_leaves_no_partial_writes(worker_env, tmp_path):
    marker = tmp_path / "written"
    job = _start(worker_env, "test_write_then_hold",
                 {"rows": 50, "hold": 120, "marker": str(marker)})
    worker = _worker(worker_env)
    deadline = time.monotonic() + 120
    while not marker.exists():
        assert worker.poll() is None and time.monotonic() < deadline, "the job never started"
        time.sleep(0.1)

    worker.send_signal(signal.SIGKILL)
    worker.wait(timeout=30)

    check = f"""
from audit.models import Event
from jobs.models import Job
job = Job.objects.get(pk={job})
print(json.dumps({{"state": job.state, "rows": Event.objects.filter(
    source_ref="job:{job}").count(), "error": job.error.get("en", "")}}))"""
    assert _python(worker_env, check) == {"state": "running", "rows": 0, "error": ""}

    # The next worker finds the job's worker gone and fails the job; a retry can run it again.
    assert _worker(worker_env, "--batch").wait(timeout=120) == 0
    after = _python(worker_env, check)
    assert after["state"] == "failed" and after["rows"] == 0
    assert after["error"].startswith("The worker process stopped in the middle of this job")
