"""In-kind aid (rice): recording a delivery with its proof. The payment turns "delivered" once:
a conditional UPDATE (only a pending payment of an in-kind cycle that is approved) decides which
of two officers recording the same delivery wins; the loser is refused and nothing of theirs is
kept. The proof file is kept under KESOS_VAR_DIR (payments/proof/<cycle>/)."""

import hashlib
import uuid
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts import policy
from audit import services as audit

from .errors import PaymentError
from .models import CycleStatus, InKindDelivery, Payment, PaymentEvent, PaymentStatus

PROOF_TYPES = {".jpg", ".jpeg", ".png", ".pdf"}
PROOF_MAX_BYTES = 10 * 1024 * 1024
OPEN_CYCLE = [CycleStatus.APPROVED, CycleStatus.DISBURSING]


@dataclass
class Proof:
    name: str
    data: bytes


def proof_root() -> Path:
    return Path(settings.VAR_DIR) / "payments" / "proof"


def proof_path(delivery: InKindDelivery) -> Path:
    return Path(settings.VAR_DIR) / delivery.proof_file


def _check(payment: Payment, delivered_on: date, delivered_by: str, proof: Proof) -> str:
    if not payment.cycle.in_kind:
        raise PaymentError("Siklus ini bukan bantuan natura; penyerahan tidak dicatat di sini.",
                           "This cycle is not in-kind aid; deliveries are not recorded here.")
    if payment.cycle.status not in OPEN_CYCLE:
        raise PaymentError("Siklus belum disetujui atau sudah ditutup.",
                           "The cycle is not approved yet or already closed.")
    if delivered_on > timezone.localdate():
        raise PaymentError("Tanggal penyerahan tidak boleh di masa depan.",
                           "The delivery date cannot be in the future.")
    if not delivered_by.strip():
        raise PaymentError("Isi nama petugas yang menyerahkan.",
                           "Fill in who delivered the aid.")
    suffix = Path(proof.name).suffix.lower()
    if suffix not in PROOF_TYPES or not proof.data:
        raise PaymentError("Bukti harus foto (JPG/PNG) atau tanda terima (PDF).",
                           "The proof must be a photo (JPG/PNG) or a signed receipt (PDF).")
    if len(proof.data) > PROOF_MAX_BYTES:
        raise PaymentError("Berkas bukti lebih dari 10 MB.", "The proof file is over 10 MB.")
    return suffix


def _already(payment: Payment) -> PaymentError:
    return PaymentError(f"Penyerahan untuk {payment.recipient_name} sudah dicatat.",
                        f"The delivery to {payment.recipient_name} is already recorded.")


def record_delivery(ctx: audit.Context, payment: Payment, *, delivered_on: date,
                    delivered_by: str, proof: Proof, received_by: str = "") -> InKindDelivery:
    """The in-kind package of `payment` was handed over on `delivered_on` by `delivered_by`;
    `proof` is the photo or the signed receipt. Exactly once per payment."""
    policy.require(ctx.actor, policy.DISBURSE, payment.village_code)
    suffix = _check(payment, delivered_on, delivered_by, proof)
    digest = hashlib.sha256(proof.data).hexdigest()
    relative = Path("payments") / "proof" / str(payment.cycle_id) / (
        f"{payment.pk}-{digest[:16]}{suffix}")
    target = Path(settings.VAR_DIR) / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.{uuid.uuid4().hex}.partial")
    partial.write_bytes(proof.data)
    now = timezone.now()
    try:
        with transaction.atomic():
            won = Payment.objects.filter(
                pk=payment.pk, status=PaymentStatus.PENDING, cycle__in_kind=True,
                cycle__status__in=OPEN_CYCLE).update(
                status=PaymentStatus.DELIVERED, status_at=now, proof=str(relative))
            if won != 1:
                raise _already(payment)
            delivery = InKindDelivery.objects.create(
                payment=payment, delivered_on=delivered_on, delivered_by=delivered_by.strip(),
                received_by=received_by.strip(), proof_file=str(relative),
                proof_name=Path(proof.name).name[:200], proof_sha256=digest,
                recorded_by=ctx.actor)
            PaymentEvent.objects.create(
                payment=payment, from_status=PaymentStatus.PENDING,
                to_status=PaymentStatus.DELIVERED, at=now, source=PaymentEvent.Source.FORM,
                source_ref=f"delivery:{delivery.pk}")
            audit.record(ctx, "payments.in_kind.deliver", payment, {
                "status": [PaymentStatus.PENDING, PaymentStatus.DELIVERED],
                "delivered_on": delivered_on.isoformat(), "delivered_by": delivery.delivered_by,
                "proof_sha256": digest}, region_code=payment.village_code)
    except IntegrityError as error:  # the one-to-one: a racing second delivery
        partial.unlink(missing_ok=True)
        raise _already(payment) from error
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    partial.replace(target)
    payment.status, payment.status_at, payment.proof = PaymentStatus.DELIVERED, now, str(relative)
    return delivery
