"""The monthly Sembako credit into the wallets, and the expiry of unspent balances.

Credits come from the payment cycles: every Sembako payment the bank credited to a KKS account
becomes one ledger credit to the family's wallet, keyed by the payment (a cycle credited twice
credits nothing the second time). Both run set-based in chunks, each chunk one transaction
that posts many balanced transactions at once."""

from datetime import datetime

from django.db import transaction
from django.db.models import F, OuterRef, Subquery, Sum
from django.utils import timezone

from payments.models import Payment, PaymentCycle, PaymentStatus

from . import ledger
from .models import (
    AccountKind,
    BalanceRule,
    LedgerAccount,
    LedgerEntry,
    LedgerTransaction,
    TransactionKind,
)

CREDITED = [PaymentStatus.CREDITED, PaymentStatus.TRANSACTED, PaymentStatus.NOT_TRANSACTED]
CHUNK = 5000


def creditable(cycle: PaymentCycle):
    return Payment.objects.filter(cycle=cycle, status__in=CREDITED, channel__kind="bank")


def credit_cycle(cycle: PaymentCycle, at: datetime | None = None, progress=None) -> int:
    """Credit the wallets of a Sembako cycle's credited payments; returns how many were new."""
    at = at or timezone.now()
    fund = ledger.fund_account(cycle.program)
    ids = list(creditable(cycle).order_by("id").values_list("id", flat=True))
    new = 0
    for start in range(0, len(ids), CHUNK):
        new += _credit_chunk(cycle, fund, ids[start:start + CHUNK], at)
        if progress:
            progress(min(start + CHUNK, len(ids)), len(ids))
    return new


def _credit_chunk(cycle, fund, payment_ids, at) -> int:
    payments = list(Payment.objects.filter(pk__in=payment_ids).values_list(
        "id", "household_id", "village_code", "amount"))
    with transaction.atomic():
        LedgerAccount.objects.bulk_create(
            [LedgerAccount(kind=AccountKind.KPM, household_id=h, program=cycle.program,
                           village_code=v) for _, h, v, _ in payments], ignore_conflicts=True)
        wallets = dict(LedgerAccount.objects.filter(
            kind=AccountKind.KPM, program=cycle.program,
            household_id__in=[h for _, h, _, _ in payments]).values_list("household_id", "id"))
        return post_many(TransactionKind.CREDIT, fund, at, [
            (f"credit:payment:{p}", wallets[h], a, p) for p, h, _, a in payments])


def post_many(kind: str, counter: LedgerAccount, at: datetime,
              rows: list[tuple[str, int, int, int | None]]) -> int:
    """Post one transaction per (key, wallet id, amount to the wallet, payment id) against
    `counter`, skipping keys posted before; inside the caller's transaction. The balances move
    by one UPDATE; the database's check refuses the chunk if a wallet would go below zero."""
    done = set(LedgerTransaction.objects.filter(key__in=[r[0] for r in rows]
                                                ).values_list("key", flat=True))
    fresh = [r for r in rows if r[0] not in done and r[2] != 0]
    LedgerTransaction.objects.bulk_create(
        [LedgerTransaction(kind=kind, key=k, at=at, payment_id=p) for k, _, _, p in fresh])
    tx_ids = dict(LedgerTransaction.objects.filter(key__in=[r[0] for r in fresh]
                                                   ).values_list("key", "id"))
    LedgerEntry.objects.bulk_create(
        [e for k, wallet, amount, _ in fresh for e in (
            LedgerEntry(transaction_id=tx_ids[k], account=counter, amount=-amount),
            LedgerEntry(transaction_id=tx_ids[k], account_id=wallet, amount=amount))])
    if tx_ids:
        moved = LedgerEntry.objects.filter(
            account=OuterRef("pk"), transaction_id__in=tx_ids.values()
        ).values("account").annotate(s=Sum("amount")).values("s")
        LedgerAccount.objects.filter(pk__in=[r[1] for r in fresh]).update(
            balance=F("balance") + Subquery(moved))
    return len(fresh)


def months_before(at: datetime, months: int) -> datetime:
    year, month = divmod(at.year * 12 + at.month - 1 - months, 12)
    return at.replace(year=year, month=month + 1, day=min(at.day, 28))


def expire_balances(program, at: datetime | None = None, progress=None) -> int:
    """Per the program's BalanceRule: what a wallet holds beyond the credits of the last N
    months expires (the oldest money is spent first). Keyed by wallet and month: a re-run in
    the same month expires nothing more. Returns the number of wallets touched."""
    rule = BalanceRule.objects.filter(program=program).first()
    if rule is None or not rule.expire_after_months:
        return 0
    at = at or timezone.now()
    since = months_before(at, rule.expire_after_months)
    month = timezone.localtime(at).strftime("%Y-%m")
    expired = ledger.fund_account(program, AccountKind.EXPIRED)
    ids = list(LedgerAccount.objects.filter(kind=AccountKind.KPM, program=program,
                                            balance__gt=0).order_by("id")
               .values_list("id", flat=True))
    recent = LedgerEntry.objects.filter(
        account=OuterRef("pk"), amount__gt=0, transaction__kind=TransactionKind.CREDIT,
        transaction__at__gte=since).values("account").annotate(s=Sum("amount")).values("s")
    touched = 0
    for start in range(0, len(ids), CHUNK):
        with transaction.atomic():
            # Locked, so a purchase cannot spend between the reading and the posting.
            held = LedgerAccount.objects.select_for_update().filter(
                pk__in=ids[start:start + CHUNK]).annotate(recent=Subquery(recent)
                                                          ).values_list("id", "balance", "recent")
            touched += post_many(TransactionKind.EXPIRY, expired, at, [
                (f"expiry:{w}:{month}", w, -(b - (r or 0)), None)
                for w, b, r in held if b > (r or 0)])
        if progress:
            progress(min(start + CHUNK, len(ids)), len(ids))
    return touched
