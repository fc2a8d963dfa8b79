from datetime import date, timedelta

from django.db import transaction
from django.db.models import Count, Q, Sum
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from payments import cycles, reconciliation, returns, selectors
from payments.disbursement import create_batch
from payments.models import (
    AttemptStatus,
    DisbursementBatch,
    KpmAccount,
    Payment,
    PaymentAttempt,
    PaymentChannel,
    ResponseImport,
)

from .builders import ctx, response_file

N = 4
STEPS = st.lists(st.tuples(st.sampled_from(["generate", "respond", "repay", "transact",
                                            "return"]),
                           st.lists(st.booleans(), min_size=N, max_size=N)), max_size=9)


def _respond(finance, bits, step: int) -> None:
    attempts = list(PaymentAttempt.objects.filter(status=AttemptStatus.SENT).select_related(
        "batch").order_by("reference"))
    if not attempts:
        return
    batch = attempts[0].batch
    answers = {a.reference: ("C", "") if bits[i % N] else ("F", "R01")
               for i, a in enumerate(attempts) if a.batch_id == batch.pk}
    reconciliation.import_response(ctx(finance), batch, response_file(batch, answers),
                                   f"answer-{step}.txt")


def _transact(finance, bits, step: int) -> None:
    attempts = list(PaymentAttempt.objects.filter(status=AttemptStatus.CREDITED).order_by(
        "reference"))
    if not attempts:
        return
    batch = DisbursementBatch.objects.get(pk=attempts[0].batch_id)
    answers = {a.reference: ("T", "") if bits[i % N] else ("N", "")
               for i, a in enumerate(attempts) if a.batch_id == batch.pk}
    reconciliation.import_response(ctx(finance), batch, response_file(batch, answers),
                                   f"tx-{step}.txt", ResponseImport.Kind.TRANSACTION)


def _check(cycle) -> None:
    payments = Payment.objects.filter(cycle=cycle)
    # No KPM is ever paid twice: at most one attempt that did not fail, one payment per stage.
    live = PaymentAttempt.objects.exclude(status=AttemptStatus.FAILED).values(
        "payment").annotate(n=Count("id")).filter(n__gt=1)
    assert not live.exists()
    assert payments.values("household").annotate(n=Count("id")).filter(n__gt=1).count() == 0
    # sent = credited + failed + pending, per channel and region, to the rupiah.
    for by in ("channel", "region"):
        for t in selectors.attempt_totals(payments, by=by):
            assert t.sent == t.credited + t.failed + t.pending, t
    credited = PaymentAttempt.objects.filter(status__in=selectors.CREDITED).aggregate(
        t=Sum("amount"))["t"] or 0
    assert credited <= cycle.total_amount
    returned = payments.filter(status="returned").aggregate(t=Sum("amount"))["t"] or 0
    paid = payments.filter(Q(status__in=["credited", "transacted", "not_transacted"])).aggregate(
        t=Sum("amount"))["t"] or 0
    assert paid + returned <= cycle.total_amount


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(steps=STEPS)
def test_random_generate_respond_repay_return_never_pays_twice(build, officers, steps):
    """Issue 12, "Done when": "a property test over random sequences of
    generate/respond/repay/return shows no KPM is ever paid twice and sent = credited + failed
    + pending at every step"."""
    finance = officers["keuangan"]
    with transaction.atomic():
        households = build.households(N)
        for i, h in enumerate(households):
            KpmAccount.objects.create(household=h, channel_id="bri", village_code=h.village_id,
                                      status="open", account_number=f"9{h.pk}{i}")
        run = build.frozen_run("sembako", "2026-11", households)
        cycle = cycles.approve(ctx(finance), cycles.prepare(ctx(officers["program"]), run))
        bri = PaymentChannel.objects.get(code="bri")
        cycles.record_sp2d(ctx(finance), cycle, bri, "SP2D-P", date(2026, 11, 3),
                           cycle.total_amount)
        later = date.today() + timedelta(days=cycle.return_after_days + 1)
        for step, (op, bits) in enumerate(steps):
            if op == "generate":
                create_batch(ctx(finance), cycle, bri)
            elif op == "respond":
                _respond(finance, bits, step)
            elif op == "repay":
                failed = Payment.objects.filter(cycle=cycle, status="failed").values_list(
                    "id", flat=True)
                returns.mark_for_repayment(ctx(finance), cycle, list(failed))
            elif op == "transact":
                _transact(finance, bits, step)
            elif op == "return":
                due = returns.due_for_return(cycle, bri, later)
                amount = due.aggregate(t=Sum("amount"))["t"]
                if amount:
                    returns.record_return(ctx(finance), cycle, bri, later, f"NTPN-{step}",
                                          amount, later)
            _check(cycle)
        transaction.set_rollback(True)
