"""Cek bansos: exact names only, masked everywhere, never the NIK, captcha and rate limits."""

import pytest

from conftest import VILLAGE_A
from portal.masking import mask_name
from portal.refresh import refresh_lookup

from .conftest import CAPTCHA_OK, lookup

pytestmark = pytest.mark.django_db


def test_masking_keeps_first_and_last_letter_of_each_word():
    assert mask_name("Wahyuni Lestari") == "W*****I L*****I"
    assert mask_name("  siti   nur'aini ") == "S**I N*****I"
    assert mask_name("Al B") == "A* B*"
    assert mask_name("") == ""


def test_lookup_by_name_shows_region_masked_name_age_desil_program_status_and_period(
        client, citizen, captcha_test_mode):
    page = lookup(client, name="Wahyuni Lestari").content.decode()
    assert "W*****I L*****I" in page
    assert "Sudah Salur" in page and "2026-11" in page and "Sembako" in page
    assert "DESIL 3" in page
    assert "tahun" in page  # the age, in Indonesian
    assert "Wahyuni" not in page and citizen.nik not in page and citizen.kk not in page
    assert "Jl. Melati" not in page  # no address detail


def test_lookup_by_nik_answers_without_showing_it(client, citizen, captcha_test_mode):
    page = lookup(client, village="", nik=citizen.nik).content.decode()
    assert "W*****I L*****I" in page
    assert citizen.nik not in page


def test_name_must_match_exactly_after_normalisation(client, citizen, captcha_test_mode):
    """Case, spaces and punctuation are folded; a part of the name or a wildcard finds
    nobody, so the page cannot list a village."""
    assert "W*****I L*****I" in lookup(client, name="  wahyuni   LESTARI. ").content.decode()
    for partial in ("Wahyuni", "Wahyuni Lestar", "Wahyuni%", "Wahyuni Lestari*x", "Lestari"):
        page = lookup(client, name=partial).content.decode()
        assert "W*****I L*****I" not in page, partial
        assert "Tidak Terdapat Peserta/PM" in page, partial


def test_a_name_shorter_than_four_letters_is_refused(client, citizen, captcha_test_mode):
    response = lookup(client, name="%_*a")
    assert response.status_code == 400
    assert "W*****I" not in response.content.decode()


def test_another_village_does_not_find_the_person(client, citizen, captcha_test_mode):
    other = "32.01.01.1002"
    from wilayah.models import Region

    if not Region.objects.filter(code=other).exists():
        pytest.skip("test regions have one village")
    assert "Tidak Terdapat" in lookup(client, village=other, name="Wahyuni Lestari"
                                      ).content.decode()


def test_no_desil_is_said_in_words(client, citizen, captcha_test_mode):
    from ranking.models import HouseholdScore

    HouseholdScore.objects.all().delete()
    refresh_lookup()
    assert "BELUM ADA DESIL" in lookup(client, name="Wahyuni Lestari").content.decode()


def test_the_captcha_is_required(client, citizen):
    wrong = {"captcha_0": "test", "captcha_1": "PASSED"}  # test mode is off: not accepted
    for captcha in (wrong, {}):
        data = {"village": VILLAGE_A, "name": "Wahyuni Lestari"} | captcha
        response = client.post("/cekbansos/", data)
        assert response.status_code == 400
        assert "W*****I" not in response.content.decode()


def test_a_flood_from_one_address_is_refused_and_others_still_answered(
        client, citizen, captcha_test_mode, settings):
    settings.PORTAL_RATE_LIMITS = {"address": (3, 60), "session": (100, 60)}
    for _ in range(3):
        assert lookup(client, name="Wahyuni Lestari", addr="10.9.9.9").status_code == 200
    refused = lookup(client, name="Wahyuni Lestari", addr="10.9.9.9")
    assert refused.status_code == 429
    assert "Terlalu banyak permintaan" in refused.content.decode()
    assert lookup(client, name="Wahyuni Lestari", addr="10.1.1.1").status_code == 200


def test_one_session_is_limited_across_addresses(client, citizen, captcha_test_mode, settings):
    settings.PORTAL_RATE_LIMITS = {"address": (100, 60), "session": (2, 60)}
    client.get("/cekbansos/")  # the form page gives the browser a session
    assert lookup(client, name="Wahyuni Lestari", addr="10.0.0.2").status_code == 200
    assert lookup(client, name="Wahyuni Lestari", addr="10.0.0.3").status_code == 200
    assert lookup(client, name="Wahyuni Lestari", addr="10.0.0.4").status_code == 429


def test_region_cascade_lists_the_children_of_the_chosen_region(client, db):
    provinces = client.get("/cekbansos/wilayah/?level=1").content.decode()
    assert 'value="32"' in provinces
    regencies = client.get("/cekbansos/wilayah/?level=2&province=32").content.decode()
    assert 'value="32.01"' in regencies
    assert "<option" in client.get("/cekbansos/wilayah/?level=4&district=32.01.01"
                                   ).content.decode()
    assert 'value="32.01"' not in client.get("/cekbansos/wilayah/?level=2").content.decode()


def test_results_come_from_the_lookup_table_not_the_live_registry(
        client, citizen, captcha_test_mode):
    """A change shows after the batch refresh, not before."""
    from ranking.models import HouseholdScore

    HouseholdScore.objects.update(desil_national=7)
    assert "DESIL 3" in lookup(client, name="Wahyuni Lestari").content.decode()
    refresh_lookup()
    assert "DESIL 7" in lookup(client, name="Wahyuni Lestari").content.decode()


def test_the_refresh_job_rebuilds_the_table(citizen, run_jobs, make_user):
    from audit.services import Context
    from jobs import services as jobs
    from portal.models import LookupPerson, LookupProgram

    LookupPerson.objects.all().delete()
    jobs.start(Context(make_user("program_manager", username="job-pm")), "portal_refresh")
    assert run_jobs() == 1
    assert LookupPerson.objects.count() == 2  # head and spouse
    assert LookupProgram.objects.get().status == "paid"


def test_form_page_has_csrf_and_captcha(client, db):
    page = client.get("/cekbansos/").content.decode()
    assert "csrfmiddlewaretoken" in page and 'name="captcha_1"' in page
    assert CAPTCHA_OK  # the tests post the library's test-mode answer
