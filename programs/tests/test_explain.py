"""The household page's program block: each program's decision now, explained clause by clause
with the values read, loaded lazily from a programs URL that checks the household's scope."""

from datetime import date

import pytest
from django.conf import settings
from django.urls import reverse

from accounts.models import Role
from audit.services import Context
from civil.models import MemberMatch
from programs.models import ListKind, Program
from programs.services import freeze, install_shipped
from ranking.models import HouseholdScore

from .kpm_data import on_list, sembako_run, small_registry


@pytest.fixture
def registry(db, make_user):
    admin = make_user(Role.ADMINISTRATOR)
    built = small_registry(admin)
    install_shipped()
    return built


def block(client, household):
    return client.get(reverse("programs:household_programs", args=(household.pk,)))


def sembako(page) -> dict:
    return next(p for p in page.context["programs"] if p["program"].code == "sembako")


def test_household_page_loads_the_program_block_lazily(client, make_user, registry):
    client.force_login(make_user(Role.OPERATOR_KABUPATEN, "32.01"))
    household = registry.eligible.household
    page = client.get(reverse("household_detail", args=(household.pk,)))
    url = reverse("programs:household_programs", args=(household.pk,))
    assert f'hx-get="{url}"' in page.content.decode()
    assert "programs" not in page.context  # nothing decided while the page renders


def clause(unit: dict, clause_id: str) -> dict:
    return next(c for c in unit["clauses"] if c["id"] == clause_id)


def test_an_excluded_household_shows_the_reason_and_the_value_read(client, make_user, registry):
    client.force_login(make_user(Role.OPERATOR_KABUPATEN, "32.01"))
    page = block(client, registry.asn.household)
    html = page.content.decode()
    unit = sembako(page)["units"][0]
    assert (unit["decision"], unit["reason"]) == ("not_eligible",
                                                  "Dikecualikan: Ada anggota berstatus ASN")
    asn = clause(unit, "asn")
    assert asn["sentence"] == ("✗ Dikecualikan: Ada anggota berstatus ASN "
                               "(Daftar Aparatur Sipil Negara (ASN): ya)")
    assert clause(unit, "desil")["sentence"].startswith("✓ Terpenuhi: Termasuk desil 1-5")
    assert "Desil kesejahteraan nasional (1 = termiskin): 2" in html
    assert "on_list(" not in html and "desil = " not in html


def test_a_failed_requirement_reads_as_not_met_and_a_passing_exclusion_as_not_applying(
        client, make_user, registry):
    HouseholdScore.objects.filter(household=registry.eligible.household).update(
        desil_national=6, desil_province=6)
    client.force_login(make_user(Role.OPERATOR_KABUPATEN, "32.01"))
    unit = sembako(block(client, registry.eligible.household))["units"][0]
    assert unit["reason"] == "Tidak terpenuhi: Termasuk desil 1-5 (peringkat kesejahteraan)"
    assert clause(unit, "desil")["sentence"] == (
        "✗ Tidak terpenuhi: Termasuk desil 1-5 (peringkat kesejahteraan) "
        "(Desil kesejahteraan nasional (1 = termiskin): 6)")
    assert clause(unit, "asn")["sentence"].startswith("✓ Tidak berlaku: Ada anggota berstatus")


def test_the_block_speaks_english_with_english_words(client, make_user, registry):
    HouseholdScore.objects.filter(household=registry.eligible.household).update(
        desil_national=6, desil_province=6)
    client.force_login(make_user(Role.OPERATOR_KABUPATEN, "32.01"))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    unit = sembako(block(client, registry.eligible.household))["units"][0]
    assert unit["reason"] == "Not met: In welfare desil 1-5"
    assert clause(unit, "asn")["sentence"] == (
        "✓ Does not apply: A member is a civil servant (ASN) "
        "(List of Civil servants (ASN): no)")


def test_a_household_without_desil_is_not_yet_assessed(client, make_user, registry):
    client.force_login(make_user(Role.OPERATOR_KABUPATEN, "32.01"))
    unit = sembako(block(client, registry.unscored.household))["units"][0]
    assert unit["decision"] == "not_assessed"
    desil = clause(unit, "desil")
    assert (desil["mark"], desil["label"]) == ("?", "Belum dapat dinilai")
    assert desil["read"] == "Desil kesejahteraan nasional (1 = termiskin): belum diketahui"
    assert unit["reason"].startswith("Belum dapat dinilai: Termasuk desil 1-5")
    assert unit["amount"] is None  # nothing paid while not assessed


def test_a_household_whose_head_died_is_refused_by_the_head_clause_and_says_why(
        client, make_user, registry):
    household = registry.eligible.household
    head = household.members.get(relation_to_household_head=1)
    MemberMatch.objects.filter(member=head).update(deceased=True, death_date=date(2023, 9, 2))
    client.force_login(make_user(Role.OPERATOR_KABUPATEN, "32.01"))
    page = block(client, household)
    unit = sembako(page)["units"][0]
    assert unit["decision"] == "not_eligible"
    assert unit["reason"].startswith("Tidak terpenuhi: Ada kepala rumah tangga yang hidup")
    assert page.context["not_considered"] == [
        "Budi Santoso: tercatat meninggal 2 Sep 2023 (Dukcapil) — perbarui kepala rumah tangga"]
    pbi = next(p for p in page.context["programs"] if p["program"].code == "pbi-jk")
    assert [u["name"] for u in pbi["units"]] == ["Istri Budi Santoso"]
    assert 'id="not-considered"' in page.content.decode()


def test_the_block_tells_the_live_decision_from_the_list_in_force(client, make_user, registry):
    admin = make_user(Role.PROGRAM_MANAGER, username="pm")
    run = freeze(sembako_run(admin), Context(actor=admin))
    on_list(ListKind.ASN, registry.eligible.niks[0])  # a new ASN list, after the freeze
    client.force_login(make_user(Role.OPERATOR_KABUPATEN, "32.01"))
    page = block(client, registry.eligible.household)
    program = sembako(page)
    unit = program["units"][0]
    assert program["list_in_force"] == run
    assert unit["enrollment"].status == "enrolled" and unit["decision"] == "not_eligible"
    assert unit["difference"] == (
        "Terdaftar di daftar KPM yang berlaku, tetapi menurut data saat ini tidak memenuhi "
        "syarat: Dikecualikan: Ada anggota berstatus ASN")
    html = page.content.decode()
    assert f"Daftar KPM yang berlaku: periode {run.period}, hasil #{run.pk}" in html
    assert "Keputusan menurut data saat ini" in html


def test_an_eligible_household_shows_segment_amount_and_its_kpm_status(
        client, make_user, registry):
    admin = make_user(Role.PROGRAM_MANAGER, username="pm")
    freeze(sembako_run(admin), Context(actor=admin))
    client.force_login(make_user(Role.OPERATOR_KABUPATEN, "32.01"))
    page = block(client, registry.eligible.household)
    program = sembako(page)
    unit = program["units"][0]
    assert (unit["decision"], unit["amount"]) == ("eligible", 200_000)
    assert unit["segment"].startswith("Tanpa lansia/disabilitas, kepala keluarga 40")
    assert program["enrollment"].status == "enrolled"
    assert 'data-kpm-status="enrolled"' in page.content.decode()


def test_a_person_program_lists_each_member(client, make_user, registry):
    client.force_login(make_user(Role.OPERATOR_KABUPATEN, "32.01"))
    page = block(client, registry.eligible.household)
    pbi = next(p for p in page.context["programs"] if p["program"].unit == "person")
    assert sorted(u["name"] for u in pbi["units"]) == ["Budi Santoso", "Istri Budi Santoso"]


def test_the_block_of_a_household_of_another_kabupaten_is_404(client, make_user, registry):
    client.force_login(make_user(Role.OPERATOR_KABUPATEN, "34.03"))
    assert block(client, registry.eligible.household).status_code == 404


def test_inactive_programs_are_not_shown(client, make_user, registry):
    Program.objects.filter(code="sembako").update(active=False)
    client.force_login(make_user(Role.OPERATOR_KABUPATEN, "32.01"))
    codes = [p["program"].code for p in block(client, registry.eligible.household)
             .context["programs"]]
    assert "sembako" not in codes and "bst" in codes


def test_a_program_whose_period_ended_is_marked_so(client, make_user, registry):
    """BST ran January-April 2021: its decision today only says what its rules would give."""
    client.force_login(make_user(Role.OPERATOR_KABUPATEN, "32.01"))
    page = block(client, registry.eligible.household)
    ended = {p["program"].code: p["ended"] for p in page.context["programs"]}
    assert ended["bst"] and not ended["sembako"]
    assert "periode berakhir 30 Apr 2021" in page.content.decode()
