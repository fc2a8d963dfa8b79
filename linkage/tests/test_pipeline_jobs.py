"""Pipeline runs and snapshots started from the web run in the job worker; a failed run is
resumed, not started again, by retrying its job."""

import pytest
from django.urls import reverse

from accounts.models import Role
from jobs.models import Job, JobState
from linkage.models import PipelineRun, Snapshot
from synth.generate import generate

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def synth_dir(tmp_path_factory):
    path = tmp_path_factory.mktemp("synth") / "cibinong"
    generate("32.01.01", 60, 7, path)
    return path


@pytest.fixture
def registry(synth_dir, settings, tmp_path):
    from synth.load import load_registry

    settings.VAR_DIR = tmp_path / "var"
    load_registry(synth_dir)
    return synth_dir


def test_a_pipeline_run_started_from_the_web_runs_in_the_worker(client, make_user, registry,
                                                               run_jobs):
    from civil.services import import_extract

    import_extract(registry / "dukcapil.parquet")
    client.force_login(make_user(Role.PUSAT))
    form = client.get(reverse("linkage_run_list")).content.decode()
    assert 'id="pipeline-start-form"' in form

    started = client.post(reverse("linkage_pipeline_start"), {"steps": ["matching"],
                                                               "engine": "duckdb"})
    twice = client.post(reverse("linkage_pipeline_start"), {"steps": ["matching"],
                                                             "engine": "duckdb"})
    assert started.url == twice.url and Job.objects.count() == 1
    assert not PipelineRun.objects.exists()  # nothing ran inside the request

    assert run_jobs() == 1
    run = PipelineRun.objects.get()
    steps = dict(run.steps.values_list("name", "state"))
    assert steps["snapshot"] == "done" and steps["matching"] == "done"
    job = Job.objects.get()
    assert job.state == JobState.DONE and job.output["resume"] == run.name
    page = client.get(started.url).content.decode()
    assert reverse("linkage_run_detail", args=[run.name]) in page


def test_a_failed_run_is_resumed_by_retrying_its_job(client, make_user, registry, run_jobs):
    from civil.services import import_extract

    client.force_login(make_user(Role.PUSAT))
    client.post(reverse("linkage_pipeline_start"), {"steps": ["matching"], "engine": "duckdb"})
    run_jobs()  # no Dukcapil extract yet: matching fails after the snapshot
    failed = Job.objects.get()
    run = PipelineRun.objects.get()
    assert failed.state == JobState.FAILED and failed.resumable
    assert run.state == PipelineRun.State.FAILED
    page = client.get(failed.get_absolute_url()).content.decode()
    assert run.name in page and "Traceback" not in page

    import_extract(registry / "dukcapil.parquet")
    retried = client.post(reverse("jobs:retry", args=[failed.pk]))
    run_jobs()

    again = Job.objects.exclude(pk=failed.pk).get()
    assert retried.url == again.get_absolute_url() and again.params["resume"] == run.name
    assert again.state == JobState.DONE
    assert PipelineRun.objects.get() == run  # the same run, resumed
    run.refresh_from_db()
    assert run.state == PipelineRun.State.DONE
    assert Snapshot.objects.count() == 1  # its snapshot was not taken again


def test_only_the_data_centre_starts_runs(client, make_user):
    client.force_login(make_user(Role.DINSOS_PROVINSI, "32"))
    assert client.post(reverse("linkage_pipeline_start"), {"engine": "duckdb"}).status_code == 403
    assert client.post(reverse("linkage_snapshot_start")).status_code == 403
    assert 'id="pipeline-start-form"' not in client.get(
        reverse("linkage_run_list")).content.decode()
    assert not Job.objects.exists()


def test_a_snapshot_started_from_the_web(client, make_user, registry, run_jobs):
    client.force_login(make_user(Role.PUSAT))
    started = client.post(reverse("linkage_snapshot_start"))
    run_jobs()
    snapshot = Snapshot.objects.get()
    assert snapshot.name in client.get(started.url).content.decode()


def test_a_dukcapil_extract_uploaded_from_the_web_is_imported_by_the_worker(
        client, make_user, synth_dir, settings, tmp_path, run_jobs):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from civil.models import CivilExtract

    settings.VAR_DIR = tmp_path / "var"
    client.force_login(make_user(Role.PUSAT))
    data = (synth_dir / "dukcapil.parquet").read_bytes()
    started = client.post(reverse("civil_extract_upload"),
                          {"file": SimpleUploadedFile("dukcapil.parquet", data)})
    run_jobs()

    assert CivilExtract.objects.count() == 1
    assert "disimpan" in client.get(started.url).content.decode()
    assert not any(p.is_file() for p in (tmp_path / "var" / "uploads").rglob("*"))


def test_a_refused_dukcapil_extract_lists_its_rows_and_keeps_nothing(
        client, make_user, settings, tmp_path, run_jobs):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from civil.models import CivilExtract

    settings.VAR_DIR = tmp_path / "var"
    client.force_login(make_user(Role.PUSAT))
    csv = (b"nik,kk_number,name,birth_date,sex,village_code\n"
           b"3201011705800001,3201010101010001,Budi,1980-05-17,L,32.01.01.1001\n"
           b"12345,3201010101010001,Siti,1981-13-40,P,32.01.01.1001\n")
    started = client.post(reverse("civil_extract_upload"),
                          {"file": SimpleUploadedFile("dukcapil.csv", csv)})
    run_jobs()

    page = client.get(started.url).content.decode()
    assert 'data-state="failed"' in page and 'id="job-errors"' in page
    assert "<td>2</td><td>nik</td>" in page
    assert not CivilExtract.objects.exists()
