"""Each payment's status where people look: the household page (the registry's block hook) and
the NIK API. One reading for both: program, period and stage, amount, status in words, since
when, why it failed, whether it was returned to the treasury, and where the cash was paid."""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from accounts import policy
from registry.hooks import HouseholdBlock

from .models import CashPayout, Payment, PaymentEvent, PaymentStatus

# The words a family and an officer use ("sudah salur" is the ministry's own).
STATUS_WORDS = {
    PaymentStatus.PENDING: ("Menunggu penyaluran", "Waiting to be paid"),
    PaymentStatus.SENT: ("Dalam proses penyaluran", "Being paid"),
    PaymentStatus.CREDITED: ("Sudah salur (masuk rekening)", "Paid into the account"),
    PaymentStatus.FAILED: ("Gagal salur", "Payment failed"),
    PaymentStatus.TRANSACTED: ("Sudah salur (sudah diambil)", "Paid and collected"),
    PaymentStatus.NOT_TRANSACTED: ("Sudah masuk rekening, belum diambil",
                                   "In the account, not collected"),
    PaymentStatus.RETURNED: ("Dikembalikan ke kas negara", "Returned to the treasury"),
    PaymentStatus.DELIVERED: ("Sudah diterima (natura)", "Delivered in kind"),
    PaymentStatus.CANCELLED: ("Dibatalkan", "Cancelled"),
}
PAID = {PaymentStatus.CREDITED, PaymentStatus.TRANSACTED, PaymentStatus.NOT_TRANSACTED,
        PaymentStatus.DELIVERED}
BADGES = {PaymentStatus.FAILED: "text-bg-danger", PaymentStatus.RETURNED: "text-bg-warning",
          PaymentStatus.PENDING: "text-bg-light", PaymentStatus.SENT: "text-bg-info"}


@dataclass
class PaymentLine:
    payment_id: int
    program_code: str
    program: str
    period: str
    stage: int
    amount: int
    channel: str
    status: str
    words_id: str
    words_en: str
    status_at: object
    paid: bool
    paid_at: object = None
    failure_code: str = ""
    returned_on: object = None
    return_reference: str = ""
    home_delivery: bool = False
    source: str = ""

    @property
    def badge(self) -> str:
        return BADGES.get(self.status, "text-bg-success" if self.paid else "text-bg-secondary")

    def words(self, lang: str) -> str:
        return self.words_en if lang == "en" else self.words_id


def may_see(user, village_code: str) -> bool:
    return (policy.can(user, policy.VIEW_PAYMENTS, village_code)
            or policy.can(user, policy.VIEW_ENROLLMENT, village_code))


def household_payments(household_id: int, limit: int = 50) -> list[PaymentLine]:
    """The household's payments, newest first, with the last status change's source."""
    payments = list(Payment.objects.filter(household_id=household_id)
                    .exclude(status=PaymentStatus.CANCELLED)
                    .select_related("program", "channel", "treasury_return", "cycle")
                    .order_by("-cycle__year", "-cycle__month", "-stage", "-id")[:limit])
    ids = [p.pk for p in payments]
    payouts = {c.payment_id: c for c in CashPayout.objects.filter(payment_id__in=ids)}
    sources: dict[int, str] = {}
    for pid, source in (PaymentEvent.objects.filter(payment_id__in=ids)
                        .order_by("payment_id", "at", "id").values_list("payment_id", "source")):
        sources[pid] = source
    out = []
    for p in payments:
        words = STATUS_WORDS.get(p.status, (p.status, p.status))
        payout = payouts.get(p.pk)
        ret = p.treasury_return
        paid = p.status in PAID
        out.append(PaymentLine(
            payment_id=p.pk, program_code=p.program.code, program=p.program.name,
            period=p.period, stage=p.stage, amount=p.amount,
            channel=p.channel.name if p.channel_id else "", status=p.status,
            words_id=words[0], words_en=words[1], status_at=p.status_at, paid=paid,
            paid_at=(payout.paid_at if payout else p.status_at) if paid else None,
            failure_code=p.failure_code if p.status == PaymentStatus.FAILED else "",
            returned_on=ret.date if ret else None, return_reference=ret.reference if ret else "",
            home_delivery=bool(payout and payout.home_delivery), source=sources.get(p.pk, "")))
    return out


def household_block(user, household) -> HouseholdBlock | None:
    """The registry hook: the household's payments and their statuses (in scope only)."""
    if not may_see(user, household.village_id):
        return None
    lines = household_payments(household.pk)
    if not lines:
        return None
    return HouseholdBlock(title=_("Payments"), template="payments/_household_payments.html",
                          context={"lines": lines})

