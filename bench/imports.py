"""BNBA import into the database: a 100,000-row list (XLSX by default) imported end to end
(parse, validate against the user's villages, duplicate lookups, bulk writes of proposals,
their NIK index, approval steps and audit events, in one transaction), against two baselines
timed in the same process: parsing alone, and a bare bulk_create of the same NIK index rows.
Then the same file again: idempotent, nothing written. Target: at least 2,000 rows/s.

Reproduce (PostgreSQL):
    createdb -h 127.0.0.1 -U postgres kesos_imports
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/kesos_imports
    .venv/bin/python manage.py migrate && .venv/bin/python manage.py load_wilayah --prefix 32.01
    .venv/bin/python bench/imports.py --rows 100000 [--format csv]

Each run imports into a fresh batch: proposals of earlier runs are deleted first (their rows
are the bench's own, made by the user 'bench-imports').
"""

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kesos.settings")

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402

from accounts.models import Role, User  # noqa: E402
from audit.services import Context  # noqa: E402
from registration.bnba.export import export_csv, export_xlsx  # noqa: E402
from registration.bnba.parse import parse_bnba  # noqa: E402
from registration.bnba.samples import sample_households  # noqa: E402
from registration.models import (  # noqa: E402
    ApprovalStep,
    ImportBatch,
    Proposal,
    ProposalNik,
)
from registration.services.imports import import_bnba, village_codes_in_scope  # noqa: E402

VILLAGE = "32.01.01.1001"


def bench_user() -> User:
    user, _ = User.objects.get_or_create(
        username="bench-imports", defaults={"role": Role.OPERATOR_DESA, "region_id": VILLAGE}
    )
    return user


def clean(user: User) -> None:
    """Remove what earlier runs wrote (audit events are append-only and stay)."""
    proposals = Proposal.objects.filter(created_by=user)
    ApprovalStep.objects.filter(proposal__in=proposals).delete()
    ProposalNik.objects.filter(proposal__in=proposals).delete()
    proposals.delete()
    ImportBatch.objects.filter(created_by=user).delete()


def bare_bulk_create(niks: list[str], proposal: Proposal) -> float:
    """The same number of rows bulk-inserted bare (rolled back): the floor for writing."""
    started = time.perf_counter()
    with transaction.atomic():
        ProposalNik.objects.bulk_create(
            (ProposalNik(proposal=proposal, nik=n) for n in niks), batch_size=2000
        )
        elapsed = time.perf_counter() - started
        transaction.set_rollback(True)
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--format", choices=["xlsx", "csv"], default="xlsx")
    args = parser.parse_args()
    user = bench_user()
    clean(user)
    households = sample_households(args.rows, VILLAGE)
    data = (export_xlsx if args.format == "xlsx" else export_csv)(households)
    print(f"database: {connection.vendor}; file: {args.format}, {len(data) / 1e6:.1f} MB")

    started = time.perf_counter()
    parsed = parse_bnba(data, village_codes=village_codes_in_scope(user))
    parse_s = time.perf_counter() - started
    assert not parsed.errors, parsed.errors[:3]

    started = time.perf_counter()
    batch = import_bnba(Context(user), data, f"bench.{args.format}", source="village_meeting")
    import_s = time.perf_counter() - started
    assert batch.status == "done", batch.errors[:3]

    counts = batch.counts
    rate = parsed.rows / import_s
    print(
        f"import: {parsed.rows:,} rows ({counts['created']:,} proposals) in {import_s:.1f} s "
        f"= {rate:,.0f} rows/s (target 2,000) {'OK' if rate >= 2000 else 'BELOW TARGET'}"
    )
    print(
        f"baseline parse+validate alone: {parse_s:.1f} s = {parsed.rows / parse_s:,.0f} rows/s; "
        f"import/parse ratio {import_s / parse_s:.2f}"
    )
    niks = [m["nik"] for h in households for f in h["families"] for m in f["members"]]
    bare_s = bare_bulk_create(niks, Proposal.objects.filter(created_by=user).first())
    print(
        f"baseline bare bulk_create of {len(niks):,} rows: {bare_s:.1f} s "
        f"= {len(niks) / bare_s:,.0f} rows/s; import/bare ratio {import_s / bare_s:.1f}"
    )

    before = Proposal.objects.count()
    started = time.perf_counter()
    again = import_bnba(Context(user), data, f"bench.{args.format}", source="village_meeting")
    again_s = time.perf_counter() - started
    assert again.pk == batch.pk and Proposal.objects.count() == before
    print(f"second run (same file): {again_s:.2f} s, nothing written (batch #{again.pk})")


if __name__ == "__main__":
    main()
