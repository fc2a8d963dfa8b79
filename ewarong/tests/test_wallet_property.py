"""Over random credits, purchases and refunds the wallet's balance equals the sum of its
entries and is never below zero; every ledger transaction balances."""

import pytest
from django.db.models import Sum
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from audit.services import Context
from ewarong import access, ledger
from ewarong.access import Refused
from ewarong.models import LedgerAccount, LedgerEntry, Purchase
from ewarong.purchases import Line, refund, sell

pytestmark = pytest.mark.django_db

steps = st.lists(st.one_of(
    st.tuples(st.just("credit"), st.integers(1, 300_000)),
    st.tuples(st.just("buy"), st.integers(1, 40), st.integers(1_000, 14_000)),
    st.tuples(st.just("refund"), st.integers(0, 20))), min_size=1, max_size=25)


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=steps)
def test_balance_is_the_sum_of_entries_and_never_negative(world, make_user, steps):
    from django.db import transaction

    with transaction.atomic():
        world.het()
        merchant, cashier = world.merchant(make_user)
        household, card, wallet = world.kpm(balance=0)
        who = access.by_card(card.card_number, "123456")
        for n, step in enumerate(steps):
            try:
                if step[0] == "credit":
                    world.credit(wallet, step[1])
                elif step[0] == "buy":
                    sell(Context(actor=cashier), merchant, who,
                         [Line("beras", str(step[1]), step[2])], f"p{n}")
                else:
                    done = list(Purchase.objects.filter(merchant=merchant).order_by("id"))
                    if done:
                        refund(Context(actor=cashier), done[step[1] % len(done)], "uji")
            except Refused:
                pass
            stored = ledger.balance(wallet)
            summed = LedgerEntry.objects.filter(account=wallet).aggregate(s=Sum("amount"))["s"]
            assert stored == (summed or 0) >= 0
        assert not LedgerEntry.objects.values("transaction").annotate(
            s=Sum("amount")).exclude(s=0).exists()
        assert LedgerAccount.objects.filter(kind="kpm", balance__lt=0).count() == 0
        transaction.set_rollback(True)
