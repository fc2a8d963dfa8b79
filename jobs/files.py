"""Files a job produces (exports, payment files): written under a temporary name and renamed
when complete, so a worker killed mid-write never leaves a file that looks finished."""

import os
from collections.abc import Callable
from pathlib import Path

from django.conf import settings

from .models import Job


def output_dir(job: Job) -> Path:
    return Path(settings.VAR_DIR) / "jobs" / str(job.pk)


def write_output(job: Job, name: str, write: Callable[[Path], None]) -> str:
    """`write(path)` fills a temporary file that becomes `name` only once complete."""
    folder = output_dir(job)
    folder.mkdir(parents=True, exist_ok=True)
    partial = folder / f".{name}.partial"
    write(partial)
    os.replace(partial, folder / name)
    return name


def output_file(job: Job, name: str) -> Path | None:
    if name not in job.output.get("files", []):
        return None
    path = output_dir(job) / name
    return path if path.is_file() else None
