"""Posting to the wallet ledger. A transaction and its entries are written together; every KPM
leg moves the wallet's balance by a conditional update (`balance + amount >= 0`) that the
database evaluates on the locked row, so the balance is always the sum of the entries and never
below zero, whatever runs at the same time."""

from datetime import datetime

from django.db import IntegrityError, transaction
from django.db.models import F

from .models import AccountKind, LedgerAccount, LedgerEntry, LedgerTransaction, Purchase


class InsufficientBalance(Exception):
    """A debit the wallet cannot cover; the transaction around it is rolled back."""


class AlreadyPosted(Exception):
    """A transaction with this key exists: the movement happened already."""


def fund_account(program, kind: str = AccountKind.FUND) -> LedgerAccount:
    account, _ = LedgerAccount.objects.get_or_create(kind=kind, program=program)
    return account


def merchant_account(merchant) -> LedgerAccount:
    account, _ = LedgerAccount.objects.get_or_create(
        kind=AccountKind.MERCHANT, merchant=merchant,
        defaults={"village_code": merchant.village_code})
    return account


def wallet_of(household, program, create: bool = False) -> LedgerAccount | None:
    found = LedgerAccount.objects.filter(kind=AccountKind.KPM, household=household,
                                         program=program).first()
    if found or not create:
        return found
    try:
        with transaction.atomic():
            return LedgerAccount.objects.create(kind=AccountKind.KPM, household=household,
                                                program=program,
                                                village_code=household.village_id)
    except IntegrityError:  # opened at the same moment elsewhere
        return LedgerAccount.objects.get(kind=AccountKind.KPM, household=household,
                                         program=program)


def wallet_of_household(household_id: int, program_code: str = "sembako"):
    return LedgerAccount.objects.filter(kind=AccountKind.KPM, household_id=household_id,
                                        program__code=program_code).first()


def post(kind: str, key: str, legs: list[tuple[LedgerAccount, int]], at: datetime,
         payment=None, memo: str = "") -> LedgerTransaction:
    """Write one balanced transaction. Raises AlreadyPosted for a key seen before and
    InsufficientBalance when a wallet leg would go below zero (nothing is written)."""
    if sum(amount for _, amount in legs) != 0:
        raise ValueError("a ledger transaction must balance")
    with transaction.atomic():
        try:
            with transaction.atomic():
                tx = LedgerTransaction.objects.create(kind=kind, key=key, at=at,
                                                      payment=payment, memo=memo)
        except IntegrityError as error:
            raise AlreadyPosted(key) from error
        for account, amount in legs:
            if account.kind == AccountKind.KPM:
                moved = LedgerAccount.objects.filter(
                    pk=account.pk, balance__gte=-amount).update(balance=F("balance") + amount)
                if not moved:
                    raise InsufficientBalance(account.pk)
        LedgerEntry.objects.bulk_create(
            LedgerEntry(transaction=tx, account=account, amount=amount)
            for account, amount in legs)
    return tx


def balance(account: LedgerAccount) -> int:
    """The stored balance of a wallet (always the sum of its entries)."""
    return LedgerAccount.objects.values_list("balance", flat=True).get(pk=account.pk)


def movements(wallet: LedgerAccount, limit: int = 100) -> list[dict]:
    """The wallet's latest movements, newest first, each with the receipt it belongs to."""
    rows = (LedgerEntry.objects.filter(account=wallet).select_related("transaction")
            .order_by("-transaction__at", "-id")[:limit])
    receipts = dict(Purchase.objects.filter(wallet=wallet).values_list(
        "transaction_id", "receipt_number"))
    receipts |= dict(Purchase.objects.filter(wallet=wallet).exclude(refund=None).values_list(
        "refund_id", "receipt_number"))
    return [{"at": e.transaction.at, "kind": e.transaction.kind, "amount": e.amount,
             "receipt_number": receipts.get(e.transaction_id, "")} for e in rows]
