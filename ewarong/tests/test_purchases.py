"""Selling at the e-warong: each refusal of the issue writes nothing; the HET comes from the
list of the merchant's region and day; a repeated request returns the first result."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from audit.models import Event
from audit.services import Context
from ewarong import access, ledger
from ewarong.access import Refused
from ewarong.models import (
    CardPin,
    LedgerEntry,
    LedgerTransaction,
    MerchantStatus,
    Purchase,
    UsedQrCode,
)
from ewarong.purchases import Line, refund, sell

pytestmark = pytest.mark.django_db
WIB = ZoneInfo("Asia/Jakarta")


def _nothing_written(wallet, balance):
    assert ledger.balance(wallet) == balance
    assert not Purchase.objects.exists()
    assert not LedgerTransaction.objects.filter(kind="purchase").exists()


@pytest.fixture
def shop(world, make_user):
    world.het()
    merchant, cashier = world.merchant(make_user)
    household, card, wallet = world.kpm(balance=200_000)
    return world, merchant, cashier, household, card, wallet


def test_a_card_sale_debits_the_wallet_and_credits_the_merchant(shop):
    world, merchant, cashier, household, card, wallet = shop
    sale = sell(Context(actor=cashier), merchant, access.by_card(card.card_number, "123456"),
                [Line("beras", "10", 13_500), Line("telur-ayam", "1.5", 27_000)], "k1")
    assert sale.purchase.total == 135_000 + 40_500
    assert ledger.balance(wallet) == 200_000 - 175_500 == sale.purchase.balance_after
    assert sum(LedgerEntry.objects.filter(account=wallet).values_list("amount", flat=True)) \
        == ledger.balance(wallet)
    assert sum(LedgerEntry.objects.filter(account=ledger.merchant_account(merchant))
               .values_list("amount", flat=True)) == 175_500
    assert [(line.commodity_id, line.het_price) for line in sale.purchase.lines.order_by(
        "id")] == [("beras", 14_000), ("telur-ayam", 27_000)]
    assert Event.objects.filter(action="ewarong.purchase").count() == 1


def test_a_price_above_the_het_is_refused_naming_the_line(shop):
    """Seed 003: "Kalau melebihi HET, maka nggak akan keluar"."""
    world, merchant, cashier, household, card, wallet = shop
    with pytest.raises(Refused) as refused:
        sell(Context(actor=cashier), merchant, access.by_card(card.card_number, "123456"),
             [Line("beras", "5", 14_000), Line("telur-ayam", "1", 27_001)], "k1")
    assert refused.value.line == 2 and refused.value.field == "unit_price"
    assert "HET" in refused.value.message and "Telur ayam" in refused.value.message
    _nothing_written(wallet, 200_000)


@pytest.mark.parametrize("code", ["rokok", "miras", "mi-instan"])
def test_banned_items_are_refused_by_category(shop, code):
    """Seed 003: "para KPM tidak bisa membelanjakan saldonya untuk membeli rokok dan miras";
    FACTS: no processed or packaged goods."""
    world, merchant, cashier, household, card, wallet = shop
    with pytest.raises(Refused) as refused:
        sell(Context(actor=cashier), merchant, access.by_card(card.card_number, "123456"),
             [Line("beras", "1", 10_000), Line(code, "1", 1_000)], "k1")
    assert refused.value.line == 2 and refused.value.field == "commodity"
    _nothing_written(wallet, 200_000)


@pytest.mark.parametrize("quantity", ["0", "-1", "abc", "0.0001"])
def test_a_zero_negative_or_malformed_quantity_is_refused(shop, quantity):
    world, merchant, cashier, household, card, wallet = shop
    with pytest.raises(Refused) as refused:
        sell(Context(actor=cashier), merchant, access.by_card(card.card_number, "123456"),
             [Line("beras", quantity, 10_000)], "k1")
    assert refused.value.field == "quantity" and refused.value.line == 1
    _nothing_written(wallet, 200_000)


def test_a_basket_over_the_balance_is_refused(shop):
    world, merchant, cashier, household, card, wallet = shop
    with pytest.raises(Refused) as refused:
        sell(Context(actor=cashier), merchant, access.by_card(card.card_number, "123456"),
             [Line("beras", "15", 14_000)], "k1")
    assert "210,000" in refused.value.message and "200,000" in refused.value.message
    _nothing_written(wallet, 200_000)


def test_a_suspended_merchant_cannot_sell(shop):
    world, merchant, cashier, household, card, wallet = shop
    merchant.status = MerchantStatus.SUSPENDED
    merchant.save()
    with pytest.raises(Refused) as refused:
        sell(Context(actor=cashier), merchant, access.by_card(card.card_number, "123456"),
             [Line("beras", "1", 10_000)], "k1")
    assert refused.value.field == "merchant"
    _nothing_written(wallet, 200_000)


def test_an_unknown_card_is_refused(shop):
    with pytest.raises(Refused) as refused:
        access.by_card("6013999999999999", "123456")
    assert refused.value.field == "card_number"


def test_wrong_pins_count_and_lock_the_card_after_three(shop):
    world, merchant, cashier, household, card, wallet = shop
    messages = []
    for _ in range(3):
        with pytest.raises(Refused) as refused:
            access.by_card(card.card_number, "000000")
        messages.append(refused.value.message)
    assert "2" in messages[0] and "1" in messages[1]
    with pytest.raises(Refused) as refused:  # the right PIN no longer opens it
        access.by_card(card.card_number, "123456")
    assert refused.value.field == "pin"
    assert CardPin.objects.get(card=card).locked_at is not None
    access.unlock(card)
    assert access.by_card(card.card_number, "123456").household_id == household.pk


def test_a_right_pin_resets_the_count_of_wrong_tries(shop):
    world, merchant, cashier, household, card, wallet = shop
    with pytest.raises(Refused):
        access.by_card(card.card_number, "000000")
    access.by_card(card.card_number, "123456")
    assert CardPin.objects.get(card=card).failed_attempts == 0


def test_a_blocked_card_is_refused(shop):
    world, merchant, cashier, household, card, wallet = shop
    card.status = "blocked"
    card.save()
    with pytest.raises(Refused) as refused:
        access.by_card(card.card_number, "123456")
    assert refused.value.field == "card_number"


def test_card_less_by_qr_code_once(shop):
    """Seed 003: "nggak perlu kartu ... bisa pakai HP": a signed QR code, one purchase."""
    world, merchant, cashier, household, card, wallet = shop
    token = access.issue_qr(household.pk)
    sell(Context(actor=cashier), merchant, access.by_qr(token), [Line("tahu", "2", 9_000)],
         "q1")
    assert ledger.balance(wallet) == 182_000
    with pytest.raises(Refused) as refused:  # replayed
        access.by_qr(token)
    assert refused.value.field == "qr"
    assert UsedQrCode.objects.count() == 1


def test_an_expired_or_forged_qr_code_is_refused(shop):
    world, merchant, cashier, household, card, wallet = shop
    token = access.issue_qr(household.pk, now=timezone.now() - timedelta(minutes=6))
    with pytest.raises(Refused, match="expired|kedaluwarsa"):
        access.by_qr(token)
    with pytest.raises(Refused):
        access.by_qr(token[:-3] + "abc")


def test_a_repeated_request_returns_the_first_result(shop):
    world, merchant, cashier, household, card, wallet = shop
    who = access.by_card(card.card_number, "123456")
    first = sell(Context(actor=cashier), merchant, who, [Line("beras", "2", 14_000)], "same")
    again = sell(Context(actor=cashier), merchant, who, [Line("beras", "2", 14_000)], "same")
    assert again.replayed and again.purchase.pk == first.purchase.pk
    assert ledger.balance(wallet) == 172_000 and Purchase.objects.count() == 1
    with pytest.raises(Refused) as refused:  # the same key for another basket
        sell(Context(actor=cashier), merchant, who, [Line("beras", "3", 14_000)], "same")
    assert refused.value.field == "idempotency_key"


def test_the_het_comes_from_the_merchants_region_and_day(shop):
    world, merchant, cashier, household, card, wallet = shop
    world.het({"beras": 12_000}, region="32.01", valid_from=date(2026, 6, 1))
    world.het({"beras": 11_000}, region="32.01", valid_from=date(2026, 6, 1), version=2)
    world.het({"beras": 9_000}, region="34", valid_from=date(2026, 6, 1))  # another province
    world.het({"beras": 8_000}, region="32.01", valid_from=date(2027, 1, 1))  # not yet
    who = access.by_card(card.card_number, "123456")
    day = datetime(2026, 12, 3, 10, tzinfo=WIB)
    with pytest.raises(Refused):
        sell(Context(actor=cashier), merchant, who, [Line("beras", "1", 11_001)], "a", day)
    sale = sell(Context(actor=cashier), merchant, who, [Line("beras", "1", 11_000)], "b", day)
    assert sale.purchase.lines.get().het_price == 11_000
    before = datetime(2026, 5, 31, 10, tzinfo=WIB)  # the national list only
    sale = sell(Context(actor=cashier), merchant, who, [Line("beras", "1", 14_000)], "c", before)
    assert sale.purchase.lines.get().het_price == 14_000


def test_a_refund_the_same_day_gives_the_money_back_once(shop):
    world, merchant, cashier, household, card, wallet = shop
    sale = sell(Context(actor=cashier), merchant, access.by_card(card.card_number, "123456"),
                [Line("beras", "2", 14_000)], "r1")
    refund(Context(actor=cashier), sale.purchase, "salah timbang")
    assert ledger.balance(wallet) == 200_000
    with pytest.raises(Refused):
        refund(Context(actor=cashier), sale.purchase, "lagi")
    assert ledger.balance(wallet) == 200_000


def test_no_refund_on_another_day(shop):
    world, merchant, cashier, household, card, wallet = shop
    day = datetime(2026, 12, 3, 20, tzinfo=WIB)
    sale = sell(Context(actor=cashier), merchant, access.by_card(card.card_number, "123456"),
                [Line("beras", "2", 14_000)], "r1", day)
    with pytest.raises(Refused, match="day|hari"):
        refund(Context(actor=cashier), sale.purchase, "telat", day + timedelta(hours=5))
    assert ledger.balance(wallet) == 172_000
