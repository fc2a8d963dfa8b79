"""E-warong purchases through the production server, and the ledger afterwards.

Sets up (PostgreSQL, kept between runs) merchants with an API token each, KPM with a KKS card,
a PIN and a Sembako balance (one in ten with a balance for two purchases only, so refusals for
an empty wallet happen under load), then drives `POST /api/ewarong/purchases` through gunicorn
(`kesos serve`) with wrk from a separate process: every connection cycles over the cards and
the merchants, and every second request repeats the previous one with the same
Idempotency-Key (a terminal retrying after a timeout). Prints purchases per second, p50/p99
latency, then the ledger check: no wallet below zero, every wallet's balance = the sum of its
entries, every transaction balanced, no key charged twice. In the same run, pgbench's simple
update (-N) on the same database with the same number of clients is the baseline.

Reproduce (wrk, nginx and pgbench from Debian's packages):
    createdb -h 127.0.0.1 -U postgres kesos_bench_ew
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kesos_bench_ew \\
        .venv/bin/python bench/ewarong.py --kpm 20000 --connections 32 --seconds 20
"""

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kesos.settings")
# The PINs are keyed by the server's SECRET_KEY: set them up with the key gunicorn gets.
os.environ["SECRET_KEY"] = "bench-" + "k" * 60

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.db.models import Count, Sum  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.models import User  # noqa: E402
from accounts.services import issue_api_token  # noqa: E402
from bench.jobs import free_port, serve  # noqa: E402
from ewarong import access, ledger  # noqa: E402
from ewarong.models import (  # noqa: E402
    HetList,
    HetPrice,
    LedgerAccount,
    LedgerEntry,
    Merchant,
    MerchantStaff,
    Purchase,
)
from payments.models import Card, CardStatus, KpmAccount, PaymentChannel  # noqa: E402
from programs.models import Program  # noqa: E402
from programs.services import install_shipped  # noqa: E402
from wilayah.models import Region  # noqa: E402
from wilayah.services import load_regions  # noqa: E402

REGION = "32.01"
BALANCE, SMALL = 10_000_000, 30_000  # a small wallet pays two baskets of Rp14,000
WRK_SCRIPT = r"""
local cards, tokens = {}, {}
for line in io.lines("%(cards)s") do cards[#cards + 1] = line end
for line in io.lines("%(tokens)s") do tokens[#tokens + 1] = line end
local threads = 0
setup = function(thread) threads = threads + 1; thread:set("tid", threads) end
local n, key, auth, body = 0, "", "", ""
request = function()
  n = n + 1
  if n %% 2 == 1 then  -- a new basket; the next request repeats it (a retry)
    local card = cards[(n * 7919 + tid * 104729) %% #cards + 1]
    auth = "Bearer " .. tokens[(n + tid) %% #tokens + 1]
    key = "w" .. tid .. "-" .. n .. "-" .. os.time()
    body = '{"card_number":"' .. card .. '","pin":"123456","lines":[{"commodity":"beras",'
      .. '"quantity":"1","unit_price":14000}]}'
  end
  return wrk.format("POST", "/api/ewarong/purchases", {["Content-Type"] = "application/json",
    ["Authorization"] = auth, ["Idempotency-Key"] = key}, body)
end
done = function(summary, latency, requests)
  io.write(string.format("RESULT p50=%%.1f p99=%%.1f n=%%d non2xx=%%d errors=%%d\n",
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, summary.requests,
    summary.errors.status, summary.errors.connect + summary.errors.timeout
    + summary.errors.read + summary.errors.write))
end
"""


def setup(kpm: int, merchants: int) -> tuple[list[str], list[str]]:
    """Cards and merchant tokens (kept in the database between runs; tokens re-issued)."""
    call_command("migrate", verbosity=0)
    if not Region.objects.filter(code__startswith=REGION).exists():
        load_regions(prefix=REGION)
    install_shipped()
    if not HetList.objects.filter(region_prefix="").exists():
        het = HetList.objects.create(region_prefix="", valid_from="2026-01-01")
        HetPrice.objects.create(het_list=het, commodity_id="beras", max_price=14_000)
    villages = list(Region.objects.filter(level=4, code__startswith=REGION)
                    .values_list("code", flat=True)[:merchants])
    bri = PaymentChannel.objects.get(code="bri")
    tokens = []
    for i in range(merchants):
        user, _ = User.objects.get_or_create(
            username=f"bench-ewarong-{i}",
            defaults={"role": "ewarong", "region_id": villages[i % len(villages)]})
        if not MerchantStaff.objects.filter(user=user).exists():
            merchant = Merchant.objects.create(
                name=f"Warung Bench {i}", owner_name="Bench", address="Jl. Bench",
                village_code=user.region_id, channel=bri, status="active")
            MerchantStaff.objects.create(merchant=merchant, user=user)
        tokens.append(issue_api_token(user, "bench")[1])
    have = Card.objects.filter(card_number__startswith="7777").count()
    if have < kpm:
        started = time.perf_counter()
        _make_kpm(have, kpm, villages)
        print(f"set up {kpm - have:,} KPM with card, PIN and balance in "
              f"{time.perf_counter() - started:.0f} s (not measured below)")
    _reset_pins()
    _reset_balances()
    cards = list(Card.objects.filter(card_number__startswith="7777").order_by("id")
                 .values_list("card_number", flat=True)[:kpm])
    return cards, tokens


def _make_kpm(start: int, kpm: int, villages: list[str]) -> None:
    from bench.payments import build_kpm_list  # households in bulk SQL

    run = build_kpm_list(kpm)
    households = list(run.enrollments.order_by("household_id").values_list(
        "household_id", "village_code")[start:kpm])
    program = Program.objects.get(code="sembako")
    with transaction.atomic():
        KpmAccount.objects.bulk_create(
            [KpmAccount(household_id=h, channel_id="bri", village_code=v, status="open",
                        account_number=f"77{h:012d}") for h, v in households],
            ignore_conflicts=True, batch_size=5000)
        accounts = dict(KpmAccount.objects.filter(
            channel_id="bri", account_number__startswith="77").values_list("household_id", "id"))
        Card.objects.bulk_create(
            [Card(account_id=accounts[h], card_number=f"7777{h:012d}",
                  status=CardStatus.DISTRIBUTED) for h, _ in households],
            ignore_conflicts=True, batch_size=5000)
        from ewarong.models import CardPin

        cards = Card.objects.filter(card_number__startswith="7777",
                                    account__household_id__in=[h for h, _ in households])
        CardPin.objects.bulk_create(
            [CardPin(card=c, pin_hash=access.pin_digest(c, "123456")) for c in cards],
            ignore_conflicts=True, batch_size=5000)
        LedgerAccount.objects.bulk_create(
            [LedgerAccount(kind="kpm", household_id=h, program=program, village_code=v)
             for h, v in households], ignore_conflicts=True, batch_size=5000)


def _reset_pins() -> None:
    from ewarong.models import CardPin

    pins = list(CardPin.objects.filter(card__card_number__startswith="7777").select_related("card"))
    for pin in pins:
        pin.pin_hash, pin.failed_attempts, pin.locked_at = access.pin_digest(
            pin.card, "123456"), 0, None
    CardPin.objects.bulk_update(pins, ["pin_hash", "failed_attempts", "locked_at"],
                                batch_size=5000)


def _reset_balances() -> None:
    """A fresh start: no purchases; every wallet credited once (one in ten a small balance)."""
    program = Program.objects.get(code="sembako")
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("TRUNCATE ewarong_purchaseline, ewarong_purchase, ewarong_usedqrcode, "
                       "ewarong_ledgerentry, ewarong_ledgertransaction CASCADE")
        cursor.execute("UPDATE ewarong_ledgeraccount SET balance = 0")
        wallets = list(LedgerAccount.objects.filter(kind="kpm", program=program)
                       .values_list("id", flat=True))
        from ewarong.credits import post_many

        post_many("credit", ledger.fund_account(program), timezone.now(), [
            (f"bench-credit:{w}", w, SMALL if w % 10 == 0 else BALANCE, None)
            for w in wallets])
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def wrk(url: str, cards: list[str], tokens: list[str], seconds: int, connections: int) -> dict:
    folder = Path(tempfile.mkdtemp())
    (folder / "cards.txt").write_text("\n".join(cards) + "\n")
    (folder / "tokens.txt").write_text("\n".join(tokens) + "\n")
    (folder / "script.lua").write_text(WRK_SCRIPT % {"cards": folder / "cards.txt",
                                                     "tokens": folder / "tokens.txt"})
    out = subprocess.run(  # noqa: S603
        ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s",  # noqa: S607
         "-s", str(folder / "script.lua"), url], capture_output=True, text=True,
        check=True).stdout
    found = re.search(r"RESULT p50=([\d.]+) p99=([\d.]+) n=(\d+) non2xx=(\d+) errors=(\d+)",
                      out)
    return {"p50": float(found[1]), "p99": float(found[2]), "n": int(found[3]),
            "non2xx": int(found[4]), "errors": int(found[5])}


def ledger_check() -> dict:
    wallets = LedgerAccount.objects.filter(kind="kpm")
    summed = dict(LedgerEntry.objects.filter(account__kind="kpm").values("account")
                  .annotate(s=Sum("amount")).values_list("account", "s"))
    mismatched = sum(1 for pk, balance in wallets.values_list("id", "balance")
                     if summed.get(pk, 0) != balance)
    unbalanced = LedgerEntry.objects.values("transaction").annotate(s=Sum("amount")).exclude(
        s=0).count()
    twice = Purchase.objects.values("merchant", "idempotency_key").annotate(
        n=Count("id")).filter(n__gt=1).count()
    debited = -(LedgerEntry.objects.filter(account__kind="kpm", transaction__kind="purchase")
                .aggregate(s=Sum("amount"))["s"] or 0)
    sold = Purchase.objects.aggregate(s=Sum("total"))["s"] or 0
    return {"negative": wallets.filter(balance__lt=0).count(), "mismatched": mismatched,
            "unbalanced": unbalanced, "charged_twice": twice,
            "debited_equals_sold": debited == sold,
            "emptied_small": wallets.filter(balance__lt=14_000).count()}


def pgbench(connections: int, seconds: int) -> float | None:
    if not shutil.which("pgbench"):
        return None
    db = settings.DATABASES["default"]
    base = ["-h", db.get("HOST") or "127.0.0.1", "-p", str(db.get("PORT") or 5432), "-U",
            db.get("USER") or "postgres"]
    subprocess.run(["pgbench", "-i", "-s", "10", "-q", *base, db["NAME"]],  # noqa: S603, S607
                   check=True, capture_output=True)
    out = subprocess.run(["pgbench", "-N", "-c", str(connections), "-j", "2", "-T",  # noqa: S603, S607
                          str(seconds), *base, db["NAME"]], check=True, capture_output=True,
                         text=True).stdout
    return float(re.search(r"tps = ([\d.]+)", out)[1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--kpm", type=int, default=20_000)
    parser.add_argument("--merchants", type=int, default=64)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--seconds", type=int, default=20)
    args = parser.parse_args()
    if connection.vendor != "postgresql" or not shutil.which("wrk"):
        raise SystemExit("needs PostgreSQL (DATABASE_URL) and wrk (apt-get install wrk)")
    cards, tokens = setup(args.kpm, args.merchants)
    connection.close()
    port = free_port()
    server = serve(port, tempfile.mkdtemp())
    try:
        before = Purchase.objects.count()
        started = time.perf_counter()
        load = wrk(f"http://127.0.0.1:{port}", cards, tokens, args.seconds, args.connections)
        elapsed = time.perf_counter() - started
        sold = Purchase.objects.count() - before
    finally:
        server.terminate()
        server.wait(60)
    check = ledger_check()
    tps = pgbench(args.connections, args.seconds)
    rate = sold / elapsed
    print(f"e-warong purchases via gunicorn, {args.connections} connections, {args.seconds} s, "
          f"{len(cards):,} cards, {len(tokens)} merchants, every request sent twice:")
    print(f"  requests {load['n']:,} ({load['n'] / elapsed:.0f}/s), refused (4xx) "
          f"{load['non2xx']:,}, socket errors {load['errors']}")
    print(f"  purchases {sold:,} = {rate:.0f} per second (target >= 500); "
          f"p50 {load['p50']:.1f} ms, p99 {load['p99']:.1f} ms")
    print(f"  ledger: wallets below zero {check['negative']}, balance != sum of entries "
          f"{check['mismatched']}, unbalanced transactions {check['unbalanced']}, keys charged "
          f"twice {check['charged_twice']}, debits = receipts {check['debited_equals_sold']}, "
          f"small wallets emptied {check['emptied_small']}")
    if tps:
        print(f"  baseline pgbench -N (simple update), {args.connections} clients, same "
              f"database: {tps:.0f} tps; purchases/pgbench = {rate / tps:.3f}")


if __name__ == "__main__":
    main()
