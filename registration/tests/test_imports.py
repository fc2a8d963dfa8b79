"""Imports into the database: BNBA lists, ODK/Kobo exports and work packages.

Rules: a file with any error is refused with every error (row and column) and writes nothing;
the same file imported twice changes nothing the second time; an operator imports only into
the villages of their own area.
"""

import copy
import csv
import io
from datetime import date

import pytest

from accounts.models import Role
from audit.models import Event
from audit.services import Context
from conftest import VILLAGE_A, VILLAGE_B
from registration.bnba.export import export_csv, export_xlsx
from registration.bnba.parse import parse_bnba
from registration.bnba.samples import sample_households
from registration.models import (
    ApprovalStep,
    ImportBatch,
    ImportedSubmission,
    ImportKind,
    ImportStatus,
    Kind,
    Proposal,
    ProposalNik,
    ProposalStatus,
    Visit,
)
from registration.offline.package import build_package, read_package
from registration.services import imports
from registration.services import offline_imports as offline

from .conftest import new_household_payload

pytestmark = pytest.mark.django_db


def written() -> tuple[int, int, int, int]:
    return (
        Proposal.objects.count(),
        ProposalNik.objects.count(),
        ApprovalStep.objects.count(),
        Event.objects.filter(action="registration.proposal.propose").count(),
    )


@pytest.fixture
def operator(make_user):
    return make_user(Role.OPERATOR_DESA, VILLAGE_A)


def with_bad_rows(data: bytes, rows: dict[int, tuple[str, str]]) -> bytes:
    """The CSV with the given sheet rows changed: {row: (column title, new value)}."""
    text = data.decode("utf-8-sig")
    lines = list(csv.reader(io.StringIO(text), delimiter=";"))
    for row, (title, value) in rows.items():
        lines[row - 1][lines[0].index(title)] = value
    out = io.StringIO()
    csv.writer(out, delimiter=";", lineterminator="\r\n").writerows(lines)
    return out.getvalue().encode()


def test_a_valid_bnba_list_becomes_draft_new_household_proposals(operator):
    data = export_xlsx(sample_households(10))

    batch = imports.import_bnba(Context(operator), data, "bnba.xlsx", source="village_meeting")

    assert batch.status == ImportStatus.DONE, batch.errors
    proposals = Proposal.objects.order_by("id")
    assert proposals.count() == 3 == batch.counts["created"]  # 4 + 4 + 2 members
    first = proposals[0]
    assert (first.kind, first.source, first.status, first.village_id) == (
        Kind.NEW_HOUSEHOLD,
        "village_meeting",
        ProposalStatus.DRAFT,
        VILLAGE_A,
    )
    assert len(first.payload["families"][0]["members"]) == 4
    assert ProposalNik.objects.count() == 10
    assert written()[2:] == (3, 3)  # one approval step and one audit event per proposal
    assert Event.objects.filter(source_ref=f"import:{batch.pk}").count() == 3


def test_a_file_with_three_bad_rows_lists_those_rows_and_writes_nothing(operator):
    data = with_bad_rows(
        export_csv(sample_households(8)),
        {
            3: ("NIK", "12345"),
            5: ("Jenis Kelamin", "X"),
            8: ("Tanggal Lahir", "31-02-1990"),
        },
    )

    batch = imports.import_bnba(Context(operator), data, "bnba.csv")

    assert batch.status == ImportStatus.REFUSED
    assert {(e["row"], e["column"]) for e in batch.errors} >= {
        (3, "NIK"),
        (5, "Jenis Kelamin"),
        (8, "Tanggal Lahir"),
    }
    assert {e["row"] for e in batch.errors} == {3, 5, 8}
    assert all(e["message_id"] and e["message_en"] for e in batch.errors)
    assert written() == (0, 0, 0, 0)


def test_importing_the_same_file_twice_changes_nothing_the_second_time(operator):
    data = export_csv(sample_households(10))
    first = imports.import_bnba(Context(operator), data, "bnba.csv")
    before = written()

    second = imports.import_bnba(Context(operator), data, "bnba-lagi.csv")

    assert second.pk == first.pk
    assert written() == before
    assert ImportBatch.objects.count() == 1


def test_households_already_proposed_from_the_same_source_are_skipped(operator):
    households = sample_households(8)
    imports.import_bnba(Context(operator), export_csv(households), "a.csv")
    before = written()
    edited = copy.deepcopy(households)
    edited[0]["address"] = "Jl. Mawar No. 1A"  # another file, same people

    batch = imports.import_bnba(Context(operator), export_xlsx(edited), "b.xlsx")

    assert batch.status == ImportStatus.DONE
    assert (batch.counts["created"], batch.counts["skipped"]) == (0, 2)
    assert written() == before


def test_a_village_operator_can_only_import_into_their_own_village(operator):
    data = export_csv(sample_households(4, village_code=VILLAGE_B))

    batch = imports.import_bnba(Context(operator), data, "bnba.csv")

    assert batch.status == ImportStatus.REFUSED
    assert {(e["row"], e["column"]) for e in batch.errors} == {
        (r, "Kode Desa/Kelurahan") for r in range(2, 6)
    }
    assert written() == (0, 0, 0, 0)


def test_a_proposal_with_a_nik_in_the_registry_carries_the_warning(operator, make_household):
    households = sample_households(1)
    make_household(nik=households[0]["families"][0]["members"][0]["nik"])

    imports.import_bnba(Context(operator), export_csv(households), "bnba.csv")

    assert [w["code"] for w in Proposal.objects.get().warnings] == ["nik_in_registry"]


def test_an_upload_waits_for_the_worker_which_shows_progress(operator, run_jobs):
    from registration.tasks import start_processing

    data = export_csv(sample_households(6))
    batch = imports.start_import(Context(operator), ImportKind.BNBA, data, "b.csv", "psks")
    start_processing(Context(operator), batch)
    assert batch.status == ImportStatus.PENDING and Proposal.objects.count() == 0

    assert run_jobs() == 1

    batch.refresh_from_db()
    assert (batch.status, batch.rows_total, batch.rows_done) == (ImportStatus.DONE, 6, 6)
    assert Proposal.objects.filter(source="psks").count() == 2


def test_a_national_user_without_the_propose_role_cannot_import(make_user):
    auditor = make_user(Role.AUDITOR, None)
    with pytest.raises(Exception, match="registration.propose"):
        imports.import_bnba(Context(auditor), export_csv(sample_households(2)), "b.csv")
    assert ImportBatch.objects.count() == 0


# --- ODK / Kobo and work packages ---------------------------------------------------------------


@pytest.fixture
def assigned(flow):
    """Two proposals of VILLAGE_A through the meeting, their visits assigned to the verifier."""
    from registration import services

    proposals = [
        flow.propose(Kind.NEW_HOUSEHOLD, new_household_payload(101 + i, f"Warga {i}"))
        for i in range(2)
    ]
    flow.through_meeting(proposals)
    visits = services.assign_visits(Context(flow.kabupaten), proposals, flow.verifier)
    return visits


def kobo_json(visits, answers, result="1", uuid="aaa") -> list[dict]:
    return [
        {
            "_uuid": f"{uuid}{i}",
            "end": "2026-10-12T09:30:00+07:00",
            "block_I/household_ref": offline.household_ref(v),
            "block_I/village_code": v.proposal.village_id,
            "block_I/result": result,
            "block_I/location": "-6.48 106.85 0 5",
            **{f"block/{k}": str(int(val)) for k, val in answers.items()},
            "members": [
                {
                    "members/nik": "3201010403900101",
                    "members/kk_number": "3201010202210001",
                    "members/name": "Warga",
                    "members/sex": "L",
                    "members/birth_date": "1990-03-04",
                    "members/family_order": "1",
                    "members/relation_to_household_head": "1",
                    "members/relation_to_family_head": "1",
                    "members/marital_status": "2",
                }
            ],
        }
        for i, v in enumerate(visits)
    ]


def test_an_odk_export_records_the_visits_and_a_reimport_is_idempotent(flow, assigned):
    import json

    data = json.dumps(kobo_json(assigned, flow.answers, result="2")).encode()

    batch = offline.import_odk(Context(flow.verifier), data, "kobo.json")

    assert batch.status == ImportStatus.DONE, batch.errors
    assert set(Visit.objects.values_list("result", flat=True)) == {2}
    assert ImportedSubmission.objects.count() == 2
    again = offline.import_odk(Context(flow.verifier), data, "kobo.json")
    assert again.pk == batch.pk
    # The same submissions in another file are skipped by instance id.
    reordered = json.dumps(list(reversed(json.loads(data)))).encode()
    third = offline.import_odk(Context(flow.verifier), reordered, "kobo2.json")
    assert (third.status, third.counts) == (ImportStatus.DONE, {"skipped": 2, "recorded": 0})
    assert ImportedSubmission.objects.count() == 2


def test_an_odk_export_naming_an_unknown_household_writes_nothing(flow, assigned):
    import json

    rows = kobo_json(assigned, flow.answers, result="2")
    rows[1]["block_I/household_ref"] = "U-999999"

    batch = offline.import_odk(Context(flow.verifier), json.dumps(rows).encode(), "k.json")

    assert batch.status == ImportStatus.REFUSED
    assert [(e["row"], e["column"]) for e in batch.errors] == [(2, "household_ref")]
    assert Visit.objects.filter(result__isnull=False).count() == 0


def returned_package(flow, answers) -> bytes:
    sent = offline.export_package(Context(flow.verifier), VILLAGE_A)
    package = read_package(sent, offline.signing_key())
    results = [
        {
            "household_ref": h["household_ref"],
            "result": 1,
            "answers": answers,
            "members": [],
            "visited_at": "2026-10-12T09:00:00+07:00",
            "officer": "verifier",
            "latitude": -6.48,
            "longitude": 106.85,
        }
        for h in package.households
    ]
    return build_package(
        VILLAGE_A,
        package.households,
        package.definition,
        "field",
        offline.signing_key(),
        results=results,
        package_id=package.package_id,
    )


def test_a_returned_work_package_records_its_visits_once(flow, assigned):
    data = returned_package(flow, flow.answers)

    batch = offline.import_package(Context(flow.verifier), data, "paket.zip")

    assert batch.status == ImportStatus.DONE, batch.errors
    assert set(Proposal.objects.values_list("status", flat=True)) == {ProposalStatus.VERIFIED}
    again = offline.import_package(Context(flow.verifier), data, "paket.zip")
    assert again.pk == batch.pk


def test_a_tampered_package_is_refused_and_writes_nothing(flow, assigned):
    data = bytearray(returned_package(flow, flow.answers))
    data[len(data) // 2] ^= 0xFF

    batch = offline.import_package(Context(flow.verifier), bytes(data), "paket.zip")
    truncated = offline.import_package(Context(flow.verifier), bytes(data[:-200]), "p2.zip")

    assert batch.status == truncated.status == ImportStatus.REFUSED
    assert batch.errors[0]["message_en"] and truncated.errors[0]["message_en"]
    assert Visit.objects.filter(result__isnull=False).count() == 0
    assert set(Proposal.objects.values_list("status", flat=True)) == {ProposalStatus.VISIT_ASSIGNED}


def test_the_export_package_holds_only_the_village_open_visits(flow, assigned):
    package = read_package(
        offline.export_package(Context(flow.verifier), VILLAGE_A), offline.signing_key()
    )
    assert sorted(h["household_ref"] for h in package.households) == sorted(
        offline.household_ref(v) for v in assigned
    )


def test_bnba_export_of_proposals_reads_back_as_the_same_households(operator):
    from registration.services import exports

    households = sample_households(6)
    imports.import_bnba(Context(operator), export_csv(households), "b.csv")

    data = exports.proposals_bnba(operator, VILLAGE_A, "xlsx")

    parsed = parse_bnba(data, today=date(2026, 1, 1))
    assert not parsed.errors
    assert [h["families"] for h in parsed.households] == [h["families"] for h in households]


def test_uploading_a_bnba_file_shows_the_refusal_with_its_rows(client, operator, run_jobs):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    client.force_login(operator)
    data = with_bad_rows(export_csv(sample_households(4)), {3: ("NIK", "12345")})

    started = client.post(
        reverse("registration_import_upload", args=["bnba"]),
        {"file": SimpleUploadedFile("b.csv", data), "source": "self_registration"},
    )
    run_jobs()
    response = client.get(started.url)

    assert response.status_code == 200 and b'id="job-errors"' in response.content
    assert b"NIK" in response.content and Proposal.objects.count() == 0
    template = client.get(reverse("registration_import_template", args=["xlsx"]))
    assert template.content[:2] == b"PK"


def test_the_berita_acara_downloads_as_pdf(client, flow):
    from django.urls import reverse

    proposal = flow.propose(Kind.NEW_HOUSEHOLD, new_household_payload())
    flow.through_meeting([proposal])
    client.force_login(flow.village_operator())

    meeting = proposal.decisions.get().meeting
    response = client.get(reverse("registration_import_berita_acara", args=[meeting.pk]))

    assert response.status_code == 200 and response.content.startswith(b"%PDF")


def test_the_bnba_upload_is_linked_and_its_result_is_told_in_words(client, operator, run_jobs):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    client.force_login(operator)
    upload_url = reverse("registration_import_upload", args=["bnba"])
    assert upload_url in client.get(reverse("registration_queues")).content.decode()
    assert upload_url in client.get(reverse("registration_import_progress_list")).content.decode()

    client.post(upload_url, {"file": SimpleUploadedFile("b.csv", export_csv(sample_households(3))),
                             "source": "self_registration"})
    run_jobs()
    batch = ImportBatch.objects.get()
    page = client.get(reverse("registration_import_progress", args=[batch.pk])).content.decode()
    assert "Usulan dibuat" in page and ">created<" not in page
