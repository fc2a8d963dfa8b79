"""Usul, sanggah and complaints from the public: the tracking number, the timeline, the
satisfaction answer once resolved; honeypot, captcha and file checks."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from conftest import VILLAGE_A

from .conftest import CAPTCHA_OK

pytestmark = pytest.mark.django_db

BASE = {"submitter_name": "Rina Marlina", "submitter_phone": "0812 3456 7890",
        "description": "Kartu KKS saya tidak bisa dipakai di e-warong.", "village": VILLAGE_A}


def png() -> SimpleUploadedFile:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(buffer, "PNG")
    return SimpleUploadedFile("kartu.png", buffer.getvalue(), content_type="image/png")


def post(client, slug, **fields):
    return client.post(f"/cekbansos/{slug}/", BASE | CAPTCHA_OK | fields)


def tracking_number(response) -> str:
    assert response.status_code == 302, response.content.decode()[:2000]
    return response["Location"].split("nomor=")[1]


def test_a_complaint_answers_with_a_tracking_number_and_the_timeline(client, captcha_test_mode):
    number = tracking_number(post(client, "pengaduan", category="card_problem", photo=png()))
    page = client.get(f"/cekbansos/lacak/?nomor={number}").content.decode()
    assert number in page and 'id="timeline"' in page
    assert "Rina" not in page and "0812" not in page  # the submitter is never shown
    from grievance.models import Submission

    assert Submission.objects.get(tracking_number=number).attachments.count() == 1


def test_usul_and_sanggah_are_received(client, captcha_test_mode):
    usul = tracking_number(post(client, "usul", subject_name="Slamet Riyadi", is_self="on"))
    sanggah = tracking_number(post(client, "sanggah", subject_name="Joko Susilo",
                                   subject_nik="3201011001760040"))
    from grievance.models import Submission

    assert Submission.objects.get(tracking_number=usul).kind == "usul"
    page = client.get(f"/cekbansos/lacak/?nomor={sanggah}").content.decode()
    assert "J**O S****O" in page and "3201011001760040" not in page


def test_the_satisfaction_answer_once_resolved(client, captcha_test_mode):
    from grievance.models import Submission

    number = tracking_number(post(client, "pengaduan", category="balance_short"))
    page = client.get(f"/cekbansos/lacak/?nomor={number}").content.decode()
    assert 'id="satisfaction"' not in page  # not before it is resolved
    Submission.objects.filter(tracking_number=number).update(status="resolved")
    assert 'id="satisfaction"' in client.get(f"/cekbansos/lacak/?nomor={number}"
                                             ).content.decode()
    client.post(f"/cekbansos/lacak/{number}/kepuasan/", {"score": "4"})
    assert Submission.objects.get(tracking_number=number).satisfaction == 4
    page = client.get(f"/cekbansos/lacak/?nomor={number}").content.decode()
    assert 'id="satisfaction"' not in page


def test_an_unknown_tracking_number_is_said_so(client, db):
    response = client.get("/cekbansos/lacak/?nomor=ADU-XXXX-XXXX")
    assert response.status_code == 404
    assert "Tidak ada laporan" in response.content.decode()


def test_the_honeypot_refuses_a_bot(client, captcha_test_mode):
    from grievance.models import Submission

    response = post(client, "pengaduan", category="other", website="http://spam.example")
    assert response.status_code == 400 and not Submission.objects.exists()


def test_a_submission_needs_the_captcha(client, db):
    from grievance.models import Submission

    response = client.post("/cekbansos/pengaduan/", BASE | {"category": "other"})
    assert response.status_code == 400 and not Submission.objects.exists()


def test_a_file_that_is_not_a_photo_is_refused(client, captcha_test_mode):
    from grievance.models import Submission

    fake = SimpleUploadedFile("x.png", b"MZ\x90\x00 not an image", content_type="image/png")
    response = post(client, "pengaduan", category="other", photo=fake)
    assert response.status_code == 400 and not Submission.objects.exists()


def test_csrf_is_enforced(captcha_test_mode, db):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    assert strict.post("/cekbansos/pengaduan/", BASE | {"category": "other"}).status_code == 403
    assert strict.post("/cekbansos/", {"village": VILLAGE_A, "name": "X"}).status_code == 403
