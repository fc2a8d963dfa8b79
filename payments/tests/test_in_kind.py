"""In-kind aid (rice, issue 12 item 2): a delivery with its proof (kept under KESOS_VAR_DIR),
the day and who delivered, turns the payment to "delivered" exactly once (a conditional update),
audited; the page records it and serves the proof (audited)."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from audit.models import Event
from payments import cycles, in_kind
from payments.errors import PaymentError
from payments.models import InKindDelivery, Payment, PaymentEvent

from .builders import ctx

JPEG = b"\xff\xd8\xff\xe0" + b"foto tanda terima" * 10


@pytest.fixture
def rice_cycle(build, officers):
    households = build.households(2)
    run = build.frozen_run("beras", "2021", households)
    cycle = cycles.prepare(ctx(officers["program"]), run)
    assert cycle.in_kind and not Payment.objects.filter(cycle=cycle).exclude(
        channel=None).exists()
    return cycles.approve(ctx(officers["keuangan"]), cycle)


def deliver(user, payment, **extra):
    args = {"delivered_on": date(2021, 7, 20), "delivered_by": "Siti (TKSK)",
            "proof": in_kind.Proof("terima.jpg", JPEG)} | extra
    return in_kind.record_delivery(ctx(user), payment, **args)


def test_a_delivery_with_proof_turns_the_payment_delivered_once(rice_cycle, officers, var_dir):
    payment = Payment.objects.filter(cycle=rice_cycle).order_by("id").first()
    delivery = deliver(officers["keuangan"], payment, received_by="Kepala 12")
    payment.refresh_from_db()
    assert payment.status == "delivered" and payment.proof == delivery.proof_file
    stored = var_dir / delivery.proof_file
    assert stored.read_bytes() == JPEG and str(stored).startswith(str(var_dir / "payments"))
    assert (delivery.delivered_on, delivery.delivered_by, delivery.received_by) == (
        date(2021, 7, 20), "Siti (TKSK)", "Kepala 12")
    event = PaymentEvent.objects.get(payment=payment)
    assert (event.from_status, event.to_status, event.source) == ("pending", "delivered",
                                                                  "form")
    audit = Event.objects.get(action="payments.in_kind.deliver")
    assert audit.changes["proof_sha256"] == delivery.proof_sha256

    # Recorded again (a second officer, the same package): refused, nothing kept.
    with pytest.raises(PaymentError, match="already recorded"):
        deliver(officers["keuangan2"], Payment.objects.get(pk=payment.pk),
                proof=in_kind.Proof("lain.pdf", b"%PDF-1.4 lain"))
    assert InKindDelivery.objects.count() == 1
    assert len(list(stored.parent.iterdir())) == 1  # no second file, no partial left


def test_the_conditional_update_refuses_a_stale_copy(rice_cycle, officers):
    """Two officers opened the same pending payment: the database decides, once."""
    first = Payment.objects.filter(cycle=rice_cycle).order_by("id").first()
    stale = Payment.objects.get(pk=first.pk)
    deliver(officers["keuangan"], first)
    assert stale.status == "pending"  # what the second officer still sees
    with pytest.raises(PaymentError):
        deliver(officers["keuangan2"], stale)
    assert Payment.objects.filter(cycle=rice_cycle, status="delivered").count() == 1
    assert PaymentEvent.objects.filter(to_status="delivered").count() == 1
    assert Event.objects.filter(action="payments.in_kind.deliver").count() == 1


def test_refusals_cash_cycle_unapproved_future_date_bad_proof_and_region(
        build, officers, make_user, rice_cycle):
    payment = Payment.objects.filter(cycle=rice_cycle).order_by("id").first()
    finance = officers["keuangan"]
    with pytest.raises(PaymentError, match="future"):
        deliver(finance, payment, delivered_on=date.today() + timedelta(days=2))
    with pytest.raises(PaymentError, match="JPG"):
        deliver(finance, payment, proof=in_kind.Proof("terima.exe", b"MZ"))
    with pytest.raises(PaymentError, match="JPG"):
        deliver(finance, payment, proof=in_kind.Proof("kosong.jpg", b""))
    with pytest.raises(PaymentError, match="who delivered"):
        deliver(finance, payment, delivered_by="  ")
    other = make_user("keuangan", "34.03", username="keuangan-gk")
    with pytest.raises(PermissionDenied):
        deliver(other, payment)
    cash = cycles.prepare(ctx(officers["program"]), build.frozen_run(
        "sembako", "2026-11", build.households(1)))
    with pytest.raises(PaymentError, match="not in-kind"):
        deliver(finance, Payment.objects.get(cycle=cash))
    unapproved = cycles.prepare(ctx(officers["program"]), build.frozen_run(
        "beras", "2022", build.households(1)))
    with pytest.raises(PaymentError, match="not approved"):
        deliver(finance, Payment.objects.get(cycle=unapproved))
    assert not InKindDelivery.objects.exists()
    assert Payment.objects.filter(status="delivered").count() == 0


def test_the_delivery_page_records_and_serves_the_proof(client, rice_cycle, officers):
    payment = Payment.objects.filter(cycle=rice_cycle).order_by("id").first()
    client.force_login(officers["keuangan"])
    detail = client.get(reverse("payments:cycle_detail", args=[rice_cycle.pk])).content.decode()
    assert 'id="deliveries-link"' in detail
    url = reverse("payments:deliveries", args=[rice_cycle.pk])
    page = client.get(url).content.decode()
    assert page.count("delivery-form") == 2
    post = reverse("payments:delivery_record", args=[rice_cycle.pk, payment.pk])
    missing = client.post(post, {"delivered_on": "2021-07-20", "delivered_by": "Siti"},
                          follow=True)
    assert Payment.objects.get(pk=payment.pk).status == "pending" and missing.context[
        "messages"]
    client.post(post, {"delivered_on": "2021-07-20", "delivered_by": "Siti",
                       "proof": SimpleUploadedFile("tanda-terima.pdf", b"%PDF-1.4 ttd")})
    assert Payment.objects.get(pk=payment.pk).status == "delivered"
    page = client.get(url).content.decode()
    assert page.count("delivery-form") == 1 and "Siti" in page
    again = client.post(post, {"delivered_on": "2021-07-20", "delivered_by": "Budi",
                               "proof": SimpleUploadedFile("x.pdf", b"%PDF-1.4 x")}, follow=True)
    assert "sudah dicatat" in " ".join(str(m) for m in again.context["messages"])
    delivery = InKindDelivery.objects.get()
    proof = client.get(reverse("payments:delivery_proof", args=[delivery.pk]))
    assert b"".join(proof.streaming_content) == b"%PDF-1.4 ttd"
    assert Event.objects.filter(action="payments.in_kind.proof_download").count() == 1
