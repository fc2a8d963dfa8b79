"""Processing a pending import batch of any kind (the job worker and small uploads both come
here): the one place that knows every kind's processor, so that the BNBA import
(`imports`) and the offline ones (`offline_imports`) need not import each other."""

from collections.abc import Callable

from ..models import ImportBatch, ImportKind
from .imports import claim, process_bnba
from .offline_imports import process_odk, process_package

PROCESS: dict[str, Callable[[ImportBatch, bytes], ImportBatch]] = {
    ImportKind.BNBA: process_bnba,
    ImportKind.ODK: process_odk,
    ImportKind.PACKAGE: process_package,
}


def run_import(batch: ImportBatch) -> ImportBatch:
    """Process a pending batch (the worker and small uploads both come here)."""
    if not claim(batch):
        return batch
    with batch.file.open("rb") as f:
        data = f.read()
    return PROCESS[batch.kind](batch, data)
