"""The burekol answer import as a job: a bank's answer for a large request (a province's KPM)
is checked and applied in the worker; a refusal lists every line and field on the job page and
writes nothing. Registered through payments/tasks.py (the module the job registry discovers)."""

import shutil
import uuid
from pathlib import Path

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts import policy
from audit.services import Context
from jobs.kinds import JobRefused, in_both, job_kind

from . import kks
from .errors import PaymentError
from .models import BurekolRequest


def _burekol_link() -> dict:
    back = in_both(lambda: gettext("Back to burekol"))
    return {"url": reverse("payments:burekol"), **back}


@job_kind("payments_burekol_answer", label=_("Burekol answer import"),
          action=policy.MANAGE_ACCOUNTS_KKS,
          steps={"import": _("Checking and importing the answer")})
def burekol_answer(job, progress) -> dict:
    path = Path(job.params["path"])
    request = BurekolRequest.objects.select_related("channel").get(pk=job.params["request"])
    ctx = Context(job.created_by, reason="burekol answer", source_ref=f"job:{job.pk}")
    progress("import", 0, 0)
    try:
        opened = kks.import_answer(ctx, request, path.read_bytes())
    except PaymentError as error:
        raise JobRefused(error.id, error.en, [p.as_row() for p in error.problems]) from error
    finally:
        shutil.rmtree(path.parent, ignore_errors=True)
    if opened:
        message = in_both(lambda: gettext("%(n)s accounts opened.") % {"n": opened})
    else:
        message = in_both(lambda: gettext(
            "This answer was imported before; nothing changed."))
    return {"message": message, "links": [_burekol_link()], "opened": opened}


def start_burekol_answer(ctx: Context, request: BurekolRequest, upload):
    """Keep the upload under VAR_DIR and start its import job."""
    from jobs import services as jobs

    folder = Path(settings.VAR_DIR) / "uploads" / "payments" / uuid.uuid4().hex
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "burekol-answer.dat"
    with open(path, "wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    return jobs.start(ctx, "payments_burekol_answer", {"request": request.pk, "path": str(path),
                                                       "name": upload.name[:200]})
