"""The REST API: bearer tokens, the same region scope and audit trail as the web pages,
identity validation, regions, household pages and the OpenAPI document."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from accounts.models import ApiToken, Role, hash_token
from accounts.services import issue_api_token, revoke_api_token
from audit.models import Event
from conftest import VILLAGE_A, VILLAGE_B, VILLAGE_OTHER_DISTRICT

pytestmark = pytest.mark.django_db


@pytest.fixture
def bearer(make_user):
    """Authorization headers for a new token of a user with `role` in `region`."""

    def make(role: str = Role.ADMINISTRATOR, region: str | None = None, **extra) -> dict:
        user = make_user(role, region, **extra)
        _, raw = issue_api_token(user, "test")
        return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}

    return make


def nik(n: int) -> str:
    return f"32010112088500{n:02d}"


def kk(n: int) -> str:
    return f"32010101012000{n:02d}"


# --- authentication -------------------------------------------------------------------------


def test_request_without_token_is_refused_with_401(client):
    response = client.get("/api/regions")
    assert response.status_code == 401
    assert response.json() == {"detail": "Token API tidak ada, tidak sah, atau sudah dicabut."}
    assert response["WWW-Authenticate"] == "Bearer"
    english = client.get("/api/regions", HTTP_ACCEPT_LANGUAGE="en")
    assert english.json() == {"detail": "Missing, invalid or revoked API token."}


def test_unknown_token_and_other_schemes_are_refused(client, bearer):
    bearer()
    assert client.get("/api/regions", HTTP_AUTHORIZATION="Bearer ksk_nope").status_code == 401
    assert client.get("/api/regions", HTTP_AUTHORIZATION="Basic dXNlcjpwdw==").status_code == 401


def test_revoked_token_is_refused(client, make_user):
    token, raw = issue_api_token(make_user(Role.PUSAT), "bank sync")
    headers = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    assert client.get("/api/regions", **headers).status_code == 200

    revoke_api_token(token)

    assert client.get("/api/regions", **headers).status_code == 401


def test_token_of_inactive_user_is_refused(client, bearer):
    headers = bearer(Role.PUSAT, is_active=False)
    assert client.get("/api/regions", **headers).status_code == 401


def test_only_the_hash_of_the_key_is_stored(make_user):
    token, raw = issue_api_token(make_user(Role.PUSAT), "bank sync")
    token.refresh_from_db()
    assert token.key_hash == hash_token(raw)
    assert raw not in (token.key_hash, token.prefix) and raw.startswith(token.prefix)


def test_last_used_at_is_written_at_most_once_a_minute(client, make_user):
    token, raw = issue_api_token(make_user(Role.PUSAT), "bank sync")
    headers = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    client.get("/api/regions", **headers)
    token.refresh_from_db()
    first = token.last_used_at
    assert first is not None

    client.get("/api/regions", **headers)
    token.refresh_from_db()
    assert token.last_used_at == first

    ApiToken.objects.filter(pk=token.pk).update(last_used_at=first - timedelta(minutes=2))
    client.get("/api/regions", **headers)
    token.refresh_from_db()
    assert token.last_used_at > first - timedelta(minutes=1)


def test_create_api_token_command_prints_a_working_key(client, make_user):
    make_user(Role.PUSAT, username="integrasi")
    out, err = StringIO(), StringIO()
    call_command("create_api_token", "integrasi", "bank sync", stdout=out, stderr=err)
    raw = out.getvalue().strip()
    assert raw.startswith("ksk_") and raw not in err.getvalue()
    assert ApiToken.objects.get(key_hash=hash_token(raw)).name == "bank sync"
    assert client.get("/api/regions", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 200


# --- scope and audit --------------------------------------------------------------------------


def test_village_operator_lists_only_households_of_its_village(client, bearer, make_household):
    own = make_household(village=VILLAGE_A, nik=nik(1), kk=kk(1))
    make_household(village=VILLAGE_B, nik=nik(2), kk=kk(2))
    make_household(village=VILLAGE_OTHER_DISTRICT, nik=nik(3), kk=kk(3))

    response = client.get("/api/households", **bearer(Role.OPERATOR_DESA, VILLAGE_A))

    assert response.status_code == 200
    assert [h["id"] for h in response.json()["items"]] == [own.pk]


def test_village_operator_gets_404_for_records_of_another_village(client, bearer, make_household):
    other = make_household(village=VILLAGE_B, nik=nik(2), kk=kk(2))
    headers = bearer(Role.OPERATOR_DESA, VILLAGE_A)

    headers |= {"HTTP_ACCEPT_LANGUAGE": "en"}
    household = client.get(f"/api/households/{other.pk}", **headers)
    member = client.get(f"/api/members/{other.members.get().pk}", **headers)
    missing = client.get("/api/households/999999", **headers)

    assert household.status_code == member.status_code == 404
    assert household.json() == missing.json() == {"detail": "Household not found."}
    assert not Event.objects.filter(action="read").exists()


def test_reading_a_household_writes_an_api_read_event(client, make_user, make_household):
    operator = make_user(Role.OPERATOR_DESA, VILLAGE_A)
    token, raw = issue_api_token(operator, "tablet")
    household = make_household(village=VILLAGE_A)

    response = client.get(f"/api/households/{household.pk}", HTTP_AUTHORIZATION=f"Bearer {raw}")

    assert response.status_code == 200
    event = Event.objects.get(action="read")
    assert (event.actor, event.source, event.object_type, event.object_id) == (
        operator, "api", "registry.household", str(household.pk))
    assert event.region_code == VILLAGE_A
    assert event.source_ref == f"api-token:{token.pk}"


def test_reading_a_member_writes_an_api_read_event(client, bearer, make_household):
    member = make_household(village=VILLAGE_A).members.get()

    response = client.get(f"/api/members/{member.pk}", **bearer(Role.OPERATOR_DESA, VILLAGE_A))

    assert response.status_code == 200
    assert response.json()["nik"] == member.nik
    event = Event.objects.get(action="read")
    assert (event.source, event.object_type, event.object_id) == (
        "api", "registry.member", str(member.pk))


def test_household_record_carries_families_members_and_labels(client, bearer, make_household):
    household = make_household(village=VILLAGE_A)
    headers = bearer(Role.OPERATOR_DESA, VILLAGE_A)

    body = client.get(f"/api/households/{household.pk}", HTTP_ACCEPT_LANGUAGE="en",
                      **headers).json()
    indonesian = client.get(f"/api/households/{household.pk}", **headers).json()

    assert (body["village"], body["rt"], body["rw"], body["status"]) == (
        VILLAGE_A, "001", "002", "active")
    family = body["families"][0]
    assert family["kk_number"] == "3201010101200001"
    head = family["members"][0]
    assert head["name"] == "Budi Santoso" and head["birth_date"] == "1985-08-12"
    assert head["relation_to_household_head"] == {"code": 1, "label": "Head of household"}
    assert indonesian["families"][0]["members"][0]["relation_to_household_head"]["label"] == (
        "Kepala rumah tangga")
    floor = next(a for a in body["answers"] if a["key"] == "floor_area_m2")
    assert floor["value"] == 36 and floor["label"] == "36"
    tenure = next(a for a in body["answers"] if a["key"] == "tenure")
    assert tenure["question"] == "Tenure of the dwelling" and tenure["label"]


# --- household pages --------------------------------------------------------------------------


def test_pages_follow_next_offset_without_duplicates(client, bearer, make_household):
    created = [make_household(village=VILLAGE_A, nik=nik(n), kk=kk(n)).pk for n in range(1, 8)]
    headers = bearer()

    seen, offset, pages = [], 0, 0
    while offset is not None:
        page = client.get("/api/households", {"limit": 3, "offset": offset}, **headers).json()
        seen += [h["id"] for h in page["items"]]
        offset, pages = page["next_offset"], pages + 1

    assert pages == 3
    assert seen == sorted(created)


def test_last_full_page_has_no_next_offset(client, bearer, make_household):
    for n in range(1, 4):
        make_household(village=VILLAGE_A, nik=nik(n), kk=kk(n))
    page = client.get("/api/households", {"limit": 3}, **bearer()).json()
    assert len(page["items"]) == 3 and page["next_offset"] is None


def test_limit_above_100_is_refused(client, bearer):
    response = client.get("/api/households", {"limit": 101}, **bearer())
    assert response.status_code == 422


def test_household_list_needs_no_count_and_no_query_per_row(client, bearer, make_household):
    headers = bearer()
    make_household(village=VILLAGE_A, nik=nik(1), kk=kk(1))
    client.get("/api/households", **headers)  # the token's first use writes last_used_at
    with CaptureQueriesContext(connection) as one:
        client.get("/api/households", **headers)
    for n in range(2, 7):
        make_household(village=VILLAGE_A, nik=nik(n), kk=kk(n))
    with CaptureQueriesContext(connection) as six:
        body = client.get("/api/households", **headers).json()

    assert len(body["items"]) == 6
    assert len(six.captured_queries) == len(one.captured_queries)
    assert not any(q["sql"].upper().startswith("SELECT COUNT(") for q in six.captured_queries)
    assert body["items"][0]["member_count"] == 1
    assert body["items"][0]["head_name"] == "Budi Santoso"


def test_household_list_filters_by_member_nik_village_and_status(client, bearer, make_household):
    first = make_household(village=VILLAGE_A, nik=nik(1), kk=kk(1), name="Siti Aminah")
    second = make_household(village=VILLAGE_B, nik=nik(2), kk=kk(2))
    headers = bearer()

    def ids(**params) -> list[int]:
        return [h["id"] for h in client.get("/api/households", params, **headers).json()["items"]]

    assert ids(q=nik(2)) == [second.pk]
    assert ids(q=kk(1)) == [first.pk]
    assert ids(q="siti") == [first.pk]
    assert ids(village=VILLAGE_B) == [second.pk]
    assert ids(village="32.01.01") == [first.pk, second.pk]
    assert ids(status="inactive") == []


# --- identity ---------------------------------------------------------------------------------


def test_nik_validation_decodes_birth_date_and_sex(client, bearer):
    response = client.post("/api/nik/validate", {"nik": "3201015208850003"},
                           content_type="application/json", **bearer())
    assert response.status_code == 200
    assert response.json() == {
        "ok": True, "nik": "3201015208850003", "district_code": "32.01.01",
        "birth_date": "1985-08-12", "sex": "P", "problems": [],
    }


def test_post_needs_no_csrf_token_from_an_api_client(bearer):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/api/kk/validate", {"kk": "3201010101200001"},
                           content_type="application/json", **bearer())
    assert response.status_code == 200


def test_nik_messages_follow_accept_language(client, bearer):
    headers = bearer()

    def problems(lang: str) -> list[dict]:
        response = client.post("/api/nik/validate", {"nik": "320101"},
                               content_type="application/json", HTTP_ACCEPT_LANGUAGE=lang,
                               **headers)
        return response.json()["problems"]

    assert problems("en") == [{"code": "length", "severity": "error",
                               "message": "NIK must have 16 digits; 6 were given."}]
    assert problems("id")[0]["message"] == "NIK harus 16 digit, yang dimasukkan 6 digit."
    assert problems("fr")[0]["message"] == "NIK harus 16 digit, yang dimasukkan 6 digit."


def test_unknown_district_is_a_warning_not_an_error(client, bearer):
    body = client.post("/api/nik/validate", {"nik": "9999011208850003"},
                       content_type="application/json", **bearer()).json()
    assert body["ok"] is True
    assert [p["code"] for p in body["problems"]] == ["unknown_region"]


def test_kk_validation(client, bearer):
    headers = bearer()
    good = client.post("/api/kk/validate", {"kk": "3201.0101.0120.0001"},
                       content_type="application/json", **headers).json()
    bad = client.post("/api/kk/validate", {"kk": "3201010000000000"},
                      content_type="application/json", HTTP_ACCEPT_LANGUAGE="en", **headers).json()
    assert (good["ok"], good["kk"], good["district_code"]) == (True, "3201010101200001", "32.01.01")
    assert bad["ok"] is False
    assert bad["problems"][0]["message"].startswith("The registration number in the KK")


# --- regions ----------------------------------------------------------------------------------


def test_regions_lists_provinces_and_children(client, bearer):
    headers = bearer()
    provinces = client.get("/api/regions", **headers).json()
    villages = client.get("/api/regions", {"parent": "32.01.01"}, **headers).json()

    assert {"code": "32", "name": provinces[0]["name"], "level": 1, "parent": None} in provinces
    assert {r["code"] for r in provinces} >= {"32", "34"}
    assert {VILLAGE_A, VILLAGE_B} <= {r["code"] for r in villages}
    assert all(r["parent"] == "32.01.01" and r["level"] == 4 for r in villages)
    assert client.get("/api/regions", {"parent": "99.99"}, **headers).status_code == 404


def test_region_search_and_detail(client, bearer):
    headers = bearer()
    found = client.get("/api/regions/search", {"q": "cibinong", "level": 3}, **headers).json()
    detail = client.get(f"/api/regions/{VILLAGE_A}", **headers).json()

    assert [r["code"] for r in found] == ["32.01.01"]
    assert detail["name"] == "Pondok Rajeg" and detail["parent"] == "32.01.01"
    assert (detail["time_zone"], detail["time_zone_label"]) == ("Asia/Jakarta", "WIB")
    assert detail["label"].startswith("Pondok Rajeg, Cibinong, Kabupaten Bogor")
    assert client.get("/api/regions/99.99", **headers).status_code == 404


# --- OpenAPI ------------------------------------------------------------------------------------


def test_openapi_document_lists_endpoints_and_bearer_scheme(client):
    doc = client.get("/api/openapi.json").json()

    assert {
        "/api/regions", "/api/regions/search", "/api/regions/{code}", "/api/nik/validate",
        "/api/kk/validate", "/api/households", "/api/households/{household_id}",
        "/api/members/{member_id}",
    } <= set(doc["paths"])
    assert {"type": "http", "scheme": "bearer"} in doc["components"]["securitySchemes"].values()
    operation = doc["paths"]["/api/households/{household_id}"]["get"]
    assert operation["security"] and {"200", "401", "404"} <= set(operation["responses"])
    assert {"HouseholdOut", "MemberOut", "HouseholdPage", "NikOut"} <= set(
        doc["components"]["schemas"])


def test_docs_page_is_served(client):
    assert client.get("/api/docs").status_code == 200
