"""PT Pos cash payout (BST and other cash programs without a bank account, seed 003): the QR
code of the invitation letter, the counter's checks and the payout itself.

The QR carries the payment reference and an HMAC of it under a key derived from SECRET_KEY, so
a letter that was not printed by Kesos (or whose reference was changed) is refused at the
counter. A payout is recorded at most once: one CashPayout per attempt and per payment (unique
constraints) and the attempt moves from 'sent' only by a conditional update, so two counters
scanning the same letter at the same moment record one payout. The recipient must be the KPM
named (no proxies); the officer ticks that the NIK on the KTP is the one on the letter; a
photo of the signed receipt is kept under KESOS_VAR_DIR. Home delivery is for recipients who
are elderly (lansia, 60 and over), disabled or chronically ill."""

import hashlib
import hmac
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from accounts import policy
from audit import services as audit
from registry.identity import mask_nik

from .disbursement import audit_status_changes
from .errors import PaymentError
from .models import (
    AttemptStatus,
    CashPayout,
    ChannelAccess,
    Payment,
    PaymentAttempt,
    PaymentChannel,
    PaymentCycle,
    PaymentEvent,
    PaymentStatus,
    PayoutSchedule,
)

QR_PREFIX = "KESOS-POS"
QR_VERSION = "1"
SIGNATURE_LENGTH = 32  # hex characters: 128 bits of the HMAC
ELDERLY_AGE = 60
MAX_RECEIPT_BYTES = 5 * 1024 * 1024
RECEIPT_TYPES = {b"\xff\xd8\xff": "jpg", b"\x89PNG\r\n\x1a\n": "png"}


# --- the QR code ------------------------------------------------------------------------------


def qr_key() -> bytes:
    """Derived from SECRET_KEY (never the secret itself); rotating it voids printed letters."""
    return hmac.new(settings.SECRET_KEY.encode(), b"kesos.payments.pos.qr", "sha256").digest()


def qr_signature(reference: str) -> str:
    return hmac.new(qr_key(), reference.encode(), hashlib.sha256).hexdigest()[:SIGNATURE_LENGTH]


def qr_text(reference: str) -> str:
    """What the invitation's QR code holds: KESOS-POS:1:<reference>:<signature>."""
    return f"{QR_PREFIX}:{QR_VERSION}:{reference}:{qr_signature(reference)}"


def read_qr(text: str) -> str:
    """The payment reference of a scanned or typed QR text; PaymentError when it is not one
    Kesos printed (malformed, another version, or a signature that does not verify)."""
    parts = "".join(text.split()).split(":")
    if len(parts) != 4 or parts[0].upper() != QR_PREFIX or parts[1] != QR_VERSION:
        raise PaymentError("Kode QR bukan kode undangan Kesos.",
                           "The QR code is not a Kesos invitation code.")
    reference, given = parts[2].upper(), parts[3].lower()
    if not hmac.compare_digest(given, qr_signature(reference)):
        raise PaymentError("Kode QR tidak sah: tanda tangannya tidak cocok (undangan palsu atau "
                           "diubah). Jangan bayarkan.",
                           "The QR code is not valid: its signature does not verify (a forged or "
                           "altered invitation). Do not pay.")
    return reference


# --- who may pay what ---------------------------------------------------------------------------


def channel_of(user) -> PaymentChannel | None:
    access = ChannelAccess.objects.filter(user=user).select_related("channel").first() \
        if getattr(user, "is_authenticated", False) else None
    return access.channel if access else None


def office_of(user) -> str:
    access = ChannelAccess.objects.filter(user=user).first()
    return access.office if access else ""


def grant_channel(user, channel: PaymentChannel, office: str = "") -> ChannelAccess:
    """Bind a Pos officer or a channel's system account to its channel (administration)."""
    access, _ = ChannelAccess.objects.update_or_create(user=user, defaults={
        "channel": channel, "office": office})
    return access


def _not_found() -> PaymentError:
    return PaymentError("Undangan ini tidak ditemukan di wilayah dan kanal Anda.",
                        "This invitation is not found in your region and channel.")


def counter_attempt(user, reference: str) -> PaymentAttempt:
    """The attempt a counter officer may pay: a Pos batch line of their channel, for a KPM in
    their region. Anything else answers 'not found' (no hint it exists elsewhere)."""
    policy.require(user, policy.POS_COUNTER)
    channel = channel_of(user)
    if channel is None or channel.kind != PaymentChannel.Kind.POS:
        raise PaymentError("Akun Anda tidak terhubung dengan loket PT Pos.",
                           "Your account is not bound to a PT Pos counter.")
    attempt = (PaymentAttempt.objects.select_related("payment", "payment__program", "batch",
                                                     "payment__cycle")
               .filter(reference=reference, batch__channel=channel).first())
    if attempt is None or not policy.can(user, policy.POS_COUNTER, attempt.payment.village_code):
        raise _not_found()
    return attempt


# --- home delivery ------------------------------------------------------------------------------


def _recipient(payment: Payment):
    from registry.models import Member

    if payment.member_id:
        return Member.objects.filter(pk=payment.member_id).first()
    return Member.objects.filter(household_id=payment.household_id,
                                 relation_to_household_head=1).order_by("id").first()


def _elderly_born_before(cycle: PaymentCycle) -> date:
    first = date(cycle.year, cycle.month, 1)
    return first.replace(year=first.year - ELDERLY_AGE)


def home_delivery_reasons(payment: Payment) -> list[str]:
    """Why the cash may be brought home: 'lansia', 'disabilitas', 'sakit' (none: [])."""
    member = _recipient(payment)
    if member is None:
        return []
    reasons = []
    if member.birth_date and member.birth_date <= _elderly_born_before(payment.cycle):
        reasons.append("lansia")
    if member.disability:
        reasons.append("disabilitas")
    if member.chronic_illness:
        reasons.append("sakit")
    return reasons


def flag_home_delivery(cycle: PaymentCycle) -> int:
    """Mark the cycle's Pos payments whose recipient is elderly, disabled or chronically ill
    for home delivery, in two set updates; returns how many are flagged."""
    from registry.models import Member

    needs = (Q(disability__gt=0) | Q(chronic_illness__gt=0)
             | Q(birth_date__lte=_elderly_born_before(cycle)))
    pos = Payment.objects.filter(cycle=cycle, channel__kind=PaymentChannel.Kind.POS,
                                 home_delivery=False)
    heads = Member.objects.filter(needs, household=OuterRef("household"),
                                  relation_to_household_head=1)
    persons = Member.objects.filter(needs, pk=OuterRef("member"))
    flagged = pos.filter(member__isnull=True).filter(Exists(heads)).update(home_delivery=True)
    flagged += pos.filter(member__isnull=False).filter(Exists(persons)).update(home_delivery=True)
    return flagged


def may_deliver_home(payment: Payment) -> bool:
    return payment.home_delivery or bool(home_delivery_reasons(payment))


# --- the counter --------------------------------------------------------------------------------


@dataclass
class CounterLine:
    """What the counter page shows for a scanned invitation (NIK masked)."""

    reference: str
    name: str
    nik_masked: str
    amount: int
    program: str
    period: str
    stage: int
    village_code: str
    home_delivery: bool
    home_reasons: list[str] = field(default_factory=list)
    payable: bool = True
    paid: CashPayout | None = None
    status: str = ""


def counter_line(user, qr: str) -> CounterLine:
    """Check a scanned QR for the counter: signature, channel, region; the KPM's name and
    masked NIK for the KTP check, and whether it is still to be paid."""
    attempt = counter_attempt(user, read_qr(qr))
    payment = attempt.payment
    paid = CashPayout.objects.filter(payment=payment).first()
    reasons = home_delivery_reasons(payment)
    return CounterLine(
        reference=attempt.reference, name=payment.recipient_name,
        nik_masked=mask_nik(payment.nik) if payment.nik else "", amount=attempt.amount,
        program=payment.program.name, period=payment.period, stage=payment.stage,
        village_code=payment.village_code, home_delivery=payment.home_delivery or bool(reasons),
        home_reasons=reasons, payable=attempt.status == AttemptStatus.SENT and paid is None,
        paid=paid, status=payment.status)


@dataclass
class PayoutRequest:
    """What the officer records: the checks ticked, where the cash was handed over, the
    receipt photo, and (offline) when it was paid."""

    ktp_matches: bool
    recipient_is_kpm: bool
    home_delivery: bool
    receipt: bytes
    paid_at: datetime | None = None


def receipt_extension(data: bytes) -> str | None:
    for magic, ext in RECEIPT_TYPES.items():
        if data.startswith(magic):
            return ext
    return None


def payout_problems(attempt: PaymentAttempt, req: PayoutRequest) -> list[tuple[str, str, str]]:
    """(field, id, en) for every reason the payout cannot be recorded."""
    out = []
    if not req.recipient_is_kpm:
        out.append(("recipient_is_kpm",
                    "Bantuan hanya dibayarkan kepada KPM yang namanya tercantum; tidak boleh "
                    "dikuasakan atau diwakilkan.",
                    "The aid is paid only to the KPM named; no proxies."))
    if not req.ktp_matches:
        out.append(("ktp_matches", "NIK pada KTP harus sama dengan NIK pada undangan.",
                    "The NIK on the KTP must match the NIK on the invitation."))
    if req.home_delivery and not may_deliver_home(attempt.payment):
        out.append(("home_delivery",
                    "Antar ke rumah hanya untuk KPM lansia, penyandang disabilitas atau sakit.",
                    "Home delivery is only for elderly, disabled or sick KPM."))
    if not req.receipt:
        out.append(("receipt", "Foto tanda terima wajib dilampirkan.",
                    "A photo of the receipt is required."))
    elif len(req.receipt) > MAX_RECEIPT_BYTES:
        out.append(("receipt", "Foto tanda terima lebih dari 5 MB.",
                    "The receipt photo is larger than 5 MB."))
    elif receipt_extension(req.receipt) is None:
        out.append(("receipt", "Foto tanda terima harus berupa JPEG atau PNG.",
                    "The receipt photo must be a JPEG or PNG image."))
    if req.paid_at and req.paid_at > timezone.now():
        out.append(("paid_at", "Waktu pembayaran di masa depan.", "The payout time is in the "
                    "future."))
    if attempt.status != AttemptStatus.SENT or attempt.payment.status != PaymentStatus.SENT:
        out.append(("reference", "Pembayaran ini sudah tercatat atau tidak lagi dapat dibayar "
                    f"(status {attempt.payment.status}).",
                    f"This payment is already recorded or can no longer be paid (status "
                    f"{attempt.payment.status})."))
    return out


def receipts_dir() -> Path:
    return Path(settings.VAR_DIR) / "payments" / "receipts"


def _store_receipt(attempt: PaymentAttempt, data: bytes) -> str:
    """The photo under VAR_DIR; returns its path relative to VAR_DIR."""
    folder = receipts_dir() / str(attempt.batch.cycle_id)
    folder.mkdir(parents=True, exist_ok=True)
    name = f"{attempt.reference}-{uuid.uuid4().hex[:8]}.{receipt_extension(data)}"
    path = folder / name
    partial = folder / f".{name}.partial"
    partial.write_bytes(data)
    partial.replace(path)
    return str(path.relative_to(Path(settings.VAR_DIR)))


def _already() -> PaymentError:
    return PaymentError("Pembayaran ini sudah tercatat; tidak dapat dibayarkan dua kali.",
                        "This payout is already recorded; it cannot be paid twice.")


def record(ctx: audit.Context, attempt: PaymentAttempt, req: PayoutRequest, *,
           source: str = CashPayout.Source.COUNTER, upload=None, office: str = ""
           ) -> CashPayout:
    """Record the cash handed over for `attempt` (already checked for channel and region).
    Refused with every problem; a second recording of the same payment is refused by the
    database whatever the timing."""
    if problems := payout_problems(attempt, req):
        raise PaymentError(" ".join(p[1] for p in problems), " ".join(p[2] for p in problems))
    payment = attempt.payment
    now = timezone.now()
    paid_at = req.paid_at or now
    written: list[Path] = []
    try:
        with transaction.atomic():
            try:
                with transaction.atomic():
                    payout = CashPayout.objects.create(
                        payment=payment, attempt=attempt, channel_id=attempt.batch.channel_id,
                        village_code=payment.village_code, amount=attempt.amount,
                        paid_at=paid_at, recorded_by=ctx.actor, office=office,
                        ktp_checked=True, home_delivery=req.home_delivery, receipt="-",
                        source=source, upload=upload)
            except IntegrityError as error:
                raise _already() from error
            moved = PaymentAttempt.objects.filter(pk=attempt.pk, status=AttemptStatus.SENT
                                                  ).update(status=AttemptStatus.TRANSACTED,
                                                           status_at=paid_at)
            paid = Payment.objects.filter(pk=payment.pk, status=PaymentStatus.SENT).update(
                status=PaymentStatus.TRANSACTED, status_at=paid_at, failure_code="",
                home_delivery=payment.home_delivery or req.home_delivery)
            if moved != 1 or paid != 1:
                raise _already()
            source_ref = ctx.source_ref or f"counter:{office or ctx.actor.pk}"
            PaymentEvent.objects.create(
                payment=payment, attempt=attempt, from_status=PaymentStatus.SENT,
                to_status=PaymentStatus.TRANSACTED, at=now,
                source=PaymentEvent.Source.COUNTER if source == CashPayout.Source.COUNTER
                else PaymentEvent.Source.FILE, source_ref=source_ref[:200])
            audit_status_changes(audit.Context(ctx.actor, ctx.source, source_ref, ctx.reason),
                                 PaymentAttempt.objects.filter(pk=attempt.pk),
                                 PaymentStatus.TRANSACTED)
            path = _store_receipt(attempt, req.receipt)
            written.append(Path(settings.VAR_DIR) / path)
            CashPayout.objects.filter(pk=payout.pk).update(receipt=path)
            Payment.objects.filter(pk=payment.pk).update(proof=path)
            payout.receipt = path
            audit.record(ctx, "payments.pos.payout", payout,
                         {"reference": attempt.reference, "amount": attempt.amount,
                          "home_delivery": req.home_delivery, "source": source},
                         region_code=payment.village_code)
    except Exception:
        for p in written:
            p.unlink(missing_ok=True)
        raise
    return payout


def record_at_counter(ctx: audit.Context, qr: str, req: PayoutRequest) -> CashPayout:
    """The counter page's action: the QR checked again, then the payout recorded."""
    attempt = counter_attempt(ctx.actor, read_qr(qr))
    return record(ctx, attempt, req, office=office_of(ctx.actor))


# --- invitations: schedule and letter data ------------------------------------------------------


def set_schedule(ctx: audit.Context, cycle: PaymentCycle, region_prefix: str, place: str,
                 starts_on: date, ends_on: date, address: str = "") -> PayoutSchedule:
    """Where and when a region collects the cycle's cash (printed on the invitations)."""
    policy.require(ctx.actor, policy.POS_INVITATIONS, region_prefix or None)
    if ends_on < starts_on:
        raise PaymentError("Tanggal akhir sebelum tanggal mulai.",
                           "The end date is before the start date.")
    schedule, _ = PayoutSchedule.objects.update_or_create(
        cycle=cycle, region_prefix=region_prefix, defaults={
            "place": place, "address": address, "starts_on": starts_on, "ends_on": ends_on})
    audit.record(ctx, "payments.pos.schedule", schedule,
                 {"region": region_prefix, "place": place, "from": starts_on.isoformat(),
                  "until": ends_on.isoformat()})
    return schedule


def schedule_for(cycle: PaymentCycle, village_code: str) -> PayoutSchedule | None:
    """The longest prefix of the village with a schedule in this cycle."""
    found = [s for s in PayoutSchedule.objects.filter(cycle=cycle)
             if village_code == s.region_prefix or village_code.startswith(s.region_prefix + ".")
             or s.region_prefix == ""]
    return max(found, key=lambda s: len(s.region_prefix), default=None)


def open_attempts(cycle: PaymentCycle, region_code: str = ""):
    """The cycle's Pos lines still to be paid in a region (code prefix)."""
    attempts = PaymentAttempt.objects.filter(
        batch__cycle=cycle, batch__channel__kind=PaymentChannel.Kind.POS,
        status=AttemptStatus.SENT).select_related("payment", "payment__program")
    if region_code:
        attempts = attempts.filter(Q(payment__village_code=region_code)
                                   | Q(payment__village_code__startswith=region_code + "."))
    return attempts.order_by("payment__village_code", "payment__recipient_name", "reference")
