"""The civil registry's long work in the job worker: importing a Dukcapil extract uploaded from
the web (the `kesos civil import` command does the same from the command line)."""

import shutil
from pathlib import Path

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts import policy
from audit.services import Context
from jobs.kinds import JobRefused, job_kind
from registry.identity import mask_niks_in as masked

from .extracts import ExtractError
from .services import import_extract


@job_kind("civil_extract_import", label=_("Dukcapil extract import"),
          action=policy.RUN_PIPELINE, steps={"import": _("Checking and keeping the extract")})
def civil_extract_import(job, progress) -> dict:
    path = Path(job.params["path"])
    progress("import", 0, 0)
    try:
        result = import_extract(path, ctx=Context(job.created_by, reason="Dukcapil extract",
                                                  source_ref=f"job:{job.pk}"))
    except ExtractError as error:
        raise JobRefused(
            f"Berkas ditolak: {error.total} kesalahan. Tidak ada yang diimpor.",
            f"File refused: {error.total} error(s). Nothing was imported.",
            [{"row": e.row, "column": e.field, "message_id": masked(e.message_id),
              "message_en": masked(e.message_en)} for e in error.errors]) from error
    finally:
        shutil.rmtree(path.parent, ignore_errors=True)
    extract = result.extract
    message = ({"id": f"Ekstrak {extract.name} disimpan; proses berikutnya memakainya.",
                "en": f"Extract {extract.name} kept; the next run uses it."} if result.created
               else {"id": f"Berkas ini sudah diimpor sebagai {extract.name}; tidak ada yang "
                     "berubah.", "en": f"This file was imported before as {extract.name}; "
                     "nothing changed."})
    return {"message": message, "links": [{"url": reverse("linkage_run_list"),
                                           "id": "Proses data", "en": "Pipeline runs"}]}
