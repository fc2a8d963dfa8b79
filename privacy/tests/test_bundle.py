"""The subject-access bundle (UU 27/2022: a copy of one's data and its processing trail): the
member's data and where it came from, the programs' decisions with their explanations, every
read and change from the audit log; JSON and PDF; each production and download audited."""

import hashlib
import json

import pytest
from django.urls import reverse

from accounts.models import Role, User
from atensi.tests.conftest import World
from audit.models import Event, Source
from audit.services import Context
from conftest import VILLAGE_A
from privacy import services
from privacy.models import SubjectRequest
from registry import services as registry_services
from registry.services import MemberData

from .conftest import NIK

pytestmark = pytest.mark.django_db


def produce(officer, request: SubjectRequest) -> dict:
    return services.produce_bundle(Context(actor=officer), request).bundle


def field(record: dict, key: str) -> dict:
    return next(f for f in record["member"] if f["field"] == key)


def test_the_bundle_holds_the_persons_registry_data_with_its_household(officer, person, receive):
    household, member = person
    bundle = produce(officer, receive())
    assert bundle["nik"] == NIK
    [record] = bundle["records"]
    assert field(record, "name")["text"] == "Budi Santoso"
    assert field(record, "birth_date")["value"] == "1985-08-12"
    assert field(record, "relation_to_household_head")["text"] == "Kepala rumah tangga"
    assert record["household"]["address"] == "Jl. Mawar No. 1"
    assert record["household"]["kk_number"] == "3201010101200001"
    assert "Cibinong" in record["household"]["village"]
    assert any(a["key"] == "floor_area_m2" and a["value"] == 36
               for a in record["household"]["answers"])


def test_the_bundle_names_its_sources(officer, person, receive):
    bundle = produce(officer, receive())
    [record] = bundle["records"]
    assert record["civil_registry"]["status"] == "padan"
    assert "run-2026-11" in record["civil_registry"]["source"]
    assert record["welfare_ranking"]["desil_national"] == 2
    assert [(s["what"], s["via"]) for s in record["sources"]] == [
        ("Rumah tangga dimasukkan ke registri", str(Source.FORM.label))]
    created = [e for e in bundle["processing_trail"]
               if e["action"] == "registry.household.create"]
    assert created and created[0]["by"]["role"] == "Administrator"


def test_the_bundle_gives_each_programs_decision_with_its_explanation(officer, person, receive):
    bundle = produce(officer, receive())
    decisions = {d["program"]: d for d in bundle["records"][0]["program_decisions"]}
    sembako = decisions["sembako"]
    assert sembako["decision"] == "eligible"
    assert sembako["decision_label"] == "Memenuhi syarat"
    assert any(c.startswith("✓ Terpenuhi: Termasuk desil 1-5") for c in sembako["clauses"])
    assert sembako["rule_version"] == 1


def test_the_trail_lists_every_read_and_change_of_the_persons_records(
        officer, person, receive, make_user, client):
    household, member = person
    operator = make_user(Role.OPERATOR_DESA, VILLAGE_A)
    client.force_login(operator)
    client.get(reverse("member_detail", args=(member.pk,)))
    registry_services.correct_member(Context(actor=make_user(Role.PUSAT)), member.pk,
                                     {"birth_place": "Bogor"})
    request = receive()
    trail = produce(officer, request)["processing_trail"]
    reads = [e for e in trail
             if e["action"] == "read" and e["by"]["role"] == str(Role.OPERATOR_DESA.label)]
    assert reads and reads[0]["record"] == f"registry.member #{member.pk}"
    change = next(e for e in trail if e["action"] == "registry.member.update")
    assert change["changes"] == {"birth_place": ["", "Bogor"]}
    assert change["what"] == "Diubah"
    # The production's own reads are in the trail it hands over, naming the request.
    own = [e for e in trail if e["action"] == "read" and request.number in e["reason"]]
    assert {e["record"] for e in own} >= {f"registry.member #{member.pk}",
                                         f"registry.household #{household.pk}"}


def test_other_members_of_the_household_appear_without_name_or_nik(officer, person, receive):
    household, _member = person
    admin = User.objects.get(role=Role.ADMINISTRATOR)
    wife = MemberData(nik="3201015306880002", name="Siti Rahayu", sex="P", birth_date=None,
                      relation_to_household_head=2, relation_to_family_head=2, family_order=2,
                      marital_status=2)
    registry_services.add_member(Context(actor=admin), household, "3201010101200001", wife)
    text = json.dumps(produce(officer, receive()))
    assert "Siti Rahayu" not in text and "3201015306880002" not in text
    others = json.loads(text)["records"][0]["household"]["other_members"]
    assert others == [{"relation": "Istri/suami", "sex": "Perempuan", "birth_year": None}]


def test_an_atensi_case_shows_only_that_it_exists_and_its_provider(
        officer, person, receive, make_user):
    world = World(make_user)
    case = world.case(world.person(nik=NIK, name="Budi Santoso", sex="L"))
    bundle = produce(officer, receive())
    [client_entry] = bundle["atensi"]
    [entry] = client_entry["cases"]
    assert set(entry) == {"case", "provider", "provider_kind", "provider_region", "status",
                          "opened_at", "closed_at"}
    assert (entry["case"], entry["provider"], entry["provider_region"], entry["status"]) == (
        case.number, "LKS Harapan Bunda", "Kabupaten Bogor, Jawa Barat", "Buka")
    assert "ditelantarkan" not in json.dumps(bundle)  # the intake's story stays in the file
    assert Event.objects.filter(object_type="atensi.case", object_id=str(case.pk),
                                action="read", actor=officer).exists()


def test_a_nik_the_registry_does_not_hold_gives_an_empty_registry_part(officer, receive, db):
    request = receive(nik="3201014502900001")
    bundle = produce(officer, request)
    assert bundle["records"] == [] and bundle["atensi"] == []
    assert [r["number"] for r in bundle["requests"]] == [request.number]


def test_a_bundle_needs_the_requesters_identity_checked(officer, person, receive):
    request = receive(identity_checked=False)
    with pytest.raises(Exception, match="KTP"):
        produce(officer, request)
    assert SubjectRequest.objects.get(pk=request.pk).bundle is None


def test_producing_the_bundle_is_audited_with_each_record_read(officer, person, receive):
    _household, member = person
    request = receive()
    produce(officer, request)
    event = Event.objects.get(action="privacy.bundle.produce", object_id=str(request.pk))
    assert event.actor == officer and event.changes["records"] == [None, 1]
    assert NIK not in json.dumps(event.changes)
    assert Event.objects.filter(action="read", object_type="registry.member",
                                object_id=str(member.pk), actor=officer,
                                reason__contains=request.number).count() == 1


def test_the_bundle_downloads_as_json_and_pdf_each_download_audited(
        officer, person, receive, client):
    request = receive()
    produce(officer, request)
    client.force_login(officer)
    response = client.get(reverse("privacy:request_download", args=(request.pk, "json")))
    assert response["Content-Type"] == "application/json"
    data = json.loads(response.content)
    assert data["records"][0]["member"][0]["value"] == NIK
    request.refresh_from_db()
    assert hashlib.sha256(response.content).hexdigest() == request.bundle_sha256
    pdf = client.get(reverse("privacy:request_download", args=(request.pk, "pdf")))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    downloads = Event.objects.filter(action="privacy.bundle.download", object_id=str(request.pk))
    assert sorted(e.changes["format"][1] for e in downloads) == ["json", "pdf"]


def test_the_pdf_shows_the_decisions_and_the_trail(officer, person, receive):
    from privacy.pdf import bundle_html

    request = receive()
    services.produce_bundle(Context(actor=officer), request)
    html = bundle_html(request)
    assert "Budi Santoso" in html and "Termasuk desil 1-5" in html
    assert "Rekam jejak pemrosesan" in html
