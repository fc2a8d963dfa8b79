"""Races on PostgreSQL: threads with their own database connections do the same thing at the
same moment. SQLite serialises writers itself, so these run where the suite runs on PostgreSQL
(DATABASE_URL=postgres://...), and are skipped only on SQLite."""

from datetime import date

import pytest
from django.db import IntegrityError, connection, transaction

from payments import cycles
from payments.disbursement import create_batch
from payments.errors import PaymentError
from payments.models import (
    DisbursementBatch,
    KpmAccount,
    Payment,
    PaymentAttempt,
    PaymentChannel,
    PaymentCycle,
)

from .builders import at_once, ctx

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql",
                       reason="concurrent writers need PostgreSQL (SQLite has one writer)"),
]


@pytest.fixture
def approved(_flushable_logs, build, officers):
    from registry.instrument import shipped_definition
    from registry.models import InstrumentVersion

    # An earlier transactional test's flush took the published instrument with it.
    InstrumentVersion.objects.get_or_create(
        code="dtks", version=1, defaults={"title": "DTKS", "definition": shipped_definition()})
    from payments import layouts
    from payments.models import ChannelRule, FileLayout

    layouts.install(PaymentChannel, ChannelRule, FileLayout)  # the flush took them too
    households = build.households(3)
    for i, h in enumerate(households):
        KpmAccount.objects.create(household=h, channel_id="bri", village_code=h.village_id,
                                  status="open", account_number=f"55{i}")
    run = build.frozen_run("sembako", "2026-11", households)
    return run


def test_two_officers_preparing_the_same_stage_make_one_cycle(approved, officers):
    """Issue 12, item 3: "A KPM is paid at most once per program, period and stage: a database
    constraint, not only a check in code"."""
    results = at_once(2, lambda i: cycles.prepare(ctx(officers["program"]), approved))
    made = [r for r in results if isinstance(r, PaymentCycle)]
    assert len(made) == 1, results
    assert all(isinstance(r, PaymentError) for r in results if r not in made)
    assert Payment.objects.count() == 3


def test_two_officers_approving_or_generating_at_once_produce_one_batch(approved, officers):
    """Issue 12, "Bad input and faults": "Two officers approving or generating the same cycle
    at the same moment produce one batch"."""
    cycle = cycles.prepare(ctx(officers["program"]), approved)
    finance = [officers["keuangan"], officers["keuangan2"]]
    approvals = at_once(2, lambda i: cycles.approve(ctx(finance[i]), cycle))
    assert sum(isinstance(r, PaymentCycle) for r in approvals) == 1, approvals
    bri = PaymentChannel.objects.get(code="bri")
    cycles.record_sp2d(ctx(finance[0]), cycle, bri, "SP2D-9", date(2026, 11, 3), 600_000)
    batches = at_once(2, lambda i: create_batch(ctx(finance[i]), cycle, bri))
    made = [b for b in batches if isinstance(b, DisbursementBatch)]
    assert len(made) == 1 and batches.count(None) == 1, batches
    assert DisbursementBatch.objects.count() == 1
    assert PaymentAttempt.objects.count() == 3


def test_the_database_refuses_a_second_live_attempt_even_when_code_forgets_to_check(
        approved, officers):
    """Two writers that both insert a live attempt of the same payment: one is refused by the
    partial unique index, whatever the code around it did."""
    cycle = cycles.approve(ctx(officers["keuangan"]), cycles.prepare(ctx(officers["program"]),
                                                                      approved))
    bri = PaymentChannel.objects.get(code="bri")
    cycles.record_sp2d(ctx(officers["keuangan"]), cycle, bri, "SP2D-8", date(2026, 11, 3),
                       600_000)
    batch = create_batch(ctx(officers["keuangan"]), cycle, bri)
    payment = Payment.objects.first()
    PaymentAttempt.objects.filter(payment=payment).update(status="failed")

    def insert(i):
        with transaction.atomic():
            return PaymentAttempt.objects.create(
                payment=payment, batch=batch, number=10 + i, reference=f"RACE{i}",
                amount=payment.amount, status="sent")

    results = at_once(2, insert)
    assert sum(isinstance(r, PaymentAttempt) for r in results) == 1, results
    assert sum(isinstance(r, IntegrityError) for r in results) == 1
    assert PaymentAttempt.objects.filter(payment=payment).exclude(status="failed").count() == 1
