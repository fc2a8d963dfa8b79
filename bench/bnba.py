"""Parsing speed of a 100,000-row BNBA list (CSV and XLSX), against reading the same file bare
(csv.reader; openpyxl's read-only mode, the usual way to read XLSX in Python).

The import target is 2,000 rows/s including validation and writing; this prints how much of
that budget parsing and validation take. Reproduce:
    .venv/bin/python bench/bnba.py --rows 100000
"""

import argparse
import csv
import io
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kesos.settings")

import django  # noqa: E402

django.setup()

from openpyxl import load_workbook  # noqa: E402

from registration.bnba.export import export_csv, export_xlsx  # noqa: E402
from registration.bnba.parse import parse_bnba  # noqa: E402
from registration.bnba.samples import sample_households  # noqa: E402


def bare_csv(data: bytes) -> int:
    return sum(1 for _ in csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def bare_xlsx(data: bytes) -> int:
    workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    rows = sum(1 for _ in workbook.worksheets[0].iter_rows(values_only=True))
    workbook.close()
    return rows


def timed(fn, data: bytes) -> tuple[float, object]:
    started = time.perf_counter()
    result = fn(data)
    return time.perf_counter() - started, result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    args = parser.parse_args()
    households = sample_households(args.rows)
    for name, export, bare in [("CSV", export_csv, bare_csv), ("XLSX", export_xlsx, bare_xlsx)]:
        data = export(households)
        parse_seconds, result = timed(parse_bnba, data)
        bare_seconds, _ = timed(bare, data)
        assert not result.errors, result.errors[:3]
        print(
            f"{name}: {result.rows:,} rows, {len(data) / 1e6:.1f} MB; parse+validate "
            f"{parse_seconds:.1f} s = {result.rows / parse_seconds:,.0f} rows/s; bare read "
            f"{bare_seconds:.1f} s; ratio {parse_seconds / bare_seconds:.1f}"
        )


if __name__ == "__main__":
    main()
