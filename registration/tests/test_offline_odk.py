"""Reading ODK Central / KoboToolbox exports of the household-visit form.

Rules: result codes are 1 verified, 2 household not found, 3 moved / building gone, 4 part of
a prelist household, 5 duplicate. A verified household (1) must carry valid answers for the
instrument and its members with valid NIKs; every problem is reported per row and field in
Indonesian and English. The instance id identifies a submission across re-imports.
"""

import csv
import io
import json
from datetime import datetime, timedelta, timezone

import pytest

from registration.offline.odk import parse_csv, parse_json
from registry.instrument import shipped_definition

DEFINITION = shipped_definition()
ANSWERS = {
    "tenure": "1",
    "floor_area_m2": "36",
    "floor_material": "2",
    "wall_material": "1",
    "roof_material": "4",
    "drinking_water": "5",
    "lighting": "1",
    "cooking_fuel": "3",
    "toilet_facility": "1",
    "refrigerator": "yes",
    "car": "no",
    "goat": "3",
}
BLOCK = {
    "tenure": "III",
    "floor_area_m2": "III",
    "floor_material": "III",
    "wall_material": "III",
    "roof_material": "III",
    "drinking_water": "III",
    "lighting": "III",
    "cooking_fuel": "III",
    "toilet_facility": "III",
    "refrigerator": "V_A",
    "car": "V_A",
    "goat": "V_B",
}
MEMBER = {
    "nik": "3201011708850001",
    "kk_number": "3201010101200001",
    "name": "Budi Santoso",
    "sex": "L",
    "birth_place": "Bogor",
    "birth_date": "1985-08-17",
    "family_order": "1",
    "relation_to_household_head": "1",
    "relation_to_family_head": "1",
    "marital_status": "2",
    "education": "3",
}
WIB = timezone(timedelta(hours=7))


def central_csv(rows: list[dict]) -> bytes:
    """ODK Central's flat CSV: group paths joined by '-', geopoint split in columns."""
    header = [
        "SubmissionDate",
        "start",
        "end",
        "block_I-household_ref",
        "block_I-village_code",
        "block_I-result",
        "block_I-location-Latitude",
        "block_I-location-Longitude",
        "block_I-location-Altitude",
        "block_I-location-Accuracy",
        *[f"block_{BLOCK[k]}-{k}" for k in ANSWERS],
        "meta-instanceID",
        "KEY",
    ]
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    for r in rows:
        writer.writerow(
            [
                "2026-01-05T03:00:00.000Z",
                "2026-01-05T09:00:00.000+07:00",
                r.get("end", "2026-01-05T09:30:00.000+07:00"),
                r.get("household_ref", "H-1"),
                r.get("village_code", "32.01.01.1001"),
                r.get("result", "1"),
                r.get("lat", "-6.48"),
                r.get("lon", "106.85"),
                "200",
                "5",
                *[r.get(k, v) for k, v in ANSWERS.items()],
                r["id"],
                r["id"],
            ]
        )
    return out.getvalue().encode()


def central_members_csv(members: list[tuple[str, dict]]) -> bytes:
    """Central's repeat CSV: paths inside the repeat ('nik', not 'members-nik'), then
    PARENT_KEY and KEY (test_offline_central.py builds the whole export from the XForm)."""
    header = [*MEMBER, "PARENT_KEY", "KEY"]
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    for index, (parent, m) in enumerate(members, start=1):
        writer.writerow(
            [m.get(k, v) for k, v in MEMBER.items()] + [parent, f"{parent}/members[{index}]"]
        )
    return out.getvalue().encode()


def kobo_record(uuid: str, result: str = "1", **changes) -> dict:
    record = {
        "_id": 1,
        "_uuid": uuid,
        "meta/instanceID": f"uuid:{uuid}",
        "start": "2026-01-05T09:00:00.000+07:00",
        "end": "2026-01-05T09:30:00.000+07:00",
        "block_I/household_ref": "H-2",
        "block_I/village_code": "32.01.01.1001",
        "block_I/result": result,
        "block_I/location": "-6.48 106.85 200 5",
        "_geolocation": [-6.48, 106.85],
        **{f"block_{BLOCK[k]}/{k}": v for k, v in ANSWERS.items()},
        "members": [{f"members/{k}": v for k, v in MEMBER.items()}],
    }
    record.update(changes)
    return record


def test_central_csv_with_its_members_file_gives_typed_answers_and_members():
    batch = parse_csv(
        central_csv([{"id": "uuid:aaa"}]),
        DEFINITION,
        members_csv=central_members_csv([("uuid:aaa", {})]),
    )
    assert batch.errors == []
    (visit,) = batch.submissions
    assert (visit.instance_id, visit.household_ref, visit.village_code, visit.result) == (
        "aaa",
        "H-1",
        "32.01.01.1001",
        1,
    )
    assert visit.visited_at == datetime(2026, 1, 5, 9, 30, tzinfo=WIB)
    assert (visit.latitude, visit.longitude) == (-6.48, 106.85)
    assert visit.answers["floor_area_m2"] == 36 and visit.answers["tenure"] == 1
    assert visit.answers["refrigerator"] is True and visit.answers["car"] is False
    assert visit.members == [
        {
            "nik": "3201011708850001",
            "kk_number": "3201010101200001",
            "name": "Budi Santoso",
            "sex": "L",
            "birth_place": "Bogor",
            "birth_date": "1985-08-17",
            "family_order": 1,
            "pregnant": False,
            "relation_to_household_head": 1,
            "relation_to_family_head": 1,
            "marital_status": 2,
            "attributes": {
                "disability": 0,
                "chronic_illness": 0,
                "school_participation": 0,
                "education": 3,
                "work_sector": 0,
                "employment_status": 0,
            },
        }
    ]


def test_kobo_json_gives_the_same_visit_as_the_central_csv():
    from_kobo = parse_json(
        json.dumps({"count": 1, "results": [kobo_record("bbb")]}).encode(), DEFINITION
    ).submissions[0]
    from_csv = parse_csv(
        central_csv([{"id": "uuid:bbb", "household_ref": "H-2"}]),
        DEFINITION,
        members_csv=central_members_csv([("uuid:bbb", {})]),
    ).submissions[0]
    assert from_kobo.errors == []
    assert (from_kobo.instance_id, from_kobo.answers, from_kobo.members) == (
        from_csv.instance_id,
        from_csv.answers,
        from_csv.members,
    )
    assert (from_kobo.latitude, from_kobo.longitude) == (-6.48, 106.85)


def test_central_odata_json_with_nested_groups_and_geojson_is_read():
    odata = {
        "value": [
            {
                "__id": "uuid:ccc",
                "start": "2026-01-05T09:00:00.000+07:00",
                "end": "2026-01-05T09:30:00.000+07:00",
                "block_I": {
                    "household_ref": "H-3",
                    "village_code": "32.01.01.1001",
                    "result": "1",
                    "location": {
                        "type": "Point",
                        "coordinates": [106.85, -6.48, 200],
                        "properties": {"accuracy": 5},
                    },
                },
                **{
                    f"block_{b}": {k: ANSWERS[k] for k in ANSWERS if BLOCK[k] == b}
                    for b in ("III", "V_A", "V_B")
                },
                "members": [dict(MEMBER, __id="m1")],
                "meta": {"instanceID": "uuid:ccc"},
            }
        ]
    }
    (visit,) = parse_json(odata, DEFINITION).submissions
    assert visit.errors == []
    assert (visit.instance_id, visit.household_ref) == ("ccc", "H-3")
    assert (visit.latitude, visit.longitude) == (-6.48, 106.85)
    assert visit.members[0]["nik"] == "3201011708850001"


def test_not_found_households_need_no_answers_or_members():
    batch = parse_csv(
        central_csv(
            [
                {"id": "uuid:d", "result": code, **dict.fromkeys(ANSWERS, "")}
                for code in ("2", "3", "4", "5")
            ][:1]
        ),
        DEFINITION,
    )
    assert batch.errors == []
    assert batch.submissions[0].result == 2 and batch.submissions[0].members == []


@pytest.mark.parametrize("code", ["0", "6", "x", ""])
def test_an_unknown_result_code_is_an_error(code):
    (error,) = parse_csv(central_csv([{"id": "uuid:e", "result": code}]), DEFINITION).errors
    assert (error.row, error.field) == (2, "result")
    assert error.message("id") and error.message("en")


def test_each_invalid_field_is_reported_with_its_row_and_in_both_languages():
    rows = [
        {"id": "uuid:ok"},
        {"id": "uuid:bad", "floor_material": "99", "floor_area_m2": "0", "refrigerator": "maybe"},
    ]
    members = [("uuid:ok", {}), ("uuid:bad", {"nik": "3201011708850000"})]
    batch = parse_csv(central_csv(rows), DEFINITION, members_csv=central_members_csv(members))
    assert [(e.row, e.field) for e in batch.errors] == [
        (3, "refrigerator"),
        (3, "floor_area_m2"),
        (3, "floor_material"),
        (3, "members[1].nik"),
    ]
    by_field = {e.field: e for e in batch.errors}
    assert (
        by_field["floor_material"].message_en == "Main floor material: code 99 is not in the list."
    )
    assert by_field["floor_material"].message_id == (
        "Jenis lantai terluas: kode 99 tidak ada dalam daftar."
    )
    assert "0000" in by_field["members[1].nik"].message_en
    assert [s.instance_id for s in batch.valid] == ["ok"]


def test_a_verified_household_without_members_or_required_answers_is_refused():
    batch = parse_csv(central_csv([{"id": "uuid:f", "tenure": "", "lat": ""}]), DEFINITION)
    assert {e.field for e in batch.errors} == {"location", "tenure", "members"}


def test_the_same_instance_twice_in_a_file_is_reported_once():
    batch = parse_json([kobo_record("ggg"), kobo_record("ggg")], DEFINITION)
    assert [(e.row, e.field) for e in batch.errors] == [(2, "instance_id")]
    assert batch.errors[0].message_en == "The same submission is already in row 1."
