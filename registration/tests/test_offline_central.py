"""The household-visit form through ODK: the XLSForm converted by pyxform, submissions as
ODK Collect sends them, exported by ODK Central as its CSV zip (shape ported from Central's
own exporter, see odk_central.py), read back and recorded by Kesos with every value intact.

Rules: an import reads the export a user downloads from Central as it is (one zip: the
form's CSV and its members CSV); a verified household (result 1) carries the instrument's
answers and its members; a submission is identified by its instance id, so a re-import
records nothing twice.
"""

import io
import zipfile
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from pyxform.xls2xform import convert

from audit.services import Context
from registration.models import ImportedSubmission, ImportStatus, Kind, Visit
from registration.offline.odk import parse_csv
from registration.offline.xlsform import build_xlsform
from registration.services import assign_visits
from registration.services import offline_imports as offline
from registry.instrument import questions, shipped_definition

from .conftest import new_household_payload, nik
from .odk_central import Submission, central_zip, form_fields, submission_xml

DEFINITION = shipped_definition()
WIB = timezone(timedelta(hours=7))
KK = "3201010202210001"
INTEGERS = {"floor_area_m2": 42, "rooms": 3, "cattle": 0, "buffalo": 1, "goat": 4}
LOCATION = "-6.481234 106.851234 212.5 4.8"  # what Collect records: lat lon altitude accuracy
ANSWERS = {
    key: (
        list(DEFINITION["code_lists"][q["code_list"]])[-1]
        if q["type"] == "code"
        else ("yes" if i % 3 else "no")
        if q["type"] == "boolean"
        else str(INTEGERS.get(key, q.get("min", 0)))
    )
    for i, (key, q) in enumerate(questions(DEFINITION).items())
}
MEMBERS = [  # the head, his wife (pregnant) and their son, as the enumerator entered them
    {
        "nik": nik(11, date(1985, 8, 17)),
        "kk_number": KK,
        "name": "Budi Santoso",
        "sex": "L",
        "birth_place": "Bogor",
        "birth_date": "1985-08-17",
        "family_order": "1",
        "relation_to_household_head": "1",
        "relation_to_family_head": "1",
        "marital_status": "2",
        "education": "4",
        "work_sector": "12",
        "employment_status": "5",
    },
    {
        "nik": nik(12, date(1990, 3, 4), "P"),
        "kk_number": KK,
        "name": "Siti Aminah",
        "sex": "P",
        "birth_place": "Cianjur",
        "birth_date": "1990-03-04",
        "family_order": "2",
        "pregnant": "yes",
        "relation_to_household_head": "2",
        "relation_to_family_head": "3",
        "marital_status": "2",
        "chronic_illness": "1",
    },
    {
        "nik": nik(13, date(2015, 6, 1)),
        "kk_number": KK,
        "name": "Adi Santoso",
        "sex": "L",
        "birth_date": "2015-06-01",
        "family_order": "3",
        "relation_to_household_head": "3",
        "relation_to_family_head": "4",
        "marital_status": "1",
        "school_participation": "2",
        "disability": "3",
    },
]


@pytest.fixture(scope="module")
def xform() -> str:
    return convert(build_xlsform(DEFINITION)).xform


def collect(xform: str, ref: str, uuid: str, result: str = "1", **changes) -> bytes:
    """A submission as Collect sends it; paths come from the converted form, not from us."""
    paths = {f["name"]: f["path"] for f in form_fields(xform)}
    verified = result == "1"
    answers = {
        "start": "2026-10-12T09:02:11.120+07:00",
        "end": "2026-10-12T09:41:37.905+07:00",
        "today": "2026-10-12",
        "deviceid": "collect:Xb3kLm9QpR2sT4uV",
        "username": "enumerator.bogor",
        "household_ref": ref,
        "village_code": "32.01.01.1001",
        "result": result,
        "instanceID": f"uuid:{uuid}",
        "instanceName": f"{ref} / {result}",
        **({"location": LOCATION, "photo": "1760236897000.jpg", **ANSWERS} if verified else {}),
        **changes,
    }
    members = [{f"/{k}": v for k, v in m.items()} for m in MEMBERS] if verified else []
    return submission_xml(
        xform, {paths[k]: v for k, v in answers.items()}, {paths["members"]: members}
    )


def expected_answers() -> dict:
    typed = {}
    for key, q in questions(DEFINITION).items():
        value = ANSWERS[key]
        typed[key] = value == "yes" if q["type"] == "boolean" else int(value)
    return typed


def expected_member(raw: dict) -> dict:
    optional = ("disability", "chronic_illness", "school_participation", "education")
    optional += ("work_sector", "employment_status")
    return {
        "nik": raw["nik"],
        "kk_number": KK,
        "name": raw["name"],
        "sex": raw["sex"],
        "birth_place": raw.get("birth_place", ""),
        "birth_date": raw["birth_date"],
        "family_order": int(raw["family_order"]),
        "pregnant": raw.get("pregnant") == "yes",
        "relation_to_household_head": int(raw["relation_to_household_head"]),
        "relation_to_family_head": int(raw["relation_to_family_head"]),
        "marital_status": int(raw["marital_status"]),
        "attributes": {k: int(raw.get(k, 0)) for k in optional},
    }


def test_the_export_has_centrals_shape_for_this_form(xform):
    """Guards the port, so the reading tests below meet what Central really writes."""
    with zipfile.ZipFile(io.BytesIO(central_zip(xform, []))) as archive:
        assert archive.namelist() == ["kesos_dtks_v1.csv", "kesos_dtks_v1-members.csv"]
        root = archive.read("kesos_dtks_v1.csv").decode().splitlines()[0].split(",")
        members = archive.read("kesos_dtks_v1-members.csv").decode().splitlines()[0].split(",")
    assert root[:7] == ["SubmissionDate", "start", "end", "today", "deviceid", "username"] + [
        "block_I-household_ref"
    ]
    assert "block_I-location-Latitude" in root and "block_III-floor_area_m2" in root
    assert root[-12:-10] == ["meta-instanceID", "meta-instanceName"]
    assert root[-10:] == [
        "KEY",
        "SubmitterID",
        "SubmitterName",
        "AttachmentsPresent",
        "AttachmentsExpected",
        "Status",
        "ReviewState",
        "DeviceID",
        "Edits",
        "FormVersion",
    ]
    assert members[:3] == ["nik", "kk_number", "name"] and members[-2:] == ["PARENT_KEY", "KEY"]


@pytest.mark.parametrize("group_paths", [True, False], ids=["group-paths", "no-group-names"])
def test_a_central_csv_zip_reads_back_with_every_answer_and_member(xform, group_paths):
    export = central_zip(
        xform,
        [
            Submission(collect(xform, "U-1", "a1"), "uuid:a1", attachments=(1, 1)),
            Submission(collect(xform, "U-2", "b2", result="2"), "uuid:b2"),
        ],
        group_paths=group_paths,
        media={"1760236897000.jpg": b"\xff\xd8\xff\xe0 jpeg"},
    )

    batch = parse_csv(export, DEFINITION)

    assert batch.errors == []
    verified, not_found = batch.submissions
    assert (verified.row, verified.instance_id, verified.household_ref) == (2, "a1", "U-1")
    assert (verified.village_code, verified.result) == ("32.01.01.1001", 1)
    assert verified.visited_at == datetime(2026, 10, 12, 9, 41, 37, 905000, tzinfo=WIB)
    assert (verified.latitude, verified.longitude) == (-6.481234, 106.851234)
    assert verified.answers == expected_answers()
    assert verified.members == [expected_member(m) for m in MEMBERS]
    assert (not_found.instance_id, not_found.result) == ("b2", 2)
    assert (not_found.answers, not_found.members, not_found.latitude) == ({}, [], None)


def test_a_submission_edited_in_central_keeps_its_members(xform):
    # Central keys the rows by the first version: KEY and PARENT_KEY stay 'uuid:first' while
    # meta-instanceID becomes the edited version's.
    edited = collect(xform, "U-1", "second", floor_area_m2="45")
    export = central_zip(xform, [Submission(edited, "uuid:first", edits=1)])

    (visit,) = parse_csv(export, DEFINITION).submissions

    assert visit.errors == []
    assert visit.answers["floor_area_m2"] == 45
    assert [m["name"] for m in visit.members] == [m["name"] for m in MEMBERS]


def test_the_form_csv_without_its_members_csv_names_the_missing_members(xform):
    export = central_zip(xform, [Submission(collect(xform, "U-1", "c3"), "uuid:c3")])
    with zipfile.ZipFile(io.BytesIO(export)) as archive:
        root_only = archive.read("kesos_dtks_v1.csv")  # what /submissions.csv gives

    (error,) = parse_csv(root_only, DEFINITION).errors

    assert (error.row, error.field) == (2, "members")
    assert error.message("en") == "A verified household must list its members."


def zipped(files: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return out.getvalue()


NOT_CENTRAL = (
    "This ZIP file is not an ODK Central CSV export: it must hold one form CSV and its "
    "members CSV (kesos_dtks_v1.csv, kesos_dtks_v1-members.csv)."
)


@pytest.mark.parametrize(
    ("data", "english"),
    [
        (zipped({"households.csv": b"a\n1\n", "visits.csv": b"b\n2\n"}), NOT_CENTRAL),
        (zipped({"media/photo.jpg": b"\xff\xd8"}), NOT_CENTRAL),
        (zipped({"kesos_dtks_v1.csv": b"x" * 100})[:60], "The ZIP file is damaged."),
    ],
    ids=["unrelated-csvs", "media-only", "truncated"],
)
def test_a_zip_that_is_not_a_central_export_is_refused_with_a_clear_error(data, english):
    (error,) = parse_csv(data, DEFINITION).errors

    assert (error.row, error.field, error.message("en")) == (0, "", english)
    assert error.message("id").startswith("Berkas ZIP")


# --- recorded through the import -------------------------------------------------------------


@pytest.fixture
def visits(flow):
    proposals = [
        flow.propose(Kind.NEW_HOUSEHOLD, new_household_payload(201 + i, f"Warga {i}"))
        for i in range(2)
    ]
    flow.through_meeting(proposals)
    return assign_visits(Context(flow.kabupaten), proposals, flow.verifier)


@pytest.mark.django_db
def test_an_uploaded_central_zip_records_the_visits_and_a_reimport_records_nothing(
    flow, visits, xform
):
    first, second = visits
    village = first.proposal.village_id
    export = central_zip(
        xform,
        [
            Submission(
                collect(xform, offline.household_ref(first), "d4", village_code=village),
                "uuid:d4",
            ),
            Submission(
                collect(xform, offline.household_ref(second), "e5", "3", village_code=village),
                "uuid:e5",
            ),
        ],
    )

    batch = offline.import_odk(Context(flow.verifier), export, "kesos_dtks_v1.zip")

    assert batch.status == ImportStatus.DONE, batch.errors
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.result, first.answers) == (1, expected_answers())
    assert (first.latitude, first.longitude) == (Decimal("-6.481234"), Decimal("106.851234"))
    assert first.visited_at == datetime(2026, 10, 12, 2, 41, 37, 905000, tzinfo=UTC)
    assert (second.result, second.answers) == (3, {})
    assert set(ImportedSubmission.objects.values_list("instance_id", flat=True)) == {"d4", "e5"}
    again = offline.import_odk(Context(flow.verifier), export, "kesos_dtks_v1 (1).zip")
    assert again.pk == batch.pk
    assert Visit.objects.filter(result__isnull=False).count() == 2
