"""Registry search and household page at national scale, through the real views.

Prints the median and 95th-percentile time of registry searches (name prefix, NIK, KK, first
page, status filter) and of the household page, for a national, a kabupaten and a village user,
and the ratio to a page that reads no registry data (the login page), timed in the same process.

Reproduce (PostgreSQL, 1 million people in the registry):
    createdb -h 127.0.0.1 -U postgres kesos_bench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kesos_bench .venv/bin/python bench/registry.py
"""

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kesos.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402

from accounts.models import Role, User  # noqa: E402
from registry.models import Family, Household, Member  # noqa: E402
from synth.generate import generate  # noqa: E402
from synth.load import load_registry  # noqa: E402
from wilayah.models import Region  # noqa: E402
from wilayah.services import load_regions  # noqa: E402

MEAN_HOUSEHOLD_SIZE = 3.8


def ensure_population(people: int, seed: int) -> None:
    call_command("migrate", verbosity=0)
    if not Region.objects.exists():
        load_regions()
    have = Member.objects.count()
    if have >= people * 0.9:
        print(f"registry already holds {have:,} members")
        return
    households = int(people / MEAN_HOUSEHOLD_SIZE)
    out = settings.KESOS_SYNTH_DIR / f"bench-national-{households}-seed{seed}"
    started = time.perf_counter()
    generate(scope="", households=households, seed=seed, out_dir=out, registry_share=1.0)
    print(f"generated {households:,} households in {time.perf_counter() - started:.0f} s")
    started = time.perf_counter()
    load_registry(out)
    print(f"loaded in {time.perf_counter() - started:.0f} s: {Member.objects.count():,} members")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def bench_user(username: str, role: str, region: str | None) -> User:
    user, _ = User.objects.get_or_create(
        username=username, defaults={"role": role, "region_id": region}
    )
    return user


def timed(client: Client, url: str) -> float:
    started = time.perf_counter()
    response = client.get(url)
    elapsed = (time.perf_counter() - started) * 1000
    assert response.status_code == 200, (url, response.status_code)
    return elapsed


def summary(label: str, times: list[float], baseline: float) -> None:
    p50 = statistics.median(times)
    p95 = statistics.quantiles(times, n=20)[-1] if len(times) >= 20 else max(times)
    print(
        f"{label:<44} n={len(times):>4}  p50 {p50:7.1f} ms  p95 {p95:7.1f} ms  "
        f"x{p50 / baseline:5.1f} baseline"
    )


def sample_searches(rng: random.Random, members: list[tuple], n: int) -> dict[str, list[str]]:
    picks = [members[rng.randrange(len(members))] for _ in range(n)]
    return {
        "name prefix": [f"/registry/?q={name.split()[0][:5]}" for _, name, _, _ in picks],
        "full name": [f"/registry/?q={name.replace(' ', '+')}" for _, name, _, _ in picks],
        "NIK": [f"/registry/?q={nik}" for _, _, nik, _ in picks if nik],
        "KK": [f"/registry/?q={kk}" for _, _, _, kk in picks],
        "first page, status active": ["/registry/?status=active"] * min(n, 50),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=1_000_000)
    parser.add_argument("--samples", type=int, default=200)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    print(f"database: {connection.vendor}")
    ensure_population(args.people, args.seed)
    rng = random.Random(args.seed)

    busiest_village = (
        Household.objects.values("village_id")
        .annotate(n=Count("id"))
        .order_by("-n")
        .first()["village_id"]
    )
    regency = busiest_village[:5]
    users = [
        bench_user("bench-pusat", Role.PUSAT, None),
        bench_user("bench-kabupaten", Role.OPERATOR_KABUPATEN, regency),
        bench_user("bench-desa", Role.OPERATOR_DESA, busiest_village),
    ]
    for user in users:
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(user)
        anonymous = Client(HTTP_HOST="127.0.0.1")
        baseline = statistics.median(timed(anonymous, "/accounts/login/") for _ in range(30))
        scope = user.region_id or ""
        in_scope = Member.objects.filter(village__code__startswith=scope)
        ids = list(in_scope.values_list("id", flat=True)[:50_000])
        chosen = rng.sample(ids, min(len(ids), args.samples))
        members = list(
            Member.objects.filter(id__in=chosen).values_list(
                "household_id", "name", "nik", "family__kk_number"
            )
        )
        print(f"\n{user.role} {scope or '(national)'}: baseline (login page) p50 {baseline:.1f} ms")
        for kind, urls in sample_searches(rng, members, args.samples).items():
            summary(f"search: {kind}", [timed(client, u) for u in urls], baseline)
        summary(
            "home page (counts for the scope)", [timed(client, "/") for _ in range(10)], baseline
        )
        pages = [f"/registry/households/{hid}/" for hid, _, _, _ in members]
        summary("household page", [timed(client, u) for u in pages], baseline)
    print(
        f"\nregistry: {Household.objects.count():,} households, {Family.objects.count():,} KK, "
        f"{Member.objects.count():,} members"
    )


if __name__ == "__main__":
    main()
