"""PKH's long work in the job worker: the verification imports (a file whole or not at all)
and the verification of a stage."""

import shutil
import uuid
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts import policy
from audit.services import Context
from jobs.kinds import JobRefused, in_both, job_kind

from . import imports, services
from .services import PkhError


def refused(error: PkhError) -> JobRefused:
    return JobRefused(error.id, error.en, error.problems)


@job_kind("pkh_import", label=_("PKH verification import"), action=policy.PKH_IMPORT,
          steps={"import": _("Checking and importing the file")})
def verification_import(job, progress) -> dict:
    params = job.params
    path = Path(params["path"])
    ctx = Context(job.created_by, source="import", reason="pkh verification import",
                  source_ref=f"job:{job.pk}")
    progress("import", 0, 0)
    try:
        result = imports.import_file(ctx, params["kind"], path.read_bytes(), params["name"])
    except PkhError as error:
        raise refused(error) from error
    finally:
        shutil.rmtree(path.parent, ignore_errors=True)
    if not result.created:
        return {"message": in_both(lambda: gettext(
            "This file was imported before; nothing changed."))}
    return {"message": in_both(lambda: gettext("%(n)s rows imported.") % {"n": result.rows}),
            "batch": result.batch.pk}


def start_import(ctx: Context, kind: str, upload):
    """Keep the upload under VAR_DIR and start its import job."""
    from jobs import services as jobs

    folder = Path(settings.VAR_DIR) / "uploads" / "pkh" / uuid.uuid4().hex
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "verification.dat"
    with open(path, "wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    return jobs.start(ctx, "pkh_import", {"kind": kind, "path": str(path),
                                          "name": upload.name[:200]})


@job_kind("pkh_verify_stage", label=_("PKH stage verification"), action=policy.PKH_RUN_STAGE,
          steps={"verify": _("Judging the commitments of every family")})
def verify_stage(job, progress) -> dict:
    ctx = Context(job.created_by, source="batch", reason="pkh stage verification",
                  source_ref=f"job:{job.pk}")
    progress("verify", 0, 0)
    try:
        run = services.verify_stage(ctx, int(job.params["year"]), int(job.params["stage"]))
    except PkhError as error:
        raise refused(error) from error
    return {"message": in_both(lambda: gettext(
        "%(compliant)s compliant, %(violation)s with a violation, %(not_verified)s not "
        "verified.") % {k: run.counts.get(k, 0) for k in ("compliant", "violation",
                                                           "not_verified")}),
        "run": run.pk}


@job_kind("pkh_graduate", label=_("PKH graduations (alamiah, tidak padan)"),
          action=policy.PKH_RUN_STAGE,
          steps={"graduate": _("Checking every family's components and Dukcapil match")})
def graduate_computed(job, progress) -> dict:
    from datetime import date

    ctx = Context(job.created_by, source="batch", reason="pkh graduation",
                  source_ref=f"job:{job.pk}")
    progress("graduate", 0, 0)
    counts = services.graduate_computed(ctx, date.fromisoformat(job.params["on"]),
                                        int(job.params["year"]), int(job.params["stage"]))
    return {"message": in_both(lambda: gettext(
        "%(alamiah)s alamiah and %(tidak_padan)s tidak padan graduations.") % counts)}
