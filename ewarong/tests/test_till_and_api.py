"""The till page and the terminal API sell the same way: a receipt for a good basket, the
refused line named, a repeated request answered with the first result; a family's balance on
its household page and through the API, region-scoped and audited."""

import json

import pytest

from accounts.services import issue_api_token
from audit.models import Event
from conftest import VILLAGE_OTHER_DISTRICT
from ewarong import ledger
from ewarong.models import Purchase

pytestmark = pytest.mark.django_db


@pytest.fixture
def shop(world, make_user):
    world.het()
    merchant, cashier = world.merchant(make_user)
    household, card, wallet = world.kpm(balance=200_000)
    return merchant, cashier, household, card, wallet


def _till_post(client, card, lines, key="k-1", action="pay"):
    data = {"method": "card", "card_number": card.card_number, "pin": "123456", "key": key,
            "action": action}
    for n, (code, quantity, price) in enumerate(lines):
        data |= {f"commodity_{n}": code, f"quantity_{n}": quantity, f"price_{n}": price}
    return client.post("/ewarong/kasir/", data)


def test_the_till_sells_and_prints_a_receipt(client, shop):
    merchant, cashier, household, card, wallet = shop
    client.force_login(cashier)
    answer = _till_post(client, card, [("beras", "5", "13500"), ("tahu", "1", "9000")])
    assert answer.status_code == 302
    receipt = client.get(answer.url)
    assert "76.500" in receipt.content.decode() or "76,500" in receipt.content.decode()
    assert ledger.balance(wallet) == 123_500
    again = _till_post(client, card, [("beras", "5", "13500"), ("tahu", "1", "9000")])
    assert again.url == answer.url and Purchase.objects.count() == 1  # a double submit


def test_the_till_names_the_refused_line_and_keeps_the_basket(client, shop):
    merchant, cashier, household, card, wallet = shop
    client.force_login(cashier)
    answer = _till_post(client, card, [("beras", "5", "13500"), ("telur-ayam", "1", "28000")])
    page = answer.content.decode()
    assert answer.status_code == 200 and "Baris 2" in page and "HET" in page
    assert 'value="28000"' in page and not Purchase.objects.exists()
    assert 'href="/registry/"' not in page  # a cashier's menu shows no registry


def test_the_till_shows_the_balance_on_request(client, shop):
    merchant, cashier, household, card, wallet = shop
    client.force_login(cashier)
    page = _till_post(client, card, [], action="balance").content.decode()
    assert 'id="balance"' in page and "200.000" in page


def test_only_the_merchants_own_staff_use_the_till(client, shop, make_user):
    officer = make_user("operator_kabupaten", "32.01")
    client.force_login(officer)
    assert client.get("/ewarong/kasir/").status_code == 403


def _api(client, raw, body, key="api-1"):
    return client.post("/api/ewarong/purchases", json.dumps(body),
                       content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {raw}",
                       HTTP_IDEMPOTENCY_KEY=key)


def test_the_terminal_api_sells_once_per_key(client, shop):
    merchant, cashier, household, card, wallet = shop
    _, raw = issue_api_token(cashier, "edc")
    body = {"card_number": card.card_number, "pin": "123456",
            "lines": [{"commodity": "beras", "quantity": "2.5", "unit_price": 14000}]}
    first = _api(client, raw, body)
    assert first.status_code == 201 and first.json()["total"] == 35_000
    again = _api(client, raw, body)
    assert again.status_code == 200
    assert again.json()["receipt_number"] == first.json()["receipt_number"]
    other = _api(client, raw, body | {"lines": [{"commodity": "beras", "quantity": "1",
                                                  "unit_price": 14000}]})
    assert other.status_code == 409
    assert ledger.balance(wallet) == 165_000


def test_the_terminal_api_refusal_names_the_line_and_field(client, shop):
    merchant, cashier, household, card, wallet = shop
    _, raw = issue_api_token(cashier, "edc")
    answer = _api(client, raw, {"card_number": card.card_number, "pin": "123456", "lines": [
        {"commodity": "beras", "quantity": "1", "unit_price": 14000},
        {"commodity": "rokok", "quantity": "1", "unit_price": 20000}]})
    assert answer.status_code == 422
    assert answer.json()["errors"][0]["loc"] == ["body", "lines", 1, "commodity"]
    wrong = _api(client, raw, {"card_number": card.card_number, "pin": "999999", "lines": [
        {"commodity": "beras", "quantity": "1", "unit_price": 14000}]}, key="api-2")
    assert wrong.status_code == 422 and wrong.json()["errors"][0]["loc"] == ["body", "pin"]
    assert ledger.balance(wallet) == 200_000


def test_the_wallet_api_is_scoped_and_audited(client, shop, make_user):
    merchant, cashier, household, card, wallet = shop
    _, raw = issue_api_token(make_user("pendamping", "32.01.01"), "app")
    answer = client.get(f"/api/ewarong/wallets/{household.pk}",
                        HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert answer.status_code == 200 and answer.json()["balance"] == 200_000
    assert answer.json()["entries"][0]["kind"] == "credit"
    assert Event.objects.filter(action="read", object_id=str(household.pk)).exists()
    _, elsewhere = issue_api_token(make_user("pendamping", VILLAGE_OTHER_DISTRICT[:8],
                                             username="elsewhere"), "x")
    assert client.get(f"/api/ewarong/wallets/{household.pk}",
                      HTTP_AUTHORIZATION=f"Bearer {elsewhere}").status_code == 404
    _, merchant_token = issue_api_token(cashier, "edc")
    assert client.get(f"/api/ewarong/wallets/{household.pk}",
                      HTTP_AUTHORIZATION=f"Bearer {merchant_token}").status_code == 404


def test_a_qr_code_from_the_api_pays_at_the_terminal(client, shop, make_user):
    merchant, cashier, household, card, wallet = shop
    _, bank = issue_api_token(make_user("pendamping", "32.01.01"), "app")
    qr = client.post(f"/api/ewarong/wallets/{household.pk}/qr",
                     HTTP_AUTHORIZATION=f"Bearer {bank}").json()["qr"]
    _, raw = issue_api_token(cashier, "edc")
    body = {"qr": qr, "lines": [{"commodity": "sayur", "quantity": "1", "unit_price": 12000}]}
    assert _api(client, raw, body).status_code == 201
    replayed = _api(client, raw, body, key="api-2")
    assert replayed.status_code == 422 and replayed.json()["errors"][0]["loc"] == ["body", "qr"]


def test_the_household_page_shows_the_balance(client, shop, make_user):
    merchant, cashier, household, card, wallet = shop
    officer = make_user("operator_kabupaten", "32.01")
    client.force_login(officer)
    page = client.get(f"/registry/households/{household.pk}/").content.decode()
    assert 'id="household-wallet"' in page and "200.000" in page
    letter = client.get(f"/ewarong/kasir/surat-qr/{household.pk}/")
    assert letter.status_code == 200 and "data:image/svg+xml" in letter.content.decode()
