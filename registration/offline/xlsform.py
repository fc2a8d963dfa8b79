"""The household-visit instrument as an XLSForm (sheets survey, choices, settings) for ODK
Collect / KoboCollect, generated from the instrument definition so the two never drift.

Form layout (names are what the exports carry, see odk.py):

    start, end, today, deviceid, username        metadata
    block_I: household_ref, village_code, result, location (geopoint), photo (image,
        scaled to PHOTO_MAX_PIXELS on the phone)
    block_<id> per instrument block (III, V_A, ...): its questions, only when result = 1
    members (repeat, only when result = 1): nik, kk_number, name, sex, birth_place,
        birth_date, relation_to_household_head, ..., employment_status

Code questions are select_one over the instrument's code lists (choice name = the code),
booleans are select_one yes_no, integers carry their min/max as a constraint.
"""

import io

from openpyxl import Workbook

from .codes import RESULT_CODES, SEX_CODES, YES_NO

LANGS = (("id", "Indonesian (id)"), ("en", "English (en)"))
SURVEY_COLUMNS = [
    "type",
    "name",
    *[f"label::{name}" for _, name in LANGS],
    "required",
    "relevant",
    "constraint",
    *[f"constraint_message::{name}" for _, name in LANGS],
    "appearance",
    "parameters",
]
CHOICE_COLUMNS = ["list_name", "name", *[f"label::{name}" for _, name in LANGS]]
SETTINGS_COLUMNS = ["form_title", "form_id", "version", "default_language", "instance_name"]

VERIFIED_ONLY = "${result} = '1'"
PHOTO_MAX_PIXELS = 1024  # longest side; enough to recognise the dwelling
NIK_PATTERN = "^[0-9]{16}$"
VILLAGE_PATTERN = r"^[0-9]{2}\.[0-9]{2}\.[0-9]{2}\.[0-9]{4}$"
# Lists the form adds to the instrument's own code lists.
FORM_LISTS = {"result": RESULT_CODES, "sex": SEX_CODES, "yes_no": YES_NO}


def form_id(definition: dict) -> str:
    return f"kesos_{definition['code']}_v{definition['version']}"


def block_group(block_id: str) -> str:
    """'V.A' -> 'block_V_A': a valid XML name for the block's group."""
    return "block_" + block_id.replace(".", "_")


def build_xlsform(definition: dict, form_version: str | None = None) -> bytes:
    """The XLSForm as XLSX bytes. `form_version` defaults to the instrument version; ODK
    Central needs a new one each time a changed form is uploaded."""
    wb = Workbook()
    sheets = (
        ("survey", SURVEY_COLUMNS, survey_rows(definition)),
        ("choices", CHOICE_COLUMNS, choice_rows(definition)),
        ("settings", SETTINGS_COLUMNS, [settings_row(definition, form_version)]),
    )
    wb.remove(wb.active)
    for title, columns, rows in sheets:
        ws = wb.create_sheet(title)
        ws.append(columns)
        for row in rows:
            ws.append([row.get(c, "") for c in columns])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def settings_row(definition: dict, form_version: str | None = None) -> dict:
    return {
        "form_title": definition["title"]["id"],
        "form_id": form_id(definition),
        "version": form_version or str(definition["version"]),
        "default_language": LANGS[0][1],
        "instance_name": "concat(${household_ref}, ' / ', ${result})",
    }


def _labels(prefix: str, texts: dict[str, str]) -> dict[str, str]:
    return {f"{prefix}::{name}": texts[lang] for lang, name in LANGS}


def _row(kind: str, name: str, label: dict[str, str] | None = None, **extra: str) -> dict:
    return {"type": kind, "name": name, **(_labels("label", label) if label else {}), **extra}


def _constraint(expression: str, message_id: str, message_en: str) -> dict[str, str]:
    return {
        "constraint": expression,
        **_labels("constraint_message", {"id": message_id, "en": message_en}),
    }


def survey_rows(definition: dict) -> list[dict]:
    rows = [_row(kind, kind) for kind in ("start", "end", "today", "deviceid", "username")]
    rows += _identification_rows()
    for block in definition["blocks"]:
        rows.append(
            _row(
                "begin_group",
                block_group(block["id"]),
                {k: f"Blok {block['id']}. {v}" for k, v in block["title"].items()},
                relevant=VERIFIED_ONLY,
            )
        )
        rows += [_question_row(q) for q in block["questions"]]
        rows.append(_row("end_group", block_group(block["id"])))
    rows += _member_rows(definition)
    return rows


def _identification_rows() -> list[dict]:
    return [
        _row(
            "begin_group", "block_I", {"id": "Blok I. Pengenalan tempat", "en": "Block I. Location"}
        ),
        _row(
            "text",
            "household_ref",
            {"id": "ID rumah tangga (prelist)", "en": "Household reference (prelist)"},
            required="yes",
        ),
        _row(
            "text",
            "village_code",
            {"id": "Kode desa/kelurahan", "en": "Village code"},
            required="yes",
            **_constraint(
                f"regex(., '{VILLAGE_PATTERN}')", "Format PP.KK.DD.VVVV", "Format PP.KK.DD.VVVV"
            ),
        ),
        _row(
            "select_one result",
            "result",
            {"id": "Hasil pendataan", "en": "Visit result"},
            required="yes",
        ),
        _row(
            "geopoint",
            "location",
            {"id": "Lokasi rumah", "en": "Location of the dwelling"},
            required=VERIFIED_ONLY,
        ),
        _row(
            "image",
            "photo",
            {"id": "Foto rumah", "en": "Photo of the dwelling"},
            # Collect scales the photo down on the phone, so submissions stay small on a
            # slow connection (pyxform warns about an image without it).
            parameters=f"max-pixels={PHOTO_MAX_PIXELS}",
        ),
        _row("end_group", "block_I"),
    ]


def _question_row(q: dict) -> dict:
    extra = {"required": "yes"} if q.get("required") else {}
    if q["type"] == "code":
        return _row(f"select_one {q['code_list']}", q["key"], q["label"], **extra)
    if q["type"] == "boolean":
        return _row("select_one yes_no", q["key"], q["label"], **extra)
    lo, hi = q.get("min"), q.get("max")
    bounds = []
    if lo is not None:
        bounds.append(f". >= {lo}")
    if hi is not None:
        bounds.append(f". <= {hi}")
    if bounds:
        extra |= _constraint(" and ".join(bounds), f"Harus {lo}–{hi}", f"Must be {lo}–{hi}")
    return _row("integer", q["key"], q["label"], **extra)


_MEMBER_LABELS = {
    "relation_to_household_head": {
        "id": "Hubungan dengan kepala rumah tangga",
        "en": "Relationship to the head of household",
    },
    "relation_to_family_head": {
        "id": "Hubungan dengan kepala keluarga",
        "en": "Relationship to the head of family",
    },
    "marital_status": {"id": "Status perkawinan", "en": "Marital status"},
    "disability": {"id": "Jenis disabilitas", "en": "Disability"},
    "chronic_illness": {"id": "Penyakit kronis", "en": "Chronic illness"},
    "school_participation": {"id": "Partisipasi sekolah", "en": "School participation"},
    "education": {"id": "Ijazah tertinggi", "en": "Highest certificate"},
    "work_sector": {"id": "Lapangan usaha", "en": "Sector of work"},
    "employment_status": {"id": "Status dalam pekerjaan", "en": "Employment status"},
}
_REQUIRED_MEMBER_CODES = {"relation_to_household_head", "relation_to_family_head", "marital_status"}


def _member_rows(definition: dict) -> list[dict]:
    digits16 = _constraint(f"regex(., '{NIK_PATTERN}')", "Harus 16 angka", "Must be 16 digits")
    rows = [
        _row(
            "begin_repeat",
            "members",
            {"id": "Blok IV. Anggota rumah tangga", "en": "Block IV. Household members"},
            relevant=VERIFIED_ONLY,
        ),
        _row("text", "nik", {"id": "NIK", "en": "NIK"}, required="yes", **digits16),
        _row(
            "text", "kk_number", {"id": "Nomor KK", "en": "KK number"}, required="yes", **digits16
        ),
        _row("text", "name", {"id": "Nama lengkap", "en": "Full name"}, required="yes"),
        _row("select_one sex", "sex", {"id": "Jenis kelamin", "en": "Sex"}, required="yes"),
        _row("text", "birth_place", {"id": "Tempat lahir", "en": "Place of birth"}),
        _row(
            "date",
            "birth_date",
            {"id": "Tanggal lahir", "en": "Birth date"},
            required="yes",
            **_constraint(". <= today()", "Tidak boleh di masa depan", "Must not be in the future"),
        ),
        _row(
            "integer",
            "family_order",
            {"id": "Nomor urut dalam KK", "en": "Order on the KK"},
            required="yes",
            **_constraint(". >= 1 and . <= 99", "Harus 1–99", "Must be 1–99"),
        ),
        _row(
            "select_one yes_no",
            "pregnant",
            {"id": "Sedang hamil", "en": "Pregnant"},
            relevant="${sex} = 'P'",
        ),
    ]
    for field, code_list in definition["member_fields"].items():
        extra = {"required": "yes"} if field in _REQUIRED_MEMBER_CODES else {}
        rows.append(_row(f"select_one {code_list}", field, _MEMBER_LABELS[field], **extra))
    rows.append(_row("end_repeat", "members"))
    return rows


def choice_rows(definition: dict) -> list[dict]:
    clash = set(FORM_LISTS) & set(definition["code_lists"])
    if clash:
        raise ValueError(f"code lists clash with the form's own lists: {sorted(clash)}")
    lists = {**FORM_LISTS, **definition["code_lists"]}
    return [
        {"list_name": list_name, "name": str(code), **_labels("label", label)}
        for list_name, codes in lists.items()
        for code, label in codes.items()
    ]
