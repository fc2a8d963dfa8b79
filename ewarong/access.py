"""How the KPM is identified at the till: the KKS card with its PIN (three wrong tries lock the
card's PIN until the bank or Dinas Sosial unlocks it), or card-less ("nggak perlu kartu, bisa
pakai HP", seed 003) by a signed QR code: short-lived on a phone, valid to the month's end on a
printed letter, and good for one purchase either way."""

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core import signing
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

from payments.models import Card, CardStatus

from .models import CardPin, UsedQrCode

MAX_PIN_TRIES = 3
PHONE_QR_SECONDS = 300
QR_SALT = "ewarong.qr"


class Refused(Exception):
    """A sale refused before anything is written; `field` names what the till must fix."""

    def __init__(self, message: str, field: str = "", line: int | None = None):
        super().__init__(message)
        self.message, self.field, self.line = message, field, line


@dataclass(frozen=True)
class Identified:
    household_id: int
    card: Card | None = None
    qr_nonce: str = ""


def pin_digest(card: Card, pin: str) -> str:
    """A keyed hash of the PIN. Six digits are a million guesses, which no slow hash makes
    safe once the table leaks; what protects the PIN is the server's key (as a bank's HSM key
    does) and the lock after three tries. Keyed per card, and fast enough for a busy till."""
    return salted_hmac(f"ewarong.pin.{card.pk}", pin, algorithm="sha256").hexdigest()


def set_pin(card: Card, pin: str) -> None:
    if not (pin.isdigit() and len(pin) == 6):
        raise Refused(_("The PIN must be 6 digits."), "pin")
    CardPin.objects.update_or_create(card=card, defaults={
        "pin_hash": pin_digest(card, pin), "failed_attempts": 0, "locked_at": None})


def unlock(card: Card) -> None:
    CardPin.objects.filter(card=card).update(failed_attempts=0, locked_at=None)


def by_card(card_number: str, pin: str) -> Identified:
    card = Card.objects.select_related("account").filter(card_number=card_number.strip()).first()
    if card is None:
        raise Refused(_("Unknown card number."), "card_number")
    if card.status != CardStatus.DISTRIBUTED:
        raise Refused(_("This card cannot be used (status: %(status)s).")
                      % {"status": card.get_status_display()}, "card_number")
    stored = CardPin.objects.filter(card=card).first()
    if stored is None:
        raise Refused(_("No PIN has been set for this card; ask the bank."), "pin")
    if stored.locked_at:
        raise Refused(_("The PIN is locked after %(n)s wrong tries; ask the bank or the Dinas "
                        "Sosial to unlock it.") % {"n": MAX_PIN_TRIES}, "pin")
    if not constant_time_compare(pin_digest(card, pin), stored.pin_hash):
        left = _count_wrong_pin(stored)
        if left <= 0:
            raise Refused(_("Wrong PIN. The PIN is now locked."), "pin")
        raise Refused(_("Wrong PIN. %(n)s tries left.") % {"n": left}, "pin")
    if stored.failed_attempts:
        CardPin.objects.filter(pk=stored.pk).update(failed_attempts=0)
    return Identified(household_id=card.account.household_id, card=card)


def _count_wrong_pin(stored: CardPin) -> int:
    """Count the wrong try in its own transaction (it stays counted though the sale is
    refused) and lock at the limit; the increment is the database's, so parallel tries
    all count."""
    with transaction.atomic():
        CardPin.objects.filter(pk=stored.pk).update(failed_attempts=F("failed_attempts") + 1)
        CardPin.objects.filter(pk=stored.pk, failed_attempts__gte=MAX_PIN_TRIES,
                               locked_at=None).update(locked_at=timezone.now())
        tries = CardPin.objects.values_list("failed_attempts", flat=True).get(pk=stored.pk)
    return MAX_PIN_TRIES - tries


def issue_qr(household_id: int, valid_until: datetime | None = None,
             now: datetime | None = None) -> str:
    """A signed token for one purchase: `valid_until` for a printed letter, else five minutes
    for a phone."""
    now = now or timezone.now()
    until = valid_until or now + timedelta(seconds=PHONE_QR_SECONDS)
    payload = {"h": household_id, "n": secrets.token_hex(8), "u": int(until.timestamp())}
    return signing.dumps(payload, salt=QR_SALT, compress=True)


def letter_validity(now: datetime | None = None) -> datetime:
    """The end of the current month: a printed letter's QR code serves that month."""
    local = timezone.localtime(now or timezone.now())
    first_next = (local.replace(day=1) + timedelta(days=32)).replace(
        day=1, hour=0, minute=0, second=0, microsecond=0)
    return first_next


def by_qr(token: str, now: datetime | None = None) -> Identified:
    try:
        payload = signing.loads(token.strip(), salt=QR_SALT)
    except signing.BadSignature as error:
        raise Refused(_("This QR code is not valid."), "qr") from error
    if int(payload["u"]) < (now or timezone.now()).timestamp():
        raise Refused(_("This QR code has expired; ask for a new one."), "qr")
    if UsedQrCode.objects.filter(nonce=payload["n"]).exists():
        raise Refused(_("This QR code has already been used."), "qr")
    return Identified(household_id=int(payload["h"]), qr_nonce=payload["n"])
