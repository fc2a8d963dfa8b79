"""REST endpoints of the e-warong: the terminal's purchase and refund, a family's wallet, and a
card-less QR code for the paying bank's app.

`POST /api/ewarong/purchases` needs the header `Idempotency-Key`: a request repeated with the
same key returns the first purchase (200 instead of 201) and charges nothing more. A refused
sale answers 422 naming the field (and the basket line), and nothing is written."""

from dataclasses import replace
from datetime import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Header, Router, Schema, Status

from accounts import policy
from audit import services as audit
from base.api_contract import PLAIN_TEXT, errors
from registry.api import audit_context
from registry.models import Household

from . import access, ledger
from .access import Refused
from .models import Purchase
from .purchases import Line, refund, sell
from .views_till import merchant_of

router = Router(tags=["ewarong"])


class LineIn(Schema):
    commodity: str = Field(..., max_length=32, pattern=PLAIN_TEXT, examples=["beras"])
    quantity: str = Field(..., pattern=r"^[0-9]{1,6}([.,][0-9]{1,3})?$", examples=["2.5"],
                          description="In the commodity's unit (kg, butir...), above zero, "
                          "at most 3 decimals")
    unit_price: int = Field(..., ge=1, le=100_000_000,
                            description="Integer rupiah per unit, at most the HET")


class PurchaseIn(Schema):
    card_number: str = Field("", max_length=19, pattern=r"^[0-9 ]*$",
                             description="KKS card number (with `pin`), or give `qr`")
    pin: str = Field("", max_length=6, pattern=r"^[0-9]*$")
    qr: str = Field("", max_length=400, pattern=PLAIN_TEXT,
                    description="The card-less QR code's text")
    lines: list[LineIn] = Field(..., min_length=1, max_length=30)


class LineOut(Schema):
    commodity: str
    quantity: Decimal
    unit_price: int
    het_price: int
    amount: int


class ReceiptOut(Schema):
    receipt_number: str
    at: datetime
    method: str
    total: int = Field(..., description="Integer rupiah")
    balance_after: int
    status: str = Field(..., description="completed or refunded")
    lines: list[LineOut]


def _receipt(purchase: Purchase) -> dict:
    return {"receipt_number": purchase.receipt_number, "at": purchase.at,
            "method": purchase.method, "total": purchase.total,
            "balance_after": purchase.balance_after, "status": purchase.status,
            "lines": [{"commodity": x.commodity_id, "quantity": x.quantity,
                       "unit_price": x.unit_price, "het_price": x.het_price, "amount": x.amount}
                      for x in purchase.lines.all()]}


def _refused(error: Refused, code: int = 422):
    loc = ["body", "lines", error.line - 1, error.field] if error.line else ["body", error.field]
    return Status(code, {"detail": error.message,
                         "errors": [{"loc": loc, "msg": error.message, "type": "refused"}]})


@router.post("/ewarong/purchases",
             response={200: ReceiptOut, 201: ReceiptOut, **errors(400, 401, 403, 409, 422)})
def purchase(request: HttpRequest, body: PurchaseIn,
             idempotency_key: str = Header(..., alias="Idempotency-Key", max_length=64)):
    """Sell a basket at the token user's e-warong (role `ewarong`). Identify the KPM by
    `card_number` + `pin`, or by `qr`. Refusals (unknown card, wrong PIN with the tries left,
    locked PIN, expired or used QR code, suspended e-warong, banned item, price above the HET,
    quantity not above zero, basket over the balance) answer 422 naming the field; the same
    `Idempotency-Key` for another basket answers 409."""
    merchant = merchant_of(request.user)
    try:
        who = access.by_qr(body.qr) if body.qr else access.by_card(body.card_number, body.pin)
        sale = sell(audit_context(request), merchant, who,
                    [Line(x.commodity, x.quantity, x.unit_price) for x in body.lines],
                    idempotency_key)
    except Refused as error:
        return _refused(error, 409 if error.field == "idempotency_key" else 422)
    return Status(200 if sale.replayed else 201, _receipt(sale.purchase))


class RefundIn(Schema):
    reason: str = Field(..., min_length=1, max_length=200, pattern=PLAIN_TEXT)


@router.post("/ewarong/purchases/{receipt_number}/refund",
             response={200: ReceiptOut, **errors(400, 401, 403, 404, 422)})
def refund_purchase(request: HttpRequest, receipt_number: str, body: RefundIn):
    """Give a purchase of today back to the wallet (once)."""
    merchant = merchant_of(request.user)
    found = Purchase.objects.filter(merchant=merchant, receipt_number=receipt_number).first()
    if found is None:
        raise Http404(_("No such receipt at this e-warong."))
    try:
        return _receipt(refund(audit_context(request), found, body.reason))
    except Refused as error:
        return _refused(error)


class EntryOut(Schema):
    at: datetime
    kind: str = Field(..., description="credit, purchase, refund or expiry")
    amount: int = Field(..., description="+ into the wallet, - out of it")
    receipt_number: str = ""


class WalletOut(Schema):
    household_id: int
    balance: int = Field(..., description="Integer rupiah; the sum of the entries")
    entries: list[EntryOut]


def _household(user, household_id: int, action: str):
    return policy.scoped(user, Household.objects.filter(pk=household_id), "village__code",
                         action).first()



@router.get("/ewarong/wallets/{household_id}",
            response={200: WalletOut, **errors(401, 403, 404, 422)})
def wallet(request: HttpRequest, household_id: int):
    """A family's Sembako balance and its latest 100 movements, in the token user's region
    (else 404); the read is recorded in the audit log."""
    household = _household(request.user, household_id, policy.VIEW_WALLET)
    if household is None:
        raise Http404(_("No such household in your region."))
    found = ledger.wallet_of_household(household.pk)
    audit.record_read(replace(audit_context(request), reason="ewarong: wallet"), household,
                      region_code=household.village_id)
    return {"household_id": household.pk, "balance": found.balance if found else 0,
            "entries": ledger.movements(found) if found else []}


class QrOut(Schema):
    qr: str = Field(..., description="Show as a QR code; good for one purchase")
    valid_until: datetime


@router.post("/ewarong/wallets/{household_id}/qr",
             response={200: QrOut, **errors(401, 403, 404, 422)})
def issue_qr(request: HttpRequest, household_id: int):
    """A card-less QR code for the family's phone, valid five minutes and for one purchase
    (the paying bank's app or the pendamping)."""
    if not policy.role_allows(request.user, policy.ISSUE_QR):
        raise PermissionDenied(policy.ISSUE_QR)
    household = _household(request.user, household_id, policy.ISSUE_QR)
    if household is None:
        raise Http404(_("No such household in your region."))
    now = timezone.now()
    token = access.issue_qr(household.pk, now=now)
    audit.record(replace(audit_context(request), reason="ewarong: QR issued"),
                 "ewarong.qr_issued", household, region_code=household.village_id)
    return {"qr": token, "valid_until": now + timezone.timedelta(
        seconds=access.PHONE_QR_SECONDS)}
