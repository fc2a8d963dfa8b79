"""The API says what it does: generated requests (schemathesis, every check, a bounded number of
examples) against the OpenAPI document, with a village operator's token and a national
officer's token; every error answer has the documented JSON shape, in the client's language,
and every path under /api/, known or not, answers JSON."""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings

from accounts.models import ApiToken, Role, hash_token
from conftest import VILLAGE_A
from kesos.wsgi import application

pytestmark = pytest.mark.django_db

# Deterministic and bounded: the examples, coverage and fuzzing phases for each operation, in
# both generation modes (valid and invalid data): about 15 s of CPU for both tokens.
CONFIG = schemathesis.Config.from_dict({
    "generation": {"max-examples": 15, "deterministic": True, "database": "none"},
})
schema = schemathesis.openapi.from_wsgi("/api/openapi.json", application, config=CONFIG)
# Cases are built at collection time, auth included, so the keys are fixed; the `tokens`
# fixture stores them for users of the test database.
VILLAGE_KEY = "ksk_contract-village-operator"
NATIONAL_KEY = "ksk_contract-national-officer"


class _Bearer:
    key = ""

    def get(self, case, context) -> str:
        return self.key

    def set(self, case, data: str, context) -> None:
        case.headers = case.headers or {}
        case.headers["Authorization"] = f"Bearer {data}"


class VillageOperator(_Bearer):
    key = VILLAGE_KEY


class NationalOfficer(_Bearer):
    key = NATIONAL_KEY


@pytest.fixture
def _requests_keep_the_test_transaction():
    """schemathesis calls the WSGI application itself, whose request signals would close the
    database connection, and the test's transaction with it; django.test.Client unhooks them
    the same way."""
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


@pytest.fixture
def tokens(_requests_keep_the_test_transaction, settings, make_user, make_household) -> dict:
    """Both tokens, and a household in the operator's village to find. (Set up for each
    operation: the users' passwords are hashed the fast way, they never log in.)"""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    household = make_household(village=VILLAGE_A)
    users = {VILLAGE_KEY: make_user(Role.OPERATOR_DESA, VILLAGE_A),
             NATIONAL_KEY: make_user(Role.PUSAT)}
    for key, user in users.items():
        ApiToken.objects.create(user=user, name="contract", key_hash=hash_token(key),
                                prefix=key[:8])
    return {"household": household, "member": household.members.get()}


def _headers(key: str, **extra: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {key}", **extra}


# --- generated requests -------------------------------------------------------------------------

FIXTURE_PER_TEST = settings(suppress_health_check=[HealthCheck.function_scoped_fixture])


@schema.auth.apply(VillageOperator, refresh_interval=None)
@schema.parametrize()
@FIXTURE_PER_TEST
def test_every_operation_keeps_its_contract_for_a_village_operator(case, tokens):
    case.call_and_validate()


@schema.auth.apply(NationalOfficer, refresh_interval=None)
@schema.parametrize()
@FIXTURE_PER_TEST
def test_every_operation_keeps_its_contract_for_a_national_officer(case, tokens):
    case.call_and_validate()


@pytest.mark.parametrize("path", [
    "/api/households/{household_id}", "/api/members/{member_id}", "/api/programs/nik/{nik}",
    "/api/regions/{code}",
])
def test_found_records_answer_as_documented(path, tokens):
    """Generated ids rarely exist: the 200 answers of the record reads, checked the same way."""
    household, member = tokens["household"], tokens["member"]
    values = {"household_id": household.pk, "member_id": member.pk, "nik": member.nik,
              "code": VILLAGE_A}
    name = path.split("{")[1].rstrip("}")
    case = schema[path]["GET"].Case(path_parameters={name: values[name]},
                                    headers={"Authorization": f"Bearer {VILLAGE_KEY}"})
    response = case.call_and_validate()
    assert response.status_code == 200


# --- the error shape ----------------------------------------------------------------------------


def test_every_operation_documents_its_errors_with_the_error_shape(client):
    doc = client.get("/api/openapi.json").json()
    error = {"$ref": "#/components/schemas/ApiError"}
    for path, operations in doc["paths"].items():
        for method, operation in operations.items():
            responses = operation["responses"]
            expected = {"401", "403", "422"} | ({"400"} if "requestBody" in operation else set())
            assert expected <= set(responses), f"{method} {path} documents {sorted(responses)}"
            for status in {s for s in responses if not s.startswith("2")}:  # 201 is success
                body = responses[status]["content"]["application/json"]["schema"]
                assert body == error, f"{method} {path} {status}"


def test_an_invalid_query_value_names_the_field_in_the_clients_language(client, tokens):
    indonesian = client.get("/api/households", {"limit": "banyak", "status": "hilang"},
                            **_headers(NATIONAL_KEY))
    english = client.get("/api/households", {"limit": "0"},
                         **_headers(NATIONAL_KEY, HTTP_ACCEPT_LANGUAGE="en"))

    assert indonesian.status_code == english.status_code == 422
    body = indonesian.json()
    assert body["detail"] == "Nilai tidak sah pada query.status, query.limit."
    assert {(tuple(e["loc"]), e["type"]) for e in body["errors"]} == {
        (("query", "status"), "literal_error"), (("query", "limit"), "int_parsing")}
    assert "Harus berupa bilangan bulat." in [e["msg"] for e in body["errors"]]
    assert english.json()["errors"] == [
        {"loc": ["query", "limit"], "msg": "Must be at least 1.", "type": "greater_than_equal"}]


def test_a_body_that_is_not_json_is_a_400_and_a_missing_body_a_422(client, tokens):
    headers = _headers(NATIONAL_KEY)
    broken = client.post("/api/nik/validate", "{nik:", content_type="application/json",
                         **headers)
    missing = client.post("/api/nik/validate", content_type="application/json",
                          HTTP_ACCEPT_LANGUAGE="en", **headers)

    assert broken.status_code == 400
    assert broken.json() == {"detail": "Isi permintaan bukan JSON yang sah.", "errors": [
        {"loc": ["body"], "msg": "Isi permintaan bukan JSON yang sah.", "type": "json_invalid"}]}
    assert missing.status_code == 422
    assert missing.json()["errors"][0]["msg"] == "This field is required."


def test_a_nik_with_separators_is_looked_up_and_a_malformed_one_is_422(client, tokens):
    member = tokens["member"]
    spaced = f"{member.nik[:6]}.{member.nik[6:12]}-{member.nik[12:]}"
    found = client.get(f"/api/programs/nik/{spaced}", **_headers(VILLAGE_KEY))
    malformed = client.get("/api/programs/nik/0", **_headers(VILLAGE_KEY))

    assert found.status_code == 200 and found.json()["person"]["member_id"] == member.pk
    assert malformed.status_code == 422
    assert malformed.json()["errors"][0]["type"] == "nik_length"


def test_an_id_beyond_64_bits_is_refused_not_a_server_error(client, tokens):
    response = client.get(f"/api/households/{2**64}", **_headers(NATIONAL_KEY))
    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"] == ["path", "household_id"]


def test_a_search_text_with_a_nul_character_is_refused(client, tokens):
    response = client.get("/api/households", {"q": "Budi\x00"}, **_headers(NATIONAL_KEY))
    assert response.status_code == 422
    assert response.json()["errors"][0]["type"] == "string_pattern_mismatch"


# --- every path under /api/ answers JSON ---------------------------------------------------------


@pytest.mark.parametrize("path", [
    "/api/programs/nik/", "/api/no-such-thing", "/api/", "/api/regions/", "/api/households/1/x",
])
def test_unknown_paths_under_api_answer_json_404(client, tokens, path):
    response = client.get(path, **_headers(NATIONAL_KEY, HTTP_ACCEPT_LANGUAGE="en"))
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert response.json() == {
        "detail": f"There is no API operation at {path}; the operations are listed at /api/docs."}


def test_a_method_the_path_does_not_take_answers_json_405_with_allow(client, tokens):
    response = client.delete("/api/regions", **_headers(NATIONAL_KEY))
    assert response.status_code == 405
    assert response["Allow"] == "GET"
    assert response.json() == {
        "detail": "Metode DELETE tidak diizinkan di sini; yang diizinkan: GET."}


def test_web_pages_keep_their_html_404(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")
