"""The XLSForm generated from the instrument is valid for ODK Collect/KoboCollect: sheets
survey/choices/settings, valid type names, unique names, balanced groups, every select_one
list present in choices, labels in Indonesian and English, form id kesos_dtks_v1; pyxform
(the converter ODK Central and Kobo run on upload) converts it with no error and no warning,
and ODK Validate (JavaRosa, Collect's form engine) accepts the XForm it makes."""

import io
import re
import shutil
import xml.etree.ElementTree as ET

import pytest
from defusedxml.ElementTree import fromstring
from openpyxl import load_workbook
from pyxform.xls2xform import convert

from conftest import _unavailable
from registration.offline.codes import RESULT_CODES
from registration.offline.xlsform import PHOTO_MAX_PIXELS, build_xlsform
from registry.instrument import questions, shipped_definition

BASIC_TYPES = {
    "start",
    "end",
    "today",
    "deviceid",
    "username",
    "text",
    "integer",
    "decimal",
    "date",
    "geopoint",
    "image",
    "begin_group",
    "end_group",
    "begin_repeat",
    "end_repeat",
    "note",
    "calculate",
}
XML_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_.-]*")


@pytest.fixture(scope="module")
def form() -> dict[str, list[dict]]:
    wb = load_workbook(io.BytesIO(build_xlsform(shipped_definition())))
    sheets = {}
    for ws in wb.worksheets:
        rows = [[c.value for c in row] for row in ws.iter_rows()]
        sheets[ws.title] = [dict(zip(rows[0], r, strict=True)) for r in rows[1:]]
    return sheets


def test_form_has_the_three_xlsform_sheets_and_its_settings(form):
    assert list(form) == ["survey", "choices", "settings"]
    settings = form["settings"][0]
    assert settings["form_id"] == "kesos_dtks_v1"
    assert settings["version"] == str(shipped_definition()["version"])


def test_every_type_is_a_valid_xlsform_type_and_selects_name_an_existing_list(form):
    lists = {c["list_name"] for c in form["choices"]}
    for row in form["survey"]:
        kind = row["type"]
        if kind.startswith("select_one "):
            assert kind.split(" ", 1)[1] in lists, kind
        else:
            assert kind in BASIC_TYPES, kind


def test_names_are_unique_valid_xml_names_and_groups_are_balanced(form):
    names = [r["name"] for r in form["survey"] if not r["type"].startswith("end_")]
    assert len(names) == len(set(names))
    assert all(XML_NAME.fullmatch(n) for n in names)
    depth = 0
    for row in form["survey"]:
        depth += row["type"].startswith("begin_") - row["type"].startswith("end_")
        assert depth >= 0
    assert depth == 0


def test_every_instrument_question_is_in_the_form_with_its_type_and_required_flag(form):
    by_name = {r["name"]: r for r in form["survey"] if not r["type"].startswith("end_")}
    for key, q in questions(shipped_definition()).items():
        row = by_name[key]
        expected = {
            "code": f"select_one {q.get('code_list')}",
            "boolean": "select_one yes_no",
            "integer": "integer",
        }[q["type"]]
        assert row["type"] == expected
        assert (row["required"] == "yes") == bool(q.get("required"))
    assert by_name["floor_area_m2"]["constraint"] == ". >= 1 and . <= 5000"


def test_visit_identification_result_codes_members_and_metadata_are_present(form):
    by_name = {r["name"]: r for r in form["survey"] if not r["type"].startswith("end_")}
    for name in ("start", "end", "today", "household_ref", "village_code", "location", "photo"):
        assert name in by_name
    assert by_name["location"]["type"] == "geopoint"
    assert by_name["photo"]["type"] == "image"
    assert by_name["members"]["type"] == "begin_repeat"
    assert by_name["nik"]["constraint"] == "regex(., '^[0-9]{16}$')"
    result_choices = {int(c["name"]) for c in form["choices"] if c["list_name"] == "result"}
    assert result_choices == set(RESULT_CODES) == {1, 2, 3, 4, 5}
    # The household blocks and members are asked only for a verified household (result 1).
    assert by_name["block_III"]["relevant"] == "${result} = '1'"


def test_every_label_is_given_in_indonesian_and_english(form):
    for row in form["survey"]:
        if row["type"].startswith(
            ("begin_", "select_one", "text", "integer", "date", "geo", "image")
        ):
            assert row["label::Indonesian (id)"] and row["label::English (en)"], row["name"]
    for choice in form["choices"]:
        assert choice["label::Indonesian (id)"] and choice["label::English (en)"]


XF = "{http://www.w3.org/2002/xforms}"
BIND_TYPES = {"code": "string", "boolean": "string", "integer": "int"}


def _binds(xform: str) -> dict[str, ET.Element]:
    model = fromstring(xform).find(f"{{http://www.w3.org/1999/xhtml}}head/{XF}model")
    return {b.get("nodeset"): b for b in model.iter(f"{XF}bind")}


def test_pyxform_converts_the_form_without_any_error_or_warning():
    warnings: list[str] = []

    result = convert(build_xlsform(shipped_definition()), warnings=warnings)

    assert warnings == []
    binds = _binds(result.xform)
    for block in shipped_definition()["blocks"]:
        group = "block_" + block["id"].replace(".", "_")
        for q in block["questions"]:
            bind = binds[f"/data/{group}/{q['key']}"]
            assert bind.get("type") == BIND_TYPES[q["type"]], q["key"]
            assert (bind.get("required") == "true()") == bool(q.get("required")), q["key"]
    assert binds["/data/block_I/location"].get("type") == "geopoint"
    photo = binds["/data/block_I/photo"]
    assert photo.get("{http://openrosa.org/xforms}max-pixels") == str(PHOTO_MAX_PIXELS)
    assert binds["/data/meta/instanceID"].get("{http://openrosa.org/javarosa}preload") == "uid"
    assert 'nodeset="/data/members"' in result.xform  # the members repeat


def test_odk_validate_accepts_the_xform_without_warnings():
    if shutil.which("java") is None:
        _unavailable("ODK Validate needs Java (apt-get install default-jre-headless)")
    warnings: list[str] = []

    # Raises ODKValidateError, with JavaRosa's messages, on a form Collect would refuse.
    convert(build_xlsform(shipped_definition()), warnings=warnings, validate=True)

    assert warnings == []
