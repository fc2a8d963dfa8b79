"""Payments' long work in the job worker: disbursement files (a batch and its file in one
transaction; the file renamed into place when complete) and the import of response files."""

import shutil
from pathlib import Path

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts import policy
from audit.services import Context
from jobs.files import write_output
from jobs.kinds import JobRefused, in_both, job_kind

from . import disbursement, reconciliation
from .errors import PaymentError
from .models import DisbursementBatch, PaymentChannel, PaymentCycle


def refused(error: PaymentError) -> JobRefused:
    return JobRefused(error.id, error.en, [p.as_row() for p in error.problems])


def work_dir(job) -> Path:
    return Path(settings.VAR_DIR) / "tmp" / "payments" / str(job.pk)


def _cycle_link(cycle_id: int) -> dict:
    back = in_both(lambda: gettext("Back to the payment cycle"))
    return {"url": reverse("payments:cycle_detail", args=[cycle_id]), **back}


@job_kind("payments_disbursement", label=_("Disbursement file"), action=policy.DISBURSE,
          steps={"batch": _("Choosing the payments"), "file": _("Writing the file")})
def disbursement_file(job, progress) -> dict:
    from django.db import transaction

    cycle = PaymentCycle.objects.get(pk=job.params["cycle"])
    channel = PaymentChannel.objects.get(pk=job.params["channel"])
    ctx = Context(job.created_by, reason="disbursement file", source_ref=f"job:{job.pk}")
    progress("batch", 0, 0)
    try:
        with transaction.atomic():
            batch = disbursement.create_batch(ctx, cycle, channel)
            if batch is None:
                nothing = in_both(lambda: gettext(
                    "No payment of this channel is waiting; no file was made."))
                return {"message": nothing, "links": [_cycle_link(cycle.pk)]}
            progress("file", 0, batch.record_count)
            made = disbursement.write_files(
                batch, lambda name, write: write_output(job, name, write), work_dir(job))
            DisbursementBatch.objects.filter(pk=batch.pk).update(job=job)
    except PaymentError as error:
        raise refused(error) from error
    finally:
        shutil.rmtree(work_dir(job), ignore_errors=True)
    done = in_both(lambda: gettext("%(n)s payments, Rp%(total)s, in %(file)s.") % {
        "n": made.records, "total": f"{made.total:,}".replace(",", "."), "file": made.name})
    return {"files": [made.name, made.manifest_name], "message": done,
            "links": [_cycle_link(cycle.pk)], "batch": batch.pk}


def start_disbursement(ctx: Context, cycle: PaymentCycle, channel: PaymentChannel):
    from jobs import services as jobs

    return jobs.start(ctx, "payments_disbursement", {"cycle": cycle.pk, "channel": channel.code})


@job_kind("payments_response", label=_("Response file import"), action=policy.RECONCILE,
          steps={"import": _("Checking and importing the file")})
def response_import(job, progress) -> dict:
    params = job.params
    path = Path(params["path"])
    batch = DisbursementBatch.objects.select_related("cycle", "channel").get(pk=params["batch"])
    ctx = Context(job.created_by, reason="response import", source_ref=f"job:{job.pk}")
    progress("import", 0, 0)
    try:
        result = reconciliation.import_response(ctx, batch, path.read_bytes(), params["name"],
                                                params["kind"], params.get("sha256", ""))
    except PaymentError as error:
        raise refused(error) from error
    finally:
        shutil.rmtree(path.parent, ignore_errors=True)
    if not result.created:
        message = in_both(lambda: gettext("This file was imported before; nothing changed."))
    else:
        message = in_both(lambda: gettext("%(n)s answers applied.") % {
            "n": sum(result.counts.values())})
    return {"message": message, "links": [_cycle_link(batch.cycle_id)]}


def start_response_import(ctx: Context, batch: DisbursementBatch, upload, kind: str,
                          sha256: str = ""):
    """Keep the upload under VAR_DIR and start its import job."""
    import uuid

    from jobs import services as jobs

    folder = Path(settings.VAR_DIR) / "uploads" / "payments" / uuid.uuid4().hex
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "response.dat"
    with open(path, "wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    return jobs.start(ctx, "payments_response", {
        "batch": batch.pk, "path": str(path), "name": upload.name[:200], "kind": kind,
        "sha256": sha256})


from . import tasks_kks  # noqa: E402, F401  (the burekol answer job kind)
