"""GET /api/programs/nik/{nik}: which programs a NIK is in, and why, for other agencies: a
token is required, a NIK outside the token user's region is a plain 404, the answer lists each
program's decision with its reason clause, and every lookup is an audited read."""

from datetime import date

import pytest

from accounts.models import Role
from accounts.services import issue_api_token
from audit.models import Event, Source
from audit.services import Context
from civil.models import MemberMatch
from programs.services import freeze, install_shipped

from .kpm_data import sembako_run, small_registry


@pytest.fixture
def registry(db, make_user):
    built = small_registry(make_user(Role.ADMINISTRATOR))
    install_shipped()
    return built


@pytest.fixture
def bearer(make_user):
    def make(role: str = Role.OPERATOR_KABUPATEN, region: str | None = "32.01") -> dict:
        _, raw = issue_api_token(make_user(role, region), "test")
        return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}

    return make


def url(nik: str) -> str:
    return f"/api/programs/nik/{nik}"


def by_code(answer: dict) -> dict:
    return {p["code"]: p for p in answer["programs"]}


def test_a_token_is_required(client, registry):
    assert client.get(url(registry.asn.niks[1])).status_code == 401


def test_a_nik_of_another_region_is_404_and_not_audited(client, bearer, registry):
    answer = client.get(url(registry.asn.niks[1]), **bearer(region="34.03"))
    assert answer.status_code == 404
    assert not Event.objects.filter(action="read", source=Source.API).exists()


def test_an_unknown_nik_is_404(client, bearer, registry):
    assert client.get(url("3201999999999999"), **bearer()).status_code == 404


def test_a_malformed_nik_is_422_naming_the_field_in_the_clients_language(
        client, bearer, registry):
    headers = bearer()
    answer = client.get(url("abc"), **headers)
    assert answer.status_code == 422
    error = answer.json()["errors"][0]
    assert error["loc"] == ["path", "nik"] and error["msg"].startswith("NIK hanya boleh")
    english = client.get(url("12345"), HTTP_ACCEPT_LANGUAGE="en", **headers)
    assert english.status_code == 422
    assert english.json()["errors"][0]["msg"].startswith("NIK must have 16 digits")


def test_the_answer_lists_programs_with_the_reason_clause(client, bearer, registry):
    member_nik = registry.asn.niks[1]  # the spouse on the ASN list
    answer = client.get(url(member_nik), **bearer())
    assert answer.status_code == 200
    body = answer.json()
    assert body["person"]["nik"] == member_nik[:4] + "********" + member_nik[-4:]
    assert body["person"]["household_id"] == registry.asn.household.pk
    assert "name" not in body["person"]
    sembako = by_code(body)["sembako"]
    assert sembako["decision"] == "not_eligible"
    assert sembako["reason"]["id"] == "asn"
    assert sembako["reason"]["text"] == {"id": "Ada anggota berstatus ASN",
                                         "en": "A member is a civil servant (ASN)"}
    outcomes = {c["id"]: c["outcome"] for c in sembako["clauses"]}
    assert outcomes["asn"] == "against" and outcomes["desil"] == "for"
    asn = next(c for c in sembako["clauses"] if c["id"] == "asn")
    assert asn["label"] == {"id": "Dikecualikan", "en": "Excluded"}
    assert asn["values"] == {"on_list('asn')": True}
    bst = next(c for c in by_code(body)["bst"]["clauses"] if c["id"] == "bukan_pkh")
    assert list(bst["values"]) == ["in_program('pkh')"]
    assert bst["label"] == {"id": "Tidak berlaku", "en": "Does not apply"}
    assert body["not_considered"] == []
    assert sembako["enrollment"] is None
    pbi = by_code(body)["pbi-jk"]  # a person program answers for this member
    assert pbi["unit"] == "person"


def test_the_answer_names_the_kpm_list_in_force(client, bearer, make_user, registry):
    manager = make_user(Role.PROGRAM_MANAGER, username="pm")
    run = freeze(sembako_run(manager), Context(actor=manager))
    body = client.get(url(registry.eligible.niks[0]), **bearer()).json()
    sembako = by_code(body)["sembako"]
    assert sembako["decision"] == "eligible" and sembako["reason"] is None
    assert sembako["enrollment"] == {"status": "enrolled", "period": run.period,
                                     "run_id": run.pk, "rank": 1, "amount": 200_000,
                                     "components": "", "reason": ""}


def test_the_lookup_is_an_audited_read(client, bearer, registry):
    member = registry.asn.household.members.get(nik=registry.asn.niks[1])
    client.get(url(member.nik), **bearer())
    event = Event.objects.get(action="read", source=Source.API, object_id=str(member.pk))
    assert event.object_type == "registry.member"
    assert event.region_code == member.village_id
    assert event.source_ref.startswith("api-token:")


def test_the_endpoint_is_documented_in_openapi(client, bearer):
    schema = client.get("/api/openapi.json", **bearer()).json()
    operation = schema["paths"]["/api/programs/nik/{nik}"]["get"]
    assert set(operation["responses"]) >= {"200", "401", "404"}
    assert "NikProgramsOut" in schema["components"]["schemas"]


def test_the_answer_lists_members_no_program_considered(client, bearer, registry):
    head = registry.eligible.household.members.get(relation_to_household_head=1)
    MemberMatch.objects.filter(member=head).update(deceased=True, death_date=date(2023, 9, 2))
    body = client.get(url(registry.eligible.niks[1]), **bearer()).json()
    assert body["not_considered"] == [{
        "member_id": head.pk, "nik": head.nik[:4] + "********" + head.nik[-4:],
        "is_head": True, "reason": "deceased",
        "text": {"id": "tercatat meninggal 2 Sep 2023 (Dukcapil) — perbarui kepala rumah tangga",
                 "en": "recorded deceased on 2 Sep 2023 (Dukcapil) — update the head of "
                       "household"}}]
    sembako = by_code(body)["sembako"]
    assert sembako["decision"] == "not_eligible" and sembako["reason"]["id"] == "kepala"
