"""Two Pos counters recording the same invitation at the same moment (PostgreSQL: threads with
their own connections). Skipped only on SQLite, which has a single writer; it runs whenever
DATABASE_URL points at PostgreSQL."""


import pytest
from django.db import connection

from payments import pos
from payments.errors import PaymentError
from payments.models import CashPayout, Payment, PaymentAttempt, PaymentEvent

from .builders import at_once, ctx
from .pos_builders import ok_request, pos_cycle, pos_officer, qr_of

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql",
                       reason="concurrent writers need PostgreSQL (SQLite has one writer)"),
]


def test_payout_recorded_once_under_concurrent_requests(build, officers, make_user,
                                                        _flushable_logs):
    """Issue 12 item 6: recording a payout twice is impossible, whatever the timing."""
    households = build.households(1)
    cycle, _ = pos_cycle(build, officers, households)
    officer = pos_officer(make_user)
    qr = qr_of(Payment.objects.get(cycle=cycle))
    n = 6

    def pay(i):
        try:
            pos.record_at_counter(ctx(officer), qr, ok_request())
        except PaymentError:
            return "refused"
        return "paid"

    outcomes = [o if isinstance(o, str) else repr(o) for o in at_once(n, pay)]
    assert sorted(outcomes) == ["paid"] + ["refused"] * (n - 1), outcomes
    assert CashPayout.objects.count() == 1
    assert PaymentEvent.objects.filter(to_status="transacted").count() == 1
    assert PaymentAttempt.objects.get().status == "transacted"
