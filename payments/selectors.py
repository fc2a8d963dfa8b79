"""Reads for the payment pages: cycles in the user's scope, reconciliation totals per channel
and region (sent = credited + failed + pending, to the rupiah), and the discrepancies."""

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import Substr

from accounts import policy
from accounts.models import User

from .models import AttemptStatus, Payment, PaymentAttempt, PaymentCycle, PaymentStatus, Sp2d

CREDITED = [AttemptStatus.CREDITED, AttemptStatus.TRANSACTED, AttemptStatus.NOT_TRANSACTED,
            AttemptStatus.RETURNED]


def cycles_for(user: User) -> QuerySet[PaymentCycle]:
    if not policy.role_allows(user, policy.VIEW_PAYMENTS):
        return PaymentCycle.objects.none()
    return PaymentCycle.objects.select_related("program", "prepared_by", "approved_by")


def payments_for(user: User, cycle: PaymentCycle) -> QuerySet[Payment]:
    return policy.scoped(user, Payment.objects.filter(cycle=cycle), "village_code",
                         policy.VIEW_PAYMENTS)


@dataclass
class Totals:
    key: str
    sent: int = 0
    credited: int = 0
    failed: int = 0
    pending: int = 0
    sent_count: int = 0
    credited_count: int = 0
    failed_count: int = 0
    pending_count: int = 0

    @property
    def balanced(self) -> bool:
        return self.sent == self.credited + self.failed + self.pending


def attempt_totals(payments: QuerySet[Payment], by: str = "channel",
                   region_length: int = 5) -> list[Totals]:
    """Per channel (`by='channel'`) or region (`by='region'`): what was sent in all batches and
    what the channels answered."""
    attempts = PaymentAttempt.objects.filter(payment__in=payments)
    key = "batch__channel" if by == "channel" else "region"
    if by == "region":
        attempts = attempts.annotate(region=Substr("payment__village_code", 1, region_length))
    rows = attempts.values(key).annotate(
        sent=Sum("amount"), sent_count=Count("id"),
        credited=Sum("amount", filter=Q(status__in=CREDITED)),
        credited_count=Count("id", filter=Q(status__in=CREDITED)),
        failed=Sum("amount", filter=Q(status=AttemptStatus.FAILED)),
        failed_count=Count("id", filter=Q(status=AttemptStatus.FAILED)),
        pending=Sum("amount", filter=Q(status=AttemptStatus.SENT)),
        pending_count=Count("id", filter=Q(status=AttemptStatus.SENT))).order_by(key)
    return [Totals(r[key] or "", *(r[f] or 0 for f in (
        "sent", "credited", "failed", "pending", "sent_count", "credited_count",
        "failed_count", "pending_count"))) for r in rows]


def payment_totals(payments: QuerySet[Payment]) -> dict[str, dict]:
    """{status: {"count", "amount"}} of the payments (one per KPM)."""
    rows = payments.values("status").annotate(count=Count("id"), amount=Sum("amount"))
    return {r["status"]: {"count": r["count"], "amount": r["amount"] or 0} for r in rows}


def sp2d_check(cycle: PaymentCycle) -> list[dict]:
    """Per channel: the SP2D against what the cycle pays through it."""
    totals = {r["channel"]: r["t"] for r in Payment.objects.filter(cycle=cycle).exclude(
        channel=None).values("channel").annotate(t=Sum("amount"))}
    sp2d = {s.channel_id: s for s in Sp2d.objects.filter(cycle=cycle)}
    return [{"channel": code, "planned": amount, "sp2d": sp2d.get(code),
             "equal": code in sp2d and sp2d[code].amount == amount}
            for code, amount in sorted(totals.items())]


def discrepancies(payments: QuerySet[Payment], limit: int = 200) -> QuerySet[Payment]:
    """Payments that did not arrive: failed, pending, not transacted, returned."""
    return payments.filter(status__in=[PaymentStatus.FAILED, PaymentStatus.PENDING,
                                       PaymentStatus.NOT_TRANSACTED, PaymentStatus.RETURNED]
                           ).order_by("village_code", "id")[:limit]
