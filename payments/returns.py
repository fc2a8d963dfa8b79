"""Failures paid again and undistributed funds returned to the treasury (retur), and the
standing report of KPM who never transacted (saldo mengendap)."""

from datetime import date, datetime, time, timedelta

from django.core.exceptions import EmptyResultSet
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, F, Q, Sum
from django.db.models.functions import Substr
from django.utils import timezone

from accounts import policy
from audit import services as audit

from .disbursement import audit_status_changes, insert_audit_events
from .errors import PaymentError
from .models import (
    AttemptStatus,
    Payment,
    PaymentAttempt,
    PaymentChannel,
    PaymentCycle,
    PaymentEvent,
    PaymentStatus,
    TreasuryReturn,
)

# Not distributed: never sent, failed and not fixed, credited but never withdrawn.
TIDAK_SALUR = [PaymentStatus.PENDING, PaymentStatus.FAILED, PaymentStatus.CREDITED,
               PaymentStatus.NOT_TRANSACTED]


def _history(payments, to: str, ctx: audit.Context, source: str = PaymentEvent.Source.FORM
             ) -> None:
    """A history row and an audit event per payment of the queryset, in two INSERT ... SELECT
    statements."""
    try:
        sql, params = payments.values(pid=F("id"), st=F("status")).query.sql_with_params()
    except EmptyResultSet:  # pk__in=[]: nothing changes
        return
    with connection.cursor() as cursor:
        cursor.execute(f"""
            INSERT INTO {PaymentEvent._meta.db_table} (payment_id, attempt_id, from_status,
                to_status, reason_code, at, source, source_ref)
            SELECT s.pid, NULL, s.st, %s, '', %s, %s, %s FROM ({sql}) s
        """, [str(to), timezone.now(), str(source), ctx.source_ref, *params])  # noqa: S608
    insert_audit_events(ctx, payments.values(pid=F("id"), region=F("village_code")), to)


def mark_for_repayment(ctx: audit.Context, cycle: PaymentCycle, payment_ids: list[int]) -> int:
    """Failed payments that were fixed (new account, corrected name) wait for the next batch.
    Their failed attempt stays; the new attempt can only be made because the old one failed."""
    policy.require(ctx.actor, policy.DISBURSE)
    with transaction.atomic():
        payments = Payment.objects.select_for_update().filter(
            cycle=cycle, pk__in=payment_ids, status=PaymentStatus.FAILED)
        ids = list(payments.values_list("id", flat=True))
        chosen = Payment.objects.filter(pk__in=ids)
        _history(chosen, PaymentStatus.PENDING, ctx)
        return chosen.update(status=PaymentStatus.PENDING, status_at=timezone.now())


def due_for_return(cycle: PaymentCycle, channel: PaymentChannel | None, as_of: date):
    """Payments of the cycle's channel not distributed `return_after_days` after the day they
    last changed (or the approval for payments never sent)."""
    cutoff = timezone.make_aware(datetime.combine(as_of - timedelta(
        days=cycle.return_after_days), time.max))
    payments = Payment.objects.filter(cycle=cycle, status__in=TIDAK_SALUR)
    if channel is not None:
        payments = payments.filter(channel=channel)
    never_sent = Q(status=PaymentStatus.PENDING) & Q(status_at__isnull=True)
    approved_long_ago = cycle.approved_at is not None and cycle.approved_at <= cutoff
    return payments.filter(Q(status_at__lte=cutoff) | (never_sent if approved_long_ago
                                                        else Q(pk__in=[])))


def record_return(ctx: audit.Context, cycle: PaymentCycle, channel: PaymentChannel | None,
                  on: date, reference: str, amount: int, as_of: date | None = None
                  ) -> TreasuryReturn:
    """The channel returned the funds not distributed to the treasury: the amount must be what
    Kesos counts as tidak salur; those payments become 'returned' with the return."""
    policy.require(ctx.actor, policy.RECONCILE)
    with transaction.atomic():
        PaymentCycle.objects.select_for_update().get(pk=cycle.pk)
        due = due_for_return(cycle, channel, as_of or on)
        ids = list(due.values_list("id", flat=True))
        expected = Payment.objects.filter(pk__in=ids).aggregate(t=Sum("amount"))["t"] or 0
        if not ids:
            raise PaymentError("Tidak ada dana tidak salur yang jatuh tempo untuk diretur.",
                               "No undistributed funds are due for return.")
        if amount != expected:
            raise PaymentError(
                f"Nilai retur Rp{amount:,} tidak sama dengan dana tidak salur Rp{expected:,}.",
                f"The return of Rp{amount:,} differs from the undistributed Rp{expected:,}.")
        try:
            with transaction.atomic():
                ret = TreasuryReturn.objects.create(cycle=cycle, channel=channel, amount=amount,
                                                    payments_count=len(ids), date=on,
                                                    reference=reference, recorded_by=ctx.actor)
        except IntegrityError as error:
            raise PaymentError(f"Referensi setoran {reference} sudah tercatat.",
                               f"Deposit reference {reference} is already recorded.") from error
        chosen = Payment.objects.filter(pk__in=ids)
        _history(chosen, PaymentStatus.RETURNED, ctx)
        credited = PaymentAttempt.objects.filter(payment_id__in=ids, status__in=[
            AttemptStatus.CREDITED, AttemptStatus.NOT_TRANSACTED])
        audit_status_changes(ctx, credited, PaymentStatus.RETURNED)
        credited.update(status=AttemptStatus.RETURNED, status_at=timezone.now())
        chosen.update(status=PaymentStatus.RETURNED, treasury_return=ret,
                      status_at=timezone.now())
        audit.record(ctx, "payments.return", ret, {"amount": amount, "payments": len(ids),
                                                   "reference": reference})
    return ret


def saldo_mengendap(scope: str = "", region_length: int = 5, program=None) -> list[dict]:
    """Credited KPM who never withdrew or spent, with the amounts, per region."""
    payments = Payment.objects.filter(status__in=[PaymentStatus.CREDITED,
                                                  PaymentStatus.NOT_TRANSACTED])
    if scope:
        payments = payments.filter(Q(village_code=scope) | Q(village_code__startswith=scope + "."))
    if program is not None:
        payments = payments.filter(program=program)
    return list(payments.annotate(region=Substr("village_code", 1, region_length))
                .values("region").annotate(kpm=Count("id"), amount=Sum("amount"))
                .order_by("region"))
