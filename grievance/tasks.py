"""Grievance's long work in the job worker: the SP4N-LAPOR! import and the SLA escalation."""

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


@job_kind("grievance_lapor_import", label=_("SP4N-LAPOR! complaints import"),
          action=policy.IMPORT_COMPLAINTS,
          steps={"import": _("Checking and importing the file")})
def lapor_import(job, progress) -> dict:
    path = Path(job.params["path"])
    ctx = Context(job.created_by, reason="SP4N-LAPOR! import", source_ref=f"job:{job.pk}")
    progress("import", 0, 0)
    try:
        counts = imports.import_lapor(ctx, path.read_bytes(), job.params["name"])
    except imports.ImportRefused as refused:
        raise JobRefused(refused.message_id, refused.message_en, refused.errors) from refused
    finally:
        shutil.rmtree(path.parent, ignore_errors=True)
    message = in_both(lambda: gettext("%(created)s complaints imported, %(skipped)s imported "
                                      "before.") % counts)
    return {"message": message, **counts}


def start_lapor_import(ctx: Context, upload, scope: str = ""):
    """Keep the upload under VAR_DIR and start its import job."""
    from jobs import services as jobs

    folder = Path(settings.VAR_DIR) / "uploads" / "grievance" / uuid.uuid4().hex
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "lapor.dat"
    with open(path, "wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    return jobs.start(ctx, "grievance_lapor_import",
                      {"path": str(path), "name": upload.name[:200]}, scope=scope)


@job_kind("grievance_escalation", label=_("Complaint SLA escalation"),
          action=policy.MANAGE_INCIDENTS)
def escalation(job, progress) -> dict:
    moved = services.escalate_overdue()
    return {"message": in_both(lambda: gettext("%(n)s overdue reports escalated.")
                               % {"n": moved}), "escalated": moved}
