"""No NIK, KK number, address, health or disability data in any public response."""

import pytest

from conftest import VILLAGE_A

from .conftest import CAPTCHA_OK, lookup

pytestmark = pytest.mark.django_db


def test_no_nik_in_any_public_response(client, citizen, captcha_test_mode):
    from registry.models import Member

    secrets = [citizen.nik, citizen.kk, *Member.objects.values_list("nik", flat=True),
               "Jl. Melati", "Wahyuni", "Lestari"]
    responses = [
        client.get("/cekbansos/"),
        lookup(client, name="Wahyuni Lestari"),
        lookup(client, village="", nik=citizen.nik),
        lookup(client, name="Istri Wahyuni Lestari"),
        client.get("/cekbansos/mengapa/"),
        client.post("/cekbansos/mengapa/", {"nik": citizen.nik, "kk_number": citizen.kk}
                    | CAPTCHA_OK),
        client.post("/cekbansos/mengapa/", {"nik": citizen.nik, "kk_number": "1" * 16}
                    | CAPTCHA_OK),
        client.get(f"/cekbansos/wilayah/?level=4&district={VILLAGE_A[:8]}"),
        client.get("/cekbansos/usul/"), client.get("/cekbansos/sanggah/"),
        client.get("/cekbansos/pengaduan/"), client.get("/cekbansos/lacak/"),
    ]
    for response in responses:
        body = response.content.decode()
        for secret in secrets:
            assert secret not in body, (response.request["PATH_INFO"], secret)
    # The lookup shows no health or disability data (the why-not answer may name a program's
    # condition, "disabilitas berat", as the rule says it, never the member's own values).
    for response in responses[1:4]:
        body = response.content.decode().lower()
        assert "disabilitas" not in body and "penyakit" not in body and "hamil" not in body


def test_the_lookup_logs_no_personal_data(client, citizen, captcha_test_mode, caplog):
    import logging

    with caplog.at_level(logging.DEBUG):
        lookup(client, name="Wahyuni Lestari")
        lookup(client, village="", nik=citizen.nik)
    assert citizen.nik not in caplog.text and "Wahyuni" not in caplog.text.replace(
        "W*****I", "")
