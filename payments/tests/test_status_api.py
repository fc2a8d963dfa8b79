"""Statuses everywhere: pushed by a channel through the API (token scoped to its channel, every
call audited, refusals naming the field), shown on the household page and in the NIK API."""

import pytest
from django.urls import reverse

from accounts.services import issue_api_token
from audit.models import Event
from payments import pos
from payments.models import Payment, PaymentAttempt, PaymentChannel, PaymentEvent

from .builders import ctx, references
from .pos_builders import bank_cycle


def channel_token(make_user, code: str) -> str:
    user = make_user("penyalur", username=f"sistem-{code}")
    pos.grant_channel(user, PaymentChannel.objects.get(code=code))
    return issue_api_token(user, f"{code} status push")[1]


@pytest.fixture
def bri(build, officers, make_user):
    households = build.households(2)
    cycle, batch = bank_cycle(build, officers, households)
    return {"cycle": cycle, "batch": batch, "households": households,
            "token": channel_token(make_user, "bri"), "refs": references(batch)}


def push(client, token, **body):
    return client.post("/api/payments/status", body, content_type="application/json",
                       HTTP_AUTHORIZATION=f"Bearer {token}")


def test_channel_pushes_a_credit_and_it_is_recorded_with_its_source(client, bri):
    ref = bri["refs"][0]
    answer = push(client, bri["token"], reference=ref, status="credited", amount=200_000)
    assert answer.status_code == 200, answer.json()
    assert answer.json()["changed"] and answer.json()["status"] == "credited"
    attempt = PaymentAttempt.objects.get(reference=ref)
    assert attempt.status == "credited" and attempt.payment.status == "credited"
    event = PaymentEvent.objects.get(payment=attempt.payment, to_status="credited")
    assert event.source == "api" and "api-token:" in event.source_ref
    assert Event.objects.filter(action="payments.payment.status", source="api",
                                object_id=str(attempt.payment_id)).exists()
    assert Event.objects.filter(action="payments.status_api.call").count() == 1
    again = push(client, bri["token"], reference=ref, status="credited", amount=200_000)
    assert again.status_code == 200 and not again.json()["changed"]


def test_token_of_another_channel_cannot_touch_the_payment(client, bri, make_user):
    bni = channel_token(make_user, "bni")
    ref = bri["refs"][0]
    answer = push(client, bni, reference=ref, status="failed", amount=200_000,
                  reason_code="R01")
    assert answer.status_code == 422
    assert answer.json()["errors"][0]["loc"] == ["body", "reference"]
    assert PaymentAttempt.objects.get(reference=ref).status == "sent"
    assert Event.objects.filter(action="payments.status_api.refused").count() == 1


def test_unknown_reference_amount_and_transition_are_refused_naming_the_field(client, bri):
    token, ref = bri["token"], bri["refs"][0]
    unknown = push(client, token, reference="KS00000000000000000000", status="credited",
                   amount=1)
    assert unknown.status_code == 422 and unknown.json()["errors"][0]["loc"][1] == "reference"
    amount = push(client, token, reference=ref, status="credited", amount=1)
    assert amount.status_code == 422 and amount.json()["errors"][0]["loc"][1] == "amount"
    assert push(client, token, reference=ref, status="credited", amount=200_000
                ).status_code == 200
    back = push(client, token, reference=ref, status="failed", amount=200_000,
                reason_code="R01")
    assert back.status_code == 409 and back.json()["errors"][0]["loc"][1] == "status"
    assert PaymentAttempt.objects.get(reference=ref).status == "credited"
    assert Event.objects.filter(action="payments.status_api.refused").count() == 3


def test_other_roles_may_not_push(client, bri, make_user):
    user = make_user("pusat", username="pusat-api")
    raw = issue_api_token(user, "pusat")[1]
    answer = push(client, raw, reference=bri["refs"][0], status="credited", amount=200_000)
    assert answer.status_code == 403


def test_household_page_and_nik_api_show_the_statuses(client, bri, make_user):
    token, refs = bri["token"], bri["refs"]
    push(client, token, reference=refs[0], status="credited", amount=200_000)
    push(client, token, reference=refs[1], status="failed", amount=200_000, reason_code="R14")
    failed = Payment.objects.get(attempt_set__reference=refs[1])
    officer = make_user("operator_kabupaten", region="32.01", username="dinsos-bogor")
    client.force_login(officer)
    page = client.get(reverse("household_detail", args=[failed.household_id]))
    text = page.content.decode()
    assert "household-payments" in text and "Gagal salur" in text and "R14" in text
    raw = issue_api_token(officer, "dinsos")[1]
    answer = client.get(f"/api/payments/nik/{failed.nik}", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert body["nik"] != failed.nik and "****" in body["nik"]
    assert body["payments"][0]["status"] == "failed"
    assert body["payments"][0]["failure_code"] == "R14"
    assert body["payments"][0]["text"]["id"] == "Gagal salur"
    paid = Payment.objects.get(attempt_set__reference=refs[0])
    answer = client.get(f"/api/payments/nik/{paid.nik}", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert answer.json()["payments"][0]["text"]["id"].startswith("Sudah salur")
    assert answer.json()["payments"][0]["paid_at"]
    elsewhere = issue_api_token(make_user("operator_kabupaten", region="34.03",
                                          username="dinsos-gk"), "gk")[1]
    assert client.get(f"/api/payments/nik/{paid.nik}",
                      HTTP_AUTHORIZATION=f"Bearer {elsewhere}").status_code == 404
    bank = client.get(f"/api/payments/nik/{paid.nik}", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert bank.status_code in (403, 404)  # a bank system reads no registry


def test_household_block_hidden_outside_scope(bri, make_user):
    from payments.status import household_block

    household = bri["households"][0]
    assert household_block(make_user("operator_kabupaten", region="34.03",
                                     username="gk"), household) is None
    assert household_block(make_user("auditor", username="aud"), household) is not None
    assert ctx  # the builders' context is shared with the other payment tests
