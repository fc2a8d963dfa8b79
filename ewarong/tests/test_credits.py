"""The monthly Sembako credit comes from the payment cycle: each payment the bank credited
becomes one wallet credit, once; an unspent balance carries over or expires by the rule."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from ewarong import credits, ledger
from ewarong.models import BalanceRule, LedgerEntry, LedgerTransaction
from payments import cycles
from payments.models import Payment, PaymentStatus
from payments.tests.builders import Builder, ctx

pytestmark = pytest.mark.django_db
WIB = ZoneInfo("Asia/Jakarta")


@pytest.fixture
def sembako_cycle(world, make_user):
    program_officer = make_user("program_manager", username="program")
    build = Builder(world.actor)
    households = build.households(3)
    run = build.frozen_run("sembako", "2026-11", households)
    cycle = cycles.prepare(ctx(program_officer), run)
    payments = list(Payment.objects.filter(cycle=cycle).order_by("id"))
    statuses = [PaymentStatus.CREDITED, PaymentStatus.TRANSACTED, PaymentStatus.FAILED]
    for payment, status in zip(payments, statuses, strict=True):
        Payment.objects.filter(pk=payment.pk).update(status=status, channel_id="bri")
    return cycle, households


def test_credited_payments_become_wallet_credits_once(world, sembako_cycle):
    cycle, households = sembako_cycle
    assert credits.credit_cycle(cycle) == 2
    assert credits.credit_cycle(cycle) == 0  # the same cycle again: nothing twice
    balances = [ledger.wallet_of(h, world.sembako) for h in households]
    assert [w.balance if w else None for w in balances] == [200_000, 200_000, None]
    for wallet in balances[:2]:
        assert sum(LedgerEntry.objects.filter(account=wallet).values_list(
            "amount", flat=True)) == wallet.balance
    fund = ledger.fund_account(world.sembako)
    assert sum(LedgerEntry.objects.filter(account=fund).values_list("amount", flat=True)) \
        == -400_000


def test_unspent_balance_carries_over_without_a_rule(world):
    household, card, wallet = world.kpm(balance=200_000)
    assert credits.expire_balances(world.sembako) == 0
    assert ledger.balance(wallet) == 200_000


def test_unspent_credit_expires_after_the_rule_months(world):
    """Rules as data: 'expire after N months'; the oldest money is spent first."""
    BalanceRule.objects.create(program=world.sembako, expire_after_months=3)
    household, card, wallet = world.kpm(balance=0)
    world.credit(wallet, 200_000, at=datetime(2026, 6, 5, tzinfo=WIB))
    world.credit(wallet, 200_000, at=datetime(2026, 11, 5, tzinfo=WIB))
    now = datetime(2026, 12, 3, 12, tzinfo=WIB)
    assert credits.expire_balances(world.sembako, at=now) == 1
    assert ledger.balance(wallet) == 200_000  # June's credit expired, November's stays
    assert credits.expire_balances(world.sembako, at=now) == 0  # once per month
    assert ledger.balance(wallet) == 200_000
    assert LedgerTransaction.objects.filter(kind="expiry").count() == 1
