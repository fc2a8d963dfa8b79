"""Input tables of the targeting view for a few households, written the way a reader thinks of
them: `household(member(45, head=True), member(40, sex="P"), desil=2)`. `rows(...)` gives the
row dicts of `programs/single.py` SCHEMAS; `both_paths(...)` decides them through the bulk path
(batch.evaluate over DuckDB, read back from decisions.parquet) and the single path (view_rows
over one household's rows + decide_units), asserts that they agree, and returns the decisions."""

import json
import tempfile
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path

import duckdb

from programs import batch
from programs.compile import RuleSetSpec, build
from programs.rules import Context
from programs.single import decide_units, tables_from_rows, view_rows

AS_OF = date(2021, 7, 1)
DEFINITIONS = Path(__file__).resolve().parent.parent / "definitions"
PROGRAMS = ["sembako", "pkh", "bst", "pbi-jk", "beras", "yatim-covid"]
LIST_KINDS = ["asn", "tni_polri", "pensiun", "pendamping", "guru_sertifikasi", "gaji_apbn_apbd",
              "ahu", "penghasilan", "prakerja", "yatim_covid"]  # programs.models.lists.ListKind
BOGOR_VILLAGE = "32.01.01.2001"  # Kabupaten Bogor, Jawa Barat
UMK_BOGOR = 4_217_206
OUTCOME = ("decision", "reason", "segment", "amount", "components")


@dataclass
class Member:
    age: int | None = 30  # whole years on AS_OF; None: birth date unknown
    sex: str = "L"
    head: bool = False
    pregnant: bool = False
    disability: int = 0
    in_school: bool = False
    education: int = 0  # highest certificate: 0 none, 1 SD, 2 SMP, 3 SMA
    employment: int = 0
    nik: str | None = None  # None: made up from the ids; "": no NIK
    match: str | None = "padan"  # civil-registry status; None: not matched yet
    deceased: bool = False
    lists: tuple[str, ...] = ()
    wage: int | None = None  # monthly wage on the 'penghasilan' list
    status: str = "active"
    birth_date: date | None = None  # overrides age


def member(age: int | None = 30, **fields) -> Member:
    return Member(age, **fields)


def head(age: int | None = 45, **fields) -> Member:
    return Member(age, head=True, **fields)


@dataclass
class Household:
    members: tuple[Member, ...]
    village: str = BOGOR_VILLAGE
    status: str = "active"
    desil: int | None = 2
    score: float | None = None
    enrolled: tuple[str, ...] = ()
    id: int = 0  # 0: numbered by rows()
    extra: dict = field(default_factory=dict)


def household(*members: Member, **fields) -> Household:
    return Household(members, **fields)


def birth_date(m: Member) -> date | None:
    if m.birth_date or m.age is None:
        return m.birth_date
    return date(AS_OF.year - m.age, 1, 1)


def rows(*households: Household, umk: dict[str, int] | None = None) -> dict[str, list[dict]]:
    """Row dicts of the seven input relations; UMK per regency (default: Bogor's only)."""
    out: dict[str, list[dict]] = {name: [] for name in (
        "households", "members", "member_match", "household_score", "list_entries",
        "minimum_wages", "current_enrollment")}
    for number, h in enumerate(households, 1):
        hid = h.id or number
        out["households"].append({"household_id": hid, "village_code": h.village,
                                  "status": h.status})
        if h.desil is not None or h.score is not None:
            out["household_score"].append({
                "household_id": hid, "score": h.score if h.score is not None else float(hid),
                "desil_national": h.desil, "desil_province": h.desil})
        out["current_enrollment"] += [{"program_code": c, "household_id": hid}
                                      for c in h.enrolled]
        for index, m in enumerate(h.members, 1):
            _member_rows(out, hid, hid * 100 + index, m)
    wages = {"32.01": UMK_BOGOR} if umk is None else umk
    out["minimum_wages"] = [{"regency_code": r, "amount": a} for r, a in wages.items()]
    return out


def _member_rows(out: dict, hid: int, mid: int, m: Member) -> None:
    nik = f"32{mid:014d}" if m.nik is None else m.nik
    out["members"].append({
        "member_id": mid, "household_id": hid, "nik": nik, "birth_date": birth_date(m),
        "sex": m.sex, "relation_to_household_head": 1 if m.head else 3, "pregnant": m.pregnant,
        "disability": m.disability, "school_participation": 1 if m.in_school else 2,
        "education": m.education, "employment_status": m.employment, "status": m.status})
    if m.match is not None or m.deceased:
        out["member_match"].append({"member_id": mid, "status": m.match or "tidak_padan",
                                    "deceased": m.deceased})
    out["list_entries"] += [{"kind": k, "nik": nik, "monthly_income": None} for k in m.lists]
    if m.wage is not None:
        out["list_entries"].append({"kind": "penghasilan", "nik": nik, "monthly_income": m.wage})


# --- programs and the two paths -----------------------------------------------------------------


@cache
def spec(code: str) -> RuleSetSpec:
    """The shipped definition of `code`, checked by compile.build."""
    definition = json.loads((DEFINITIONS / f"{code}.json").read_text())
    context = Context(definition["program"]["unit"], frozenset(LIST_KINDS), frozenset(PROGRAMS))
    return build(definition["rules"], context)


def bulk(data: dict[str, list[dict]], codes: list[str],
         quotas: dict[str, dict[str, int]] | None = None) -> dict[str, dict]:
    """{code: {unit key: decisions.parquet row}} from batch.evaluate over all households."""
    con = duckdb.connect()
    for name, table in tables_from_rows(data).items():
        con.register(name, table)
    runs = [batch.ProgramRun(c, spec(c), (quotas or {}).get(c, {})) for c in codes]
    with tempfile.TemporaryDirectory() as out:
        batch.evaluate(con, runs, Path(out), AS_OF, LIST_KINDS, PROGRAMS)
        result = {}
        for c in codes:
            cursor = con.execute(f"SELECT * FROM '{out}/{c}/decisions.parquet'")  # noqa: S608
            names = [d[0] for d in cursor.description]
            found = [dict(zip(names, r, strict=True)) for r in cursor.fetchall()]
            key = "member_id" if spec(c).unit == "person" else "household_id"
            result[c] = {r[key]: r for r in found}
    con.close()
    return result


def one_household(data: dict[str, list[dict]], hid: int) -> dict[str, list[dict]]:
    """The rows a live read for household `hid` gives: its own, its members', their list
    entries (by NIK), the UMK table and its enrollments."""
    members = [m for m in data["members"] if m["household_id"] == hid]
    ids = {m["member_id"] for m in members}
    niks = {m["nik"] for m in members if m["nik"]}
    return {
        "households": [h for h in data["households"] if h["household_id"] == hid],
        "members": members,
        "member_match": [m for m in data["member_match"] if m["member_id"] in ids],
        "household_score": [s for s in data["household_score"] if s["household_id"] == hid],
        "list_entries": [e for e in data["list_entries"] if e["nik"] in niks],
        "minimum_wages": data["minimum_wages"],
        "current_enrollment": [e for e in data["current_enrollment"]
                               if e["household_id"] == hid],
    }


def single(data: dict[str, list[dict]], codes: list[str]) -> dict[str, dict]:
    """{code: {unit key: outcome}} deciding each household alone."""
    result: dict[str, dict] = {c: {} for c in codes}
    for h in data["households"]:
        hid = h["household_id"]
        households, members = view_rows(tables_from_rows(one_household(data, hid)), AS_OF,
                                         LIST_KINDS, PROGRAMS)
        for c in codes:
            for unit in decide_units(spec(c), households[0] if households else None, members):
                d = unit.decision
                result[c][unit.member_id or hid] = {
                    "decision": d.decision, "reason": d.reason, "segment": d.segment,
                    "amount": d.amount, "components": d.components, "explained": d}
    return result


def both_paths(data: dict[str, list[dict]], codes: list[str] | str = PROGRAMS
               ) -> dict[str, dict]:
    """Decide through both paths, assert they agree unit by unit, return the single path's
    outcomes ({code: {unit key: {decision, reason, segment, amount, components, explained}}})."""
    codes = [codes] if isinstance(codes, str) else list(codes)
    on_bulk, on_single = bulk(data, codes), single(data, codes)
    for c in codes:
        assert sorted(on_bulk[c]) == sorted(on_single[c]), c
        for key, got in on_single[c].items():
            expected = {k: on_bulk[c][key][k] for k in OUTCOME}
            assert {k: got[k] for k in OUTCOME} == expected, (c, key)
    return on_single


def outcome(*households: Household, program: str = "sembako", umk: dict | None = None) -> dict:
    """The single household's (first household's) outcome for one household program."""
    decided = both_paths(rows(*households, umk=umk), program)[program]
    return decided[households[0].id or 1]
