"""Jobs as their users meet them: one job per request, progress, errors in the user's language,
retry and cancel, and pages scoped like the rest of Kesos."""

import logging
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from audit.models import Event
from audit.services import Context
from conftest import VILLAGE_A, VILLAGE_OTHER_DISTRICT
from jobs import selectors, services
from jobs.models import Job, JobState
from jobs.tests import kinds  # noqa: F401 (registers the test kinds)

pytestmark = pytest.mark.django_db


@pytest.fixture
def operator(make_user):
    return make_user(Role.OPERATOR_DESA, VILLAGE_A)


def test_the_same_request_twice_starts_one_job(operator):
    first = services.start(Context(operator), "test_count", {"n": 1}, VILLAGE_A)
    again = services.start(Context(operator), "test_count", {"n": 1}, VILLAGE_A)
    other = services.start(Context(operator), "test_count", {"n": 2}, VILLAGE_A)

    assert again.pk == first.pk and other.pk != first.pk
    assert Job.objects.count() == 2
    assert Event.objects.filter(action="job.start").count() == 2


def test_a_finished_request_can_be_started_again(operator, run_jobs):
    first = services.start(Context(operator), "test_count", {}, VILLAGE_A)
    run_jobs()
    again = services.start(Context(operator), "test_count", {}, VILLAGE_A)
    assert again.pk != first.pk


def test_a_job_runs_in_the_worker_and_shows_its_output(client, operator, run_jobs):
    job = services.start(Context(operator), "test_count", {}, VILLAGE_A)
    client.force_login(operator)
    assert b'data-state="waiting"' in client.get(job.get_absolute_url()).content

    assert run_jobs() == 1

    job.refresh_from_db()
    assert job.state == JobState.DONE and job.finished_at is not None
    page = client.get(reverse("jobs:status", args=[job.pk])).content.decode()
    assert 'data-state="done"' in page and "Beranda" in page and "hx-trigger" not in page


def test_a_waiting_page_polls_for_progress(client, operator):
    job = services.start(Context(operator), "test_count", {}, VILLAGE_A)
    client.force_login(operator)
    page = client.get(reverse("jobs:status", args=[job.pk])).content.decode()
    assert 'hx-trigger="every 2s"' in page


def test_progress_gives_counts_and_an_estimate_of_the_time_left(operator):
    job = services.start(Context(operator), "test_count", {}, VILLAGE_A)
    now = timezone.now()
    Job.objects.filter(pk=job.pk).update(state=JobState.RUNNING, step="counting", done=250,
                                         total=1000, step_started_at=now - timedelta(seconds=30))
    job.refresh_from_db()

    assert selectors.percent(job) == 25
    assert selectors.time_left(job, now) == timedelta(seconds=90)


def test_a_refused_input_lists_every_error_in_the_users_language(client, operator, run_jobs):
    job = services.start(Context(operator), "test_refused", {}, VILLAGE_A)
    run_jobs()
    client.force_login(operator)

    page = client.get(job.get_absolute_url()).content.decode()
    assert "Berkas ditolak." in page and "NIK harus 16 angka." in page

    client.cookies["django_language"] = "en"
    page = client.get(job.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "The file was refused." in page and "NIK must have 16 digits." in page


def test_an_unexpected_error_shows_no_traceback_and_logs_no_personal_data(
    client, operator, run_jobs, caplog
):
    job = services.start(Context(operator), "test_crash", {}, VILLAGE_A)
    with caplog.at_level(logging.ERROR, logger="kesos.jobs"):
        run_jobs()
    client.force_login(operator)
    page = client.get(job.get_absolute_url()).content.decode()

    assert "Terjadi kesalahan yang tidak terduga" in page and f"#{job.pk}" in page
    assert "Traceback" not in page and "RuntimeError" not in page
    assert "RuntimeError" in caplog.text  # the technical team finds it in the log


def test_a_failed_job_can_be_retried(client, operator, run_jobs):
    job = services.start(Context(operator), "test_crash", {"x": 1}, VILLAGE_A)
    run_jobs()
    client.force_login(operator)

    response = client.post(reverse("jobs:retry", args=[job.pk]))

    again = Job.objects.exclude(pk=job.pk).get()
    assert response.url == again.get_absolute_url()
    assert (again.retry_of, again.params, again.state) == (job, {"x": 1}, JobState.WAITING)
    assert client.post(reverse("jobs:retry", args=[again.pk])).status_code == 404  # not failed


def test_a_waiting_job_is_cancelled_and_never_runs(client, operator, run_jobs):
    job = services.start(Context(operator), "test_count", {}, VILLAGE_A)
    client.force_login(operator)
    client.post(reverse("jobs:cancel", args=[job.pk]))
    run_jobs()

    job.refresh_from_db()
    assert job.state == JobState.CANCELLED
    assert not Event.objects.filter(source_ref=f"job:{job.pk}").exists()
    assert Event.objects.filter(action="job.cancel", object_id=str(job.pk)).exists()


def test_a_cancelled_running_job_rolls_its_writes_back(operator, run_jobs):
    job = services.start(Context(operator), "test_write_then_hold", {"rows": 5, "hold": 30},
                         VILLAGE_A)
    Job.objects.filter(pk=job.pk).update(cancel_requested=True)  # asked while it runs

    run_jobs()

    job.refresh_from_db()
    assert job.state == JobState.CANCELLED
    assert not Event.objects.filter(source_ref=f"job:{job.pk}").exists()


def test_jobs_are_seen_by_their_starter_and_by_oversight_roles_in_scope(client, make_user):
    owner = make_user(Role.OPERATOR_DESA, VILLAGE_A)
    neighbour = make_user(Role.OPERATOR_DESA, "32.01.01.1002", username="neighbour")
    province = make_user(Role.DINSOS_PROVINSI, "32")
    elsewhere = make_user(Role.DINSOS_PROVINSI, "34", username="jogja")
    job = services.start(Context(owner), "test_count", {}, VILLAGE_A)

    assert list(selectors.visible_jobs(owner)) == [job]
    assert list(selectors.visible_jobs(province)) == [job]
    assert not selectors.visible_jobs(neighbour).exists()
    assert not selectors.visible_jobs(elsewhere).exists()
    client.force_login(neighbour)
    assert client.get(job.get_absolute_url()).status_code == 404
    assert client.post(reverse("jobs:cancel", args=[job.pk])).status_code == 404
    client.force_login(province)
    page = client.get(reverse("jobs:list") + "?semua=1").content.decode()
    assert job.get_absolute_url() in page
    assert job.get_absolute_url() not in client.get(reverse("jobs:list")).content.decode()


def test_a_national_job_is_not_shown_to_a_province(make_user):
    pusat = make_user(Role.PUSAT, None)
    province = make_user(Role.DINSOS_PROVINSI, "32")
    services.start(Context(pusat), "test_count", {}, "")
    assert selectors.visible_jobs(pusat).count() == 1
    assert not selectors.visible_jobs(province).exists()


def test_nobody_starts_a_job_outside_their_role_or_region(make_user):
    from django.core.exceptions import PermissionDenied

    operator = make_user(Role.OPERATOR_DESA, VILLAGE_A)
    with pytest.raises(PermissionDenied):
        services.start(Context(operator), "test_count", {}, VILLAGE_OTHER_DISTRICT)
    assert not Job.objects.exists()


def test_a_job_file_is_offered_only_once_complete_and_its_download_is_audited(
    client, operator, settings, tmp_path
):
    from jobs.files import output_dir, write_output

    settings.VAR_DIR = tmp_path
    job = services.start(Context(operator), "test_count", {}, VILLAGE_A)

    def half_then_fail(path):
        path.write_text("nik;name\n")
        raise OSError("disk full")

    with pytest.raises(OSError):
        write_output(job, "kpm.csv", half_then_fail)
    assert not (output_dir(job) / "kpm.csv").exists()

    write_output(job, "kpm.csv", lambda path: path.write_text("nik;name\n"))
    Job.objects.filter(pk=job.pk).update(state=JobState.DONE, output={"files": ["kpm.csv"]})
    client.force_login(operator)
    response = client.get(reverse("jobs:download", args=[job.pk, "kpm.csv"]))

    assert response.status_code == 200 and b"".join(response.streaming_content) == b"nik;name\n"
    assert Event.objects.filter(action="job.download", object_id=str(job.pk)).exists()
    assert client.get(reverse("jobs:download", args=[job.pk, "other.csv"])).status_code == 404
