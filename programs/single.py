"""The single-household path: one household's rows, read live from the database, turned into
the targeting view's rows in Python, then decided clause by clause, so the answer explains
itself. The bulk path computes the same rows in SQL; tests hold the two together."""

from dataclasses import dataclass
from datetime import date
from typing import Any

import pyarrow as pa

from .attributes import HOUSEHOLD, PERSON, for_unit, list_column, program_column
from .compile import Decision, RuleSetSpec, decide
from .targeting import INFORMAL, SEVERE_DISABILITY, SIDE_SCHEMAS

HOUSEHOLD_COLUMNS = pa.schema([("household_id", pa.int64()), ("village_code", pa.string()),
                               ("status", pa.string())])
MEMBER_COLUMNS = pa.schema([
    ("member_id", pa.int64()), ("household_id", pa.int64()), ("nik", pa.string()),
    ("birth_date", pa.date32()), ("sex", pa.string()), ("relation_to_household_head", pa.int16()),
    ("pregnant", pa.bool_()), ("disability", pa.int16()), ("school_participation", pa.int16()),
    ("education", pa.int16()), ("employment_status", pa.int16()), ("status", pa.string()),
])
SCHEMAS = {"households": HOUSEHOLD_COLUMNS, "members": MEMBER_COLUMNS, **SIDE_SCHEMAS}


@dataclass
class UnitDecision:
    """A program's decision for one unit (the household, or one member for person programs)."""

    member_id: int | None
    row: dict[str, Any]
    decision: Decision


def tables_from_rows(rows: dict[str, list[dict]]) -> dict[str, pa.Table]:
    """Arrow tables of the targeting inputs from plain row dicts (missing relations empty)."""
    return {name: pa.Table.from_pylist(rows.get(name, []), schema=schema)
            for name, schema in SCHEMAS.items()}


def view_rows(tables: dict[str, pa.Table], as_of: date, list_kinds: list[str],
              program_codes: list[str]) -> tuple[list[dict], list[dict]]:
    """Rows of household_view and member_view over the given (small) input tables, computed
    in Python with the meaning of programs/targeting.py's SQL (a household's answer must not
    wait for a SQL planner; the property test holds the two to the same answers)."""
    rows = {name: table.to_pylist() for name, table in tables.items()}
    kinds, codes = sorted(set(list_kinds)), sorted(set(program_codes))
    people = _people(rows, as_of, kinds)
    households = [_household(h, [p for p in people if p["household_id"] == h["household_id"]],
                             rows, kinds, codes)
                  for h in sorted(rows["households"], key=lambda h: h["household_id"])]
    by_id = {h["household_id"]: h for h in households}
    carried = [n for n, a in for_unit(HOUSEHOLD).items() if PERSON in a.units]
    carried += ["welfare_score"] + [program_column(c) for c in codes]
    members = []
    for p in sorted(people, key=lambda p: p["member_id"]):
        household = by_id.get(p["household_id"])
        if household is None:
            continue
        members.append({
            "member_id": p["member_id"], "household_id": p["household_id"], "age": p["age"],
            "sex": p["sex"], "padan": _as_bool(p["padan_i"]), "disabled": p["disabled_i"] == 1,
            "pregnant": p["pregnant_i"] == 1, "in_school": p["in_school_i"] == 1,
            "is_head": p["head_i"] == 1,
            **{list_column(k): p["lists"][k] == 1 for k in kinds},
            **{n: household[n] for n in carried}})
    return households, members


def _age(birth: date | None, as_of: date) -> int | None:
    if birth is None:
        return None
    later = birth.month * 100 + birth.day > as_of.month * 100 + as_of.day
    return as_of.year - birth.year - (1 if later else 0)


def _people(rows: dict[str, list[dict]], as_of: date, kinds: list[str]) -> list[dict]:
    """Active members not deceased per Dukcapil, with person attributes (targeting.person_sql)."""
    matches = {m["member_id"]: m for m in rows["member_match"]}
    entries: dict[str, list[dict]] = {}
    for e in rows["list_entries"]:
        entries.setdefault(e["nik"], []).append(e)
    people = []
    for m in rows["members"]:
        match = matches.get(m["member_id"])
        if m["status"] != "active" or (match and match["deceased"]):
            continue
        age = _age(m["birth_date"], as_of)
        found = entries.get(m["nik"], []) if m["nik"] else []
        incomes = [e["monthly_income"] for e in found
                   if e["kind"] == "penghasilan" and e["monthly_income"] is not None]
        in_school = m["school_participation"] == 1
        education = m["education"]
        people.append({
            "member_id": m["member_id"], "household_id": m["household_id"], "sex": m["sex"],
            "age": age,
            "padan_i": None if match is None or match["status"] is None
            else int(match["status"] == "padan"),
            "disabled_i": int((m["disability"] or 0) > 0),
            "severe_i": int(m["disability"] in SEVERE_DISABILITY),
            "pregnant_i": int(bool(m["pregnant"])),
            "in_school_i": int(in_school),
            "school_level": ((None if education is None else education + 1)
                             if in_school and age is not None and age < 21 else 0),
            "informal_i": int(m["employment_status"] in INFORMAL),
            "head_i": int(m["relation_to_household_head"] == 1),
            "income": max(incomes) if incomes else None,
            "lists": {k: int(any(e["kind"] == k for e in found)) for k in kinds},
        })
    return people


def _household(h: dict, people: list[dict], rows: dict[str, list[dict]], kinds: list[str],
               codes: list[str]) -> dict:
    """One household_view row (targeting.households_from_people_sql)."""
    village = h["village_code"]
    score = next((s for s in rows["household_score"]
                  if s["household_id"] == h["household_id"]), None)
    umk = next((w["amount"] for w in rows["minimum_wages"]
                if w["regency_code"] == village[:5]), None)
    heads = [p for p in people if p["head_i"] == 1]
    padan = [p["padan_i"] for p in people]
    incomes = [p["income"] for p in people if p["income"] is not None]
    max_income = max(incomes) if incomes else None
    enrolled = {e["program_code"] for e in rows["current_enrollment"]
                if e["household_id"] == h["household_id"]}

    def count(test) -> int:
        return sum(1 for p in people if test(p))

    def most(values):
        known = [v for v in values if v is not None]
        return max(known) if known else None

    return {
        "household_id": h["household_id"],
        "in_dtks": None if h["status"] is None else h["status"] == "active",
        "village_code": village, "district_code": village[:8], "regency_code": village[:5],
        "province_code": village[:2], "is_kota": int(village[3:5]) >= 71,
        "urban": village[9:10] == "1",
        "desil": score["desil_national"] if score else None,
        "desil_province": score["desil_province"] if score else None,
        "welfare_score": score["score"] if score else None,
        "head_padan": _as_bool(most(p["padan_i"] for p in heads)),
        "all_padan": None if not people else (
            False if 0 in padan else None if None in padan else True),
        "has_head": bool(heads),
        "n_members": len(people),
        "head_age": most(p["age"] for p in heads),
        "head_sex": most(p["sex"] for p in heads),
        "n_elderly": count(lambda p: p["age"] is not None and p["age"] >= 60),
        "n_disabled": count(lambda p: p["disabled_i"]),
        "n_severe_disability": count(lambda p: p["severe_i"]),
        "n_pregnant": count(lambda p: p["pregnant_i"]),
        "n_children_0_6": count(lambda p: p["age"] is not None and p["age"] <= 6),
        "n_children": count(lambda p: p["age"] is not None and p["age"] < 18),
        "n_school_sd": count(lambda p: p["school_level"] == 1),
        "n_school_smp": count(lambda p: p["school_level"] == 2),
        "n_school_sma": count(lambda p: p["school_level"] == 3),
        "n_informal_workers": count(lambda p: p["informal_i"]),
        "max_income": max_income, "umk": umk,
        "income_above_umk": (False if max_income is None else None if umk is None
                             else max_income > umk),
        **{list_column(k): any(p["lists"][k] for p in people) for k in kinds},
        **{program_column(c): c in enrolled for c in codes},
    }


def _as_bool(flag: int | None) -> bool | None:
    return None if flag is None else flag == 1


def decide_units(spec: RuleSetSpec, household: dict | None, members: list[dict]
                 ) -> list[UnitDecision]:
    """One decision per unit of the program (the household, or each active member)."""
    if spec.unit == "person":
        return [UnitDecision(m["member_id"], m, decide(spec, m)) for m in members]
    return [UnitDecision(None, household, decide(spec, household))] if household else []
