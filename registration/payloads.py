"""What each kind of proposal carries in its payload, checked when it is proposed and read back
at penetapan. Plain dicts (JSON) in, registry dataclasses out.

    new_household:  {address, rt, rw, families: [{kk_number, members: [MEMBER]}], answers?}
    add_member:     {kk_number, member: MEMBER}
    remove_member:  {reason: an InactiveReason (deceased, moved, ...), note?}
    correct_data:   {changes: {field: new value}}  member fields when the proposal names a
                    member, else household fields (address, rt, rw)
    move_household: {village_code, address, rt?, rw?}
    deactivate:     {reason: an InactiveReason, note?}

MEMBER: {nik, name, sex, birth_date 'YYYY-MM-DD', relation_to_household_head,
         relation_to_family_head, family_order, marital_status, birth_place?, pregnant?,
         attributes?: {disability, education, ...}}
"""

from datetime import date
from typing import Any

from django.utils.translation import gettext as _

from base.i18n import content_language
from registry import identity
from registry.models import InactiveReason, Member, Sex
from registry.services import MEMBER_CORRECTABLE, FamilyData, MemberData

from .models import Kind

HOUSEHOLD_FIELDS = {"address", "rt", "rw"}
MEMBER_FIELDS = MEMBER_CORRECTABLE
_REQUIRED_MEMBER = [
    "nik",
    "name",
    "sex",
    "birth_date",
    "relation_to_household_head",
    "relation_to_family_head",
    "family_order",
    "marital_status",
]


def member_data(d: dict[str, Any]) -> MemberData:
    """A member dict of a payload as the registry's MemberData (ValueError/KeyError if broken)."""
    return MemberData(
        nik=identity.normalize_digits(str(d.get("nik") or "")),
        name=str(d["name"]).strip(),
        sex=d["sex"],
        birth_date=date.fromisoformat(d["birth_date"]) if d.get("birth_date") else None,
        relation_to_household_head=int(d["relation_to_household_head"]),
        relation_to_family_head=int(d["relation_to_family_head"]),
        family_order=int(d["family_order"]),
        marital_status=int(d["marital_status"]),
        birth_place=d.get("birth_place", ""),
        pregnant=bool(d.get("pregnant", False)),
        attributes={k: int(v) for k, v in (d.get("attributes") or {}).items()},
    )


def families(payload: dict) -> list[FamilyData]:
    return [
        FamilyData(
            kk_number=identity.normalize_digits(f["kk_number"]),
            members=[member_data(m) for m in f["members"]],
        )
        for f in payload["families"]
    ]


def _nik_error(value: str) -> str | None:
    parsed = identity.parse_nik(value)
    return None if parsed.ok else identity.message(parsed.errors[0], content_language())


def _kk_error(value: str) -> str | None:
    parsed = identity.parse_kk(value)
    return None if parsed.ok else identity.message(parsed.errors[0], content_language())


def _member_errors(d: Any, key: str) -> dict[str, str]:
    if not isinstance(d, dict):
        return {key: _("Give the member's details.")}
    errors = {
        f"{key}.{f}": _("This field is required.")
        for f in _REQUIRED_MEMBER
        if d.get(f) in (None, "")
    }
    if errors:
        return errors
    problem = _nik_error(str(d["nik"]))
    if problem:
        return {f"{key}.nik": problem}
    try:
        member_data(d)
    except (ValueError, TypeError, KeyError):
        return {
            key: _("The member's details are not valid (dates as YYYY-MM-DD, codes as numbers).")
        }
    if d["sex"] not in ("L", "P"):
        return {f"{key}.sex": _("Sex must be L or P.")}
    return {}


def _reason_errors(payload: dict) -> dict[str, str]:
    if payload.get("reason") not in InactiveReason.values:
        return {"reason": _("Choose the reason for deactivation.")}
    return {}


def errors(kind: str, payload: dict, has_member: bool) -> dict[str, str]:
    """{field: message in the active language} for everything wrong with the payload."""
    if kind == Kind.NEW_HOUSEHOLD:
        return _new_household_errors(payload)
    if kind == Kind.ADD_MEMBER:
        problem = _kk_error(str(payload.get("kk_number") or ""))
        found = {"kk_number": problem} if problem else {}
        return found | _member_errors(payload.get("member"), "member")
    if kind == Kind.REMOVE_MEMBER:
        return ({} if has_member else {"member": _("Choose the member.")}) | _reason_errors(payload)
    if kind == Kind.CORRECT_DATA:
        return _correction_errors(payload, has_member)
    if kind == Kind.MOVE_HOUSEHOLD:
        needed = {"village_code": payload.get("village_code"), "address": payload.get("address")}
        return {k: _("This field is required.") for k, v in needed.items() if not v}
    if kind == Kind.DEACTIVATE:
        return _reason_errors(payload)
    return {"kind": _("Unknown kind of proposal.")}


def _new_household_errors(payload: dict) -> dict[str, str]:
    found: dict[str, str] = {}
    if not str(payload.get("address") or "").strip():
        found["address"] = _("This field is required.")
    fams = payload.get("families") or []
    if not fams:
        found["families"] = _("Add at least one family (KK) with its members.")
    for f_index, fam in enumerate(fams, start=1):
        key = f"families[{f_index}]"
        problem = _kk_error(str(fam.get("kk_number") or ""))
        if problem:
            found[f"{key}.kk_number"] = problem
        if not fam.get("members"):
            found[f"{key}.members"] = _("Add at least one member.")
        for m_index, m in enumerate(fam.get("members") or [], start=1):
            found |= _member_errors(m, f"{key}.members[{m_index}]")
    return found


def _correction_errors(payload: dict, has_member: bool) -> dict[str, str]:
    changes = payload.get("changes")
    if not isinstance(changes, dict) or not changes:
        return {"changes": _("Name at least one field to correct.")}
    allowed = MEMBER_FIELDS if has_member else HOUSEHOLD_FIELDS
    unknown = sorted(set(changes) - allowed)
    if unknown:
        return {f"changes.{k}": _("This field cannot be corrected here.") for k in unknown}
    if "nik" in changes:
        problem = _nik_error(str(changes["nik"]))
        if problem:
            return {"changes.nik": problem}
    return {}


def people(kind: str, payload: dict) -> list[tuple[str, dict]]:
    """(field key, member dict) for every person the payload brings in or renames."""
    if kind == Kind.NEW_HOUSEHOLD:
        return [
            (f"families[{fi}].members[{mi}]", m)
            for fi, fam in enumerate(payload.get("families") or [], start=1)
            for mi, m in enumerate(fam.get("members") or [], start=1)
        ]
    if kind == Kind.ADD_MEMBER:
        return [("member", payload["member"])]
    if kind == Kind.CORRECT_DATA and "nik" in (payload.get("changes") or {}):
        return [("changes", payload["changes"])]
    return []


def identity_warnings(kind: str, payload: dict, member: Member | None = None) -> list[dict]:
    """Where a NIK contradicts the sex or birth date recorded beside it (the NIK encodes both:
    DDMMYY, with 40 added to a woman's day of birth). Checked for every person the proposal
    brings in, and for the member a correction leaves behind. Never stored: computed from the
    payload wherever the proposal is shown, so proposals from every source are checked."""
    found: list[dict] = []
    for key, person in _people_as_recorded(kind, payload, member):
        found += _nik_conflicts(key, person)
    return found


def _people_as_recorded(kind: str, payload: dict, member: Member | None) -> list[tuple[str, dict]]:
    if kind in (Kind.NEW_HOUSEHOLD, Kind.ADD_MEMBER):
        return [(k, p) for k, p in people(kind, payload) if isinstance(p, dict)]
    if kind == Kind.CORRECT_DATA and member is not None:
        current = {
            "nik": member.nik,
            "name": member.name,
            "sex": member.sex,
            "birth_date": member.birth_date.isoformat() if member.birth_date else "",
        }
        changes = payload.get("changes") if isinstance(payload.get("changes"), dict) else {}
        return [("changes", current | {k: v for k, v in changes.items() if k in current})]
    return []


def _iso_date(value: Any) -> date | None:
    try:
        return date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def _nik_conflicts(key: str, person: dict) -> list[dict]:
    nik = identity.normalize_digits(str(person.get("nik") or ""))
    parsed = identity.parse_nik(nik)
    if not parsed.ok:  # an invalid NIK is an error of its own, reported where it is entered
        return []
    who = {"name": str(person.get("name") or ""), "nik": identity.mask_nik(nik)}
    found = []
    sex = person.get("sex")
    if parsed.sex and sex in Sex.values and parsed.sex != sex:
        found.append(
            {
                "code": "nik_sex_mismatch",
                "field": f"{key}.sex",
                "message": _(
                    "%(name)s (NIK %(nik)s): the NIK says %(nik_sex)s, the sex is recorded as "
                    "%(sex)s. In a woman's NIK the day of birth is increased by 40."
                )
                % (who | {"nik_sex": Sex(parsed.sex).label.lower(), "sex": Sex(sex).label.lower()}),
            }
        )
    born = _iso_date(person.get("birth_date"))
    coded = parsed.birth_date
    if (
        born
        and coded
        and (born.day, born.month, born.year % 100)
        != (
            coded.day,
            coded.month,
            coded.year % 100,
        )
    ):
        found.append(
            {
                "code": "nik_birth_date_mismatch",
                "field": f"{key}.birth_date",
                "message": _(
                    "%(name)s (NIK %(nik)s): the birth date in the NIK (%(coded)s) differs from "
                    "the recorded birth date (%(born)s)."
                )
                % (who | {"coded": coded.strftime("%d-%m-%y"), "born": born.strftime("%d-%m-%Y")}),
            }
        )
    return found
