"""Two terminals spending one wallet at the same moment can never spend more than the balance:
the database's conditional update and check decide, not a read in Python first (PostgreSQL,
real connections and threads)."""

import pytest
from django.db import connection

from audit.services import Context
from ewarong import access, ledger
from ewarong.access import Refused
from ewarong.models import LedgerEntry, Purchase
from ewarong.purchases import Line, sell
from payments.tests.builders import at_once

pytestmark = [pytest.mark.django_db(transaction=True),
              pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only")]


def test_many_terminals_spending_one_wallet_never_overspend(_flushable_logs, world, make_user):
    world.het()
    merchants = [world.merchant(make_user, name=f"Warung {i}") for i in range(4)]
    household, card, wallet = world.kpm(balance=200_000)
    who = access.by_card(card.card_number, "123456")

    def spend(i):
        merchant, cashier = merchants[i % 4]
        return sell(Context(actor=cashier), merchant, who, [Line("beras", "3", 14_000)],
                    f"t{i}")

    results = at_once(16, spend)
    sold = [r for r in results if not isinstance(r, Exception)]
    refused = [r for r in results if isinstance(r, Refused)]
    assert len(sold) + len(refused) == 16, results
    assert len(sold) == 200_000 // 42_000 == 4
    assert ledger.balance(wallet) == 200_000 - 4 * 42_000 >= 0
    assert sum(LedgerEntry.objects.filter(account=wallet).values_list("amount", flat=True)) \
        == ledger.balance(wallet)


def test_the_same_request_sent_twice_at_once_charges_once(_flushable_logs, world, make_user):
    world.het()
    merchant, cashier = world.merchant(make_user)
    household, card, wallet = world.kpm(balance=200_000)
    who = access.by_card(card.card_number, "123456")

    results = at_once(8, lambda i: sell(Context(actor=cashier), merchant, who,
                                        [Line("beras", "1", 14_000)], "retry-after-timeout"))
    assert all(not isinstance(r, Exception) for r in results), results
    assert len({r.purchase.pk for r in results}) == 1
    assert Purchase.objects.count() == 1 and ledger.balance(wallet) == 186_000
