"""Selling at an e-warong: one basket, checked line by line against the catalogue and the HET
of the merchant's region and day, paid from the KPM's wallet in one transaction.

Nothing is written for a refused sale. The wallet is debited by the ledger's conditional update
(two terminals at once cannot overspend), and the ledger transaction's key is the merchant's
idempotency key: a request repeated after a timeout returns the first purchase."""

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import Context, record
from programs.models import Program
from registry.models import Household
from wilayah.selectors import time_zone

from . import ledger
from .access import Identified, Refused
from .het import het_prices
from .merchants import can_sell
from .models import (
    BANNED_CATEGORIES,
    Commodity,
    Merchant,
    Purchase,
    PurchaseLine,
    PurchaseStatus,
    TransactionKind,
    UsedQrCode,
)

PROGRAM = "sembako"


@dataclass(frozen=True)
class Line:
    commodity: str
    quantity: str | Decimal
    unit_price: int


@dataclass(frozen=True)
class Priced:
    commodity: Commodity
    quantity: Decimal
    unit_price: int
    het: int
    amount: int


@dataclass(frozen=True)
class Sale:
    purchase: Purchase
    replayed: bool = False


def local_day(merchant: Merchant, at: datetime):
    return timezone.localtime(at, timezone=zone_of(merchant)).date()


def zone_of(merchant: Merchant):
    from zoneinfo import ZoneInfo

    return ZoneInfo(time_zone(merchant.village_code))


def price_lines(merchant: Merchant, lines: list[Line], at: datetime) -> list[Priced]:
    """The basket checked against the catalogue and the HET; refusals name the line."""
    if not lines:
        raise Refused(_("The basket is empty."), "lines")
    catalogue = Commodity.objects.in_bulk([line.commodity for line in lines])
    het = het_prices(merchant.village_code, local_day(merchant, at), list(catalogue))
    priced = []
    for n, line in enumerate(lines, start=1):
        commodity = catalogue.get(line.commodity)
        if commodity is None:
            raise Refused(_("Line %(n)s: unknown commodity %(c)s.")
                          % {"n": n, "c": line.commodity}, "commodity", n)
        if commodity.category in BANNED_CATEGORIES:
            raise Refused(_("Line %(n)s: %(c)s may not be bought with the Sembako balance "
                            "(%(cat)s).") % {"n": n, "c": commodity.name,
                                            "cat": commodity.get_category_display()},
                          "commodity", n)
        quantity = _quantity(line.quantity, n)
        unit_price = _price(line.unit_price, n)
        if unit_price <= 0:
            raise Refused(_("Line %(n)s: the price must be above zero.") % {"n": n},
                          "unit_price", n)
        ceiling = het.get(commodity.code)
        if ceiling is None:
            raise Refused(_("Line %(n)s: %(c)s has no HET in this region; it cannot be sold.")
                          % {"n": n, "c": commodity.name}, "commodity", n)
        if unit_price > ceiling:
            raise Refused(_("Line %(n)s: %(c)s at Rp%(p)s is above the HET of Rp%(het)s per "
                            "%(unit)s.") % {"n": n, "c": commodity.name, "p": f"{unit_price:,}",
                                           "het": f"{ceiling:,}", "unit": commodity.unit},
                          "unit_price", n)
        amount = int((quantity * unit_price).quantize(Decimal(1), rounding=ROUND_HALF_UP))
        priced.append(Priced(commodity, quantity, unit_price, ceiling, amount))
    return priced


def _price(value, n: int) -> int:
    try:
        return int(str(value).strip().replace(".", ""))
    except ValueError as error:
        raise Refused(_("Line %(n)s: the price must be a whole number of rupiah.") % {"n": n},
                      "unit_price", n) from error


def _quantity(value, n: int) -> Decimal:
    try:
        quantity = Decimal(str(value).replace(",", "."))
    except InvalidOperation as error:
        raise Refused(_("Line %(n)s: the quantity is not a number.") % {"n": n},
                      "quantity", n) from error
    if not quantity.is_finite() or quantity <= 0:
        raise Refused(_("Line %(n)s: the quantity must be above zero.") % {"n": n},
                      "quantity", n)
    if quantity != quantity.quantize(Decimal("0.001")) or quantity >= 1_000_000:
        raise Refused(_("Line %(n)s: the quantity has too many digits.") % {"n": n},
                      "quantity", n)
    return quantity


def request_hash(identified: Identified, lines: list[Line]) -> str:
    body = {"h": identified.household_id,
            "l": [[line.commodity, str(line.quantity).strip(), str(line.unit_price).strip()]
                  for line in lines]}
    return hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()


def earlier_sale(merchant: Merchant, key: str) -> Purchase | None:
    return Purchase.objects.filter(merchant=merchant, idempotency_key=key).first()


def replay(merchant: Merchant, key: str, digest: str) -> Sale | None:
    """The first result of a repeated request; a key reused for another basket is refused."""
    first = earlier_sale(merchant, key)
    if first is None:
        return None
    if first.request_hash != digest:
        raise Refused(_("This request key was already used for another basket."),
                      "idempotency_key")
    return Sale(first, replayed=True)


def sell(ctx: Context, merchant: Merchant, identified: Identified, lines: list[Line],
         key: str, at: datetime | None = None) -> Sale:
    """Pay a basket. Raises Refused (nothing written) or returns the sale."""
    at = at or timezone.now()
    key = key.strip()
    if not key or len(key) > 64:
        raise Refused(_("A request key (1-64 characters) is required."), "idempotency_key")
    digest = request_hash(identified, lines)
    if (first := replay(merchant, key, digest)) is not None:
        return first
    if (why := can_sell(merchant, on=local_day(merchant, at))) is not None:
        raise Refused(why, "merchant")
    priced = price_lines(merchant, lines, at)
    total = sum(p.amount for p in priced)
    household = Household.objects.get(pk=identified.household_id)
    wallet = ledger.wallet_of(household, Program.objects.get(code=PROGRAM))
    if wallet is None:
        raise Refused(_("This family has no Sembako balance."), "card_number")
    try:
        return Sale(_write(ctx, merchant, identified, household, wallet, priced, total,
                           key, digest, at))
    except ledger.AlreadyPosted:  # the same request, a moment earlier, on another worker
        return replay(merchant, key, digest)
    except ledger.InsufficientBalance as error:
        raise Refused(_("The basket (Rp%(t)s) is more than the balance (Rp%(b)s).")
                      % {"t": f"{total:,}", "b": f"{ledger.balance(wallet):,}"},
                      "lines") from error


def _write(ctx, merchant, identified, household, wallet, priced, total, key, digest, at):
    with transaction.atomic():
        tx = ledger.post(TransactionKind.PURCHASE, f"purchase:{merchant.pk}:{key}",
                         [(wallet, -total), (ledger.merchant_account(merchant), total)], at)
        if identified.qr_nonce:
            UsedQrCode.objects.create(nonce=identified.qr_nonce)
        purchase = Purchase.objects.create(
            merchant=merchant, wallet=wallet, household=household,
            method="card" if identified.card else "qr", card=identified.card,
            idempotency_key=key, request_hash=digest, total=total,
            balance_after=ledger.balance(wallet), village_code=merchant.village_code, at=at,
            cashier=ctx.actor if getattr(ctx.actor, "is_authenticated", False) else None,
            transaction=tx, receipt_number=f"EW{local_day(merchant, at):%y%m%d}-{tx.pk:08d}")
        PurchaseLine.objects.bulk_create(
            PurchaseLine(purchase=purchase, commodity=p.commodity, quantity=p.quantity,
                         unit_price=p.unit_price, het_price=p.het, amount=p.amount)
            for p in priced)
        record(ctx, "ewarong.purchase", purchase, {"total": [None, total]},
               region_code=household.village_id)
    return purchase


def refund(ctx: Context, purchase: Purchase, reason: str, at: datetime | None = None) -> Purchase:
    """Give a purchase back, the same day at the merchant only; at most once (the conditional
    status change and the refund's ledger key)."""
    at = at or timezone.now()
    if not reason.strip():
        raise Refused(_("Give the reason for the refund."), "reason")
    if local_day(purchase.merchant, purchase.at) != local_day(purchase.merchant, at):
        raise Refused(_("A purchase can only be refunded on the day it was made."), "purchase")
    with transaction.atomic():
        claimed = Purchase.objects.filter(pk=purchase.pk, status=PurchaseStatus.COMPLETED,
                                          refund=None).select_for_update().first()
        if claimed is None:
            raise Refused(_("This purchase has already been refunded."), "purchase")
        tx = ledger.post(TransactionKind.REFUND, f"refund:{purchase.pk}",
                         [(ledger.merchant_account(purchase.merchant), -purchase.total),
                          (purchase.wallet, purchase.total)], at)
        Purchase.objects.filter(pk=purchase.pk).update(
            status=PurchaseStatus.REFUNDED, refund=tx, refunded_at=at,
            refund_reason=reason.strip()[:200])
        record(ctx, "ewarong.refund", purchase, {"status": ["completed", "refunded"]},
               region_code=purchase.household.village_id)
    purchase.refresh_from_db()
    return purchase
