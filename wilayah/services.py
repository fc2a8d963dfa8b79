"""Loading the official region codes (shipped CSV, ODbL) into the database."""

import csv
from collections.abc import Iterator
from pathlib import Path

from django.db import transaction

from .models import Level, Region

DATA_DIR = Path(__file__).resolve().parent / "data"
FILES = [
    ("provinces.csv", Level.PROVINCE, None),
    ("regencies.csv", Level.REGENCY, "province_code"),
    ("districts.csv", Level.DISTRICT, "regency_code"),
    ("villages.csv", Level.VILLAGE, "district_code"),
]


def _rows(data_dir: Path, prefix: str | None) -> Iterator[Region]:
    for filename, level, parent_column in FILES:
        with open(data_dir / filename, encoding="utf-8", newline="") as f:
            for row in csv.DictReader(f):
                code = row["code"]
                if prefix and not (
                    code == prefix or code.startswith(prefix + ".") or prefix.startswith(code + ".")
                ):
                    continue
                parent = row[parent_column] if parent_column else None
                yield Region(code=code, parent_id=parent, level=level, name=row["name"].strip())


@transaction.atomic
def load_regions(data_dir: Path = DATA_DIR, prefix: str | None = None) -> int:
    """Insert the official regions that are not loaded yet; returns how many were added.

    With `prefix` only that region, its ancestors and its descendants are loaded (for tests and
    small demos). Idempotent: existing codes are kept, names refreshed only by a full reload.
    """
    existing = set(Region.objects.values_list("code", flat=True))
    new = [r for r in _rows(data_dir, prefix) if r.code not in existing]
    Region.objects.bulk_create(new, batch_size=5000)
    return len(new)
