"""The DTKS update flow's long work: processing uploaded BNBA lists, ODK/Kobo exports and
returned work packages in the job worker."""

from django.urls import reverse
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from jobs.kinds import JobRefused, job_kind

from .models import ImportBatch, ImportKind, ImportStatus
from .services import import_runs, imports

STEPS = {"process": _("Checking and importing the file")}


def _process(job, progress) -> dict:
    batch = ImportBatch.objects.get(pk=job.params["batch"])
    # One active job per batch (its request key): a batch left running by a dead worker is ours.
    ImportBatch.objects.filter(pk=batch.pk, status=ImportStatus.RUNNING).update(
        status=ImportStatus.PENDING)
    progress("process", 0, 0)
    batch = import_runs.run_import(batch)
    if batch.status == ImportStatus.REFUSED:
        raise JobRefused(
            "Berkas ditolak; tidak ada yang diimpor. Perbaiki masalah berikut lalu unggah lagi.",
            "The file was refused; nothing was imported. Fix these problems and upload it again.",
            batch.errors,
        )
    url = reverse("registration_import_progress", args=[batch.pk])
    return {"links": [{"url": url, "id": "Lihat hasil impor", "en": "See the import result"}],
            "counts": batch.counts}


for _kind in ImportKind:
    job_kind(f"import_{_kind.value}", label=format_lazy("{}: {}", _("Import"), _kind.label),
             action=imports.ACTION_BY_KIND[_kind], steps=STEPS)(_process)


def start_processing(ctx, batch: ImportBatch):
    """The job that processes a pending batch (the same one again for a repeated request)."""
    from jobs import services as jobs

    return jobs.start(ctx, f"import_{batch.kind}", {"batch": batch.pk}, batch.scope)
