"""Data quality's long work in the job worker: registry snapshots and pipeline runs (matching,
dedup, cleansing proposals, ranking, write-back), started from the web by the data centre.
A pipeline run is resumable step by step: a retry after a failure resumes the same run."""

import logging

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts import policy
from jobs.kinds import JobRefused, job_kind

from .models import PipelineRun, Snapshot
from .pipeline import BATCH_STEPS, PipelineError, StepFailed, run_pipeline
from .snapshots import SnapshotError, take_snapshot

logger = logging.getLogger("kesos.linkage")
STEP_NAMES = ["snapshot", *BATCH_STEPS, "write_back"]
STEP_LABELS = {
    "snapshot": _("Registry snapshot"), "matching": _("Matching with Dukcapil"),
    "dedup": _("Deduplication"), "cleansing": _("Cleansing proposals"),
    "ranking": _("Welfare ranking (desil)"), "write_back": _("Writing results back"),
}


def _run_link(run: PipelineRun) -> dict:
    return {"url": reverse("linkage_run_detail", args=[run.name]),
            "id": f"Lihat proses {run.name}", "en": f"See run {run.name}"}


def _resume_params(job) -> dict:
    return {"resume": job.output["resume"]}


@job_kind("pipeline_run", label=_("Data-quality pipeline run"), action=policy.RUN_PIPELINE,
          steps=STEP_LABELS, retry_params=_resume_params)
def pipeline_run(job, progress) -> dict:
    params = job.params
    names = [s for s in params.get("steps", []) if s] or STEP_NAMES

    def on_step(run, step) -> None:
        if "resume" not in job.output:
            progress.record(resume=run.name)
        position = names.index(step.name) if step.name in names else 0
        progress(step.name, position + (step.state != "running"), len(names))

    options = {"only": params.get("steps", []), "actor": job.created_by,
               "on_step_change": on_step}
    try:
        if params.get("resume"):
            run = PipelineRun.objects.get(name=params["resume"])
            progress.record(resume=run.name)
            run = run_pipeline(resume=run, **options)
        else:
            snapshot = None
            if params.get("snapshot"):
                snapshot = Snapshot.objects.get(name=params["snapshot"])
            else:
                progress("snapshot", 0, len(names))
            engine = {k: params[k] for k in ("engine", "spark_master") if params.get(k)}
            run = run_pipeline(snapshot, parameters=engine, **options)
    except StepFailed as failed:
        logger.exception("pipeline run %s failed in job %s", failed.run.name, job.pk)
        progress.record(resume=failed.run.name)
        raise JobRefused(
            f"Satu langkah proses {failed.run.name} gagal (lihat halaman proses). Langkah yang "
            "sudah selesai tersimpan; ulangi untuk melanjutkan.",
            f"A step of run {failed.run.name} failed (see the run page). The finished steps "
            "are kept; retry to resume.") from failed
    except (PipelineError, SnapshotError) as error:
        raise JobRefused(f"Proses ditolak: {error}", f"The run was refused: {error}") from error
    return {"links": [_run_link(run)], "resume": run.name}


@job_kind("snapshot", label=_("Registry snapshot"), action=policy.RUN_PIPELINE,
          steps={"snapshot": _("Registry snapshot")})
def snapshot(job, progress) -> dict:
    progress("snapshot", 0, 1)
    taken = take_snapshot(progress=False)
    return {"summary": {"snapshot": taken.name, "rows": taken.manifest.get("rows", {})},
            "links": [{"url": reverse("linkage_run_list"), "id": f"Snapshot {taken.name} siap",
                       "en": f"Snapshot {taken.name} ready"}]}
