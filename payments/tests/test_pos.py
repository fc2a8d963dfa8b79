"""PT Pos cash payout: the signed QR, the counter's checks (KTP, no proxies, home delivery),
at most one payout per payment (also under concurrent requests on PostgreSQL), the invitation
letters, and the counter page."""

import pytest
from django.urls import reverse

from audit.models import Event
from payments import pos, pos_letters
from payments.errors import PaymentError
from payments.models import CashPayout, Payment, PaymentEvent

from .builders import ctx
from .pos_builders import JPEG, ok_request, pos_cycle, pos_officer, qr_of


@pytest.fixture
def pos_setup(build, officers, make_user):
    households = build.households(2)
    cycle, batch = pos_cycle(build, officers, households)
    return {"cycle": cycle, "batch": batch, "officer": pos_officer(make_user),
            "payments": list(Payment.objects.filter(cycle=cycle).order_by("id"))}


def test_qr_carries_the_reference_and_its_signature(pos_setup):
    payment = pos_setup["payments"][0]
    text = qr_of(payment)
    reference = text.split(":")[2]
    assert pos.read_qr(text) == reference
    assert pos.read_qr(f"  {text.lower()}\n") == reference  # as a scanner may type it


@pytest.mark.parametrize("forge", [
    lambda t: t[:-1] + ("0" if t[-1] != "0" else "1"),  # signature changed
    lambda t: t.replace(t.split(":")[2], t.split(":")[2][:-1] + "9"),  # reference changed
    lambda t: ":".join(t.split(":")[:3]),  # no signature
    lambda t: "KESOS-POS:2:" + ":".join(t.split(":")[2:]),  # unknown version
])
def test_forged_qr_is_refused(pos_setup, forge):
    text = qr_of(pos_setup["payments"][0])
    with pytest.raises(PaymentError):
        pos.read_qr(forge(text))
    with pytest.raises(PaymentError):
        pos.record_at_counter(ctx(pos_setup["officer"]), forge(text), ok_request())
    assert not CashPayout.objects.exists()


def test_qr_signed_with_another_secret_is_refused(pos_setup, settings):
    text = qr_of(pos_setup["payments"][0])
    settings.SECRET_KEY = "another-server-" + "x" * 40
    with pytest.raises(PaymentError, match="signature"):
        pos.read_qr(text)


def test_counter_records_the_payout_once(pos_setup, var_dir):
    officer, payment = pos_setup["officer"], pos_setup["payments"][0]
    payout = pos.record_at_counter(ctx(officer), qr_of(payment), ok_request())
    payment.refresh_from_db()
    assert payment.status == "transacted" and payout.amount == 300_000
    assert (var_dir / payout.receipt).read_bytes() == JPEG
    event = PaymentEvent.objects.get(payment=payment, to_status="transacted")
    assert event.source == "counter" and event.from_status == "sent"
    assert Event.objects.filter(action="payments.payment.status",
                                object_id=str(payment.pk)).exists()
    with pytest.raises(PaymentError):
        pos.record_at_counter(ctx(officer), qr_of(payment), ok_request())
    assert CashPayout.objects.count() == 1
    assert not pos.counter_line(officer, qr_of(payment)).payable


def test_proxy_is_refused(pos_setup):
    payment = pos_setup["payments"][0]
    with pytest.raises(PaymentError, match="kuasa|proxies"):
        pos.record_at_counter(ctx(pos_setup["officer"]), qr_of(payment),
                              ok_request(recipient_is_kpm=False))
    payment.refresh_from_db()
    assert payment.status == "sent" and not CashPayout.objects.exists()


def test_ktp_check_and_receipt_photo_are_required(pos_setup):
    officer, qr = pos_setup["officer"], qr_of(pos_setup["payments"][0])
    for bad in (ok_request(ktp_matches=False), ok_request(receipt=b""),
                ok_request(receipt=b"GIF89a not a photo")):
        with pytest.raises(PaymentError):
            pos.record_at_counter(ctx(officer), qr, bad)
    assert not CashPayout.objects.exists()


def test_counter_shows_masked_nik_and_name(pos_setup):
    payment = pos_setup["payments"][0]
    line = pos.counter_line(pos_setup["officer"], qr_of(payment))
    assert line.name == payment.recipient_name
    assert line.nik_masked == payment.nik[:4] + "********" + payment.nik[-4:]


def test_officer_of_another_region_or_channel_cannot_pay(pos_setup, make_user):
    payment = pos_setup["payments"][0]
    elsewhere = pos_officer(make_user, region="34.03", username="loket-gk")
    with pytest.raises(PaymentError, match="not found|tidak ditemukan"):
        pos.record_at_counter(ctx(elsewhere), qr_of(payment), ok_request())
    unbound = make_user("petugas_pos", region="32.01", username="loket-tanpa-kanal")
    with pytest.raises(PaymentError):
        pos.counter_line(unbound, qr_of(payment))
    assert not CashPayout.objects.exists()


def test_home_delivery_only_for_elderly_disabled_or_sick(pos_setup):
    from registry.models import Member

    officer = pos_setup["officer"]
    healthy, sick = pos_setup["payments"]
    with pytest.raises(PaymentError, match="lansia|elderly"):
        pos.record_at_counter(ctx(officer), qr_of(healthy), ok_request(home_delivery=True))
    Member.objects.filter(household_id=sick.household_id, relation_to_household_head=1).update(
        chronic_illness=4)
    assert pos.home_delivery_reasons(sick) == ["sakit"]
    assert pos.flag_home_delivery(pos_setup["cycle"]) == 1
    payout = pos.record_at_counter(ctx(officer), qr_of(sick), ok_request(home_delivery=True))
    assert payout.home_delivery


def test_invitation_letters_of_a_village_as_a_job(pos_setup, run_jobs, make_user):
    from jobs.files import output_dir
    from jobs.models import Job
    from payments.models import PayoutSchedule

    cycle = pos_setup["cycle"]
    PayoutSchedule.objects.create(cycle=cycle, region_prefix="32.01.01", place="Kantor Pos "
                                  "Cibinong", starts_on="2021-03-10", ends_on="2021-03-12")
    html = pos_letters.letters_html(pos.open_attempts(cycle, "32.01.01.1001"))
    assert "Kantor Pos Cibinong" in html and "data:image/svg+xml" in html
    assert pos_setup["payments"][0].nik not in html  # masked
    officer = make_user("operator_kabupaten", region="32.01", username="dinsos-bogor")
    job = pos_letters.start_invitations(ctx(officer), cycle, "32.01.01.1001")
    run_jobs()
    job = Job.objects.get(pk=job.pk)
    assert job.state == "done", job.error
    pdf = output_dir(job) / job.output["files"][0]
    assert pdf.read_bytes().startswith(b"%PDF")


def test_counter_page_scans_and_records(pos_setup, client):
    officer, payment = pos_setup["officer"], pos_setup["payments"][0]
    client.force_login(officer)
    page = client.post(reverse("payments:pos_counter"), {"qr": qr_of(payment)})
    assert page.status_code == 200
    text = page.content.decode()
    assert payment.recipient_name in text and payment.nik not in text
    assert payment.nik[:4] + "********" in text
    assert "Catat pembayaran" in text  # Indonesian by default
    forged = client.post(reverse("payments:pos_counter"), {"qr": qr_of(payment)[:-2] + "00"})
    assert "counter-line" not in forged.content.decode()
    from django.core.files.uploadedfile import SimpleUploadedFile

    proxy = client.post(reverse("payments:pos_counter_pay"), {
        "qr": qr_of(payment), "ktp_matches": "on",
        "receipt": SimpleUploadedFile("r.jpg", JPEG, "image/jpeg")})
    assert proxy.status_code == 400 and not CashPayout.objects.exists()
    paid = client.post(reverse("payments:pos_counter_pay"), {
        "qr": qr_of(payment), "ktp_matches": "on", "recipient_is_kpm": "on",
        "receipt": SimpleUploadedFile("r.jpg", JPEG, "image/jpeg")})
    assert paid.status_code == 302 and CashPayout.objects.filter(payment=payment).exists()


def test_counter_page_is_for_pos_officers_only(pos_setup, client, make_user):
    client.force_login(make_user("operator_kabupaten", region="32.01", username="dinsos"))
    assert client.get(reverse("payments:pos_counter")).status_code == 403


def test_invitation_pages_and_offline_page(pos_setup, client, make_user):
    cycle, payment, officer = pos_setup["cycle"], pos_setup["payments"][0], pos_setup["officer"]
    dinsos = make_user("operator_kabupaten", region="32.01", username="dinsos-bogor")
    client.force_login(dinsos)
    page = client.get(reverse("payments:pos_invitations", args=[cycle.pk]))
    assert page.status_code == 200 and payment.recipient_name in page.content.decode()
    pdf = client.get(reverse("payments:pos_invitation_pdf", args=[payment.pk]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert Event.objects.filter(action="payments.pos.invitation").exists()
    client.force_login(make_user("operator_kabupaten", region="34.03", username="dinsos-gk"))
    assert client.get(reverse("payments:pos_invitation_pdf", args=[payment.pk])
                      ).status_code == 404
    client.force_login(officer)
    package = client.post(reverse("payments:pos_offline"), {"cycle": cycle.pk,
                                                            "region": "32.01.01"})
    assert package.status_code == 200 and package["Content-Type"] == "application/zip"


def test_schedule_is_set_on_the_invitations_page_and_printed(pos_setup, client, make_user):
    cycle = pos_setup["cycle"]
    client.force_login(make_user("operator_kabupaten", region="32.01", username="dinsos-bogor"))
    saved = client.post(reverse("payments:pos_invitations", args=[cycle.pk]), {
        "region_prefix": "32.01.01", "place": "Balai Desa Cibinong", "address": "Jl. Raya 1",
        "starts_on": "2021-03-15", "ends_on": "2021-03-16"})
    assert saved.status_code == 302
    schedule = pos.schedule_for(cycle, "32.01.01.1001")
    assert schedule.place == "Balai Desa Cibinong"
    assert "Balai Desa Cibinong" in pos_letters.letters_html(pos.open_attempts(cycle))
    wrong = client.post(reverse("payments:pos_invitations", args=[cycle.pk]), {
        "region_prefix": "34.03", "place": "X", "starts_on": "2021-03-15",
        "ends_on": "2021-03-16"})
    assert wrong.status_code == 403
