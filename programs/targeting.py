# ruff: noqa: S608 -- SQL text is built from column names defined in code (list kinds and
# program codes are checked slugs); values reach it only as typed literals.
"""The targeting view: one row per household (`household_view`) and one per member
(`member_view`) with every attribute of `programs/attributes.py`, computed in plain SQL that
DuckDB, PostgreSQL and Spark SQL all accept.

It reads seven relations (the batch-engine contract):
    households, members            a registry snapshot (linkage/snapshots.py columns)
    member_match(member_id, status, deceased)             civil-registry match (issue 4)
    household_score(household_id, score, desil_national, desil_province)   ranking (issue 4)
    list_entries(kind, nik, monthly_income)               lists in force
    minimum_wages(regency_code, amount)                   UMK of the year
    current_enrollment(program_code, household_id)        KPM lists in force
The bulk path runs it over Parquet; the single-household path over the same relations holding
one household's rows, so both compute attributes from the same text."""

import re
from datetime import date

import pyarrow as pa

from base.sql import PORTABLE, literal

SIDE_SCHEMAS = {
    "member_match": pa.schema([("member_id", pa.int64()), ("status", pa.string()),
                               ("deceased", pa.bool_())]),
    "household_score": pa.schema([("household_id", pa.int64()), ("score", pa.float64()),
                                  ("desil_national", pa.int16()), ("desil_province", pa.int16())]),
    "list_entries": pa.schema([("kind", pa.string()), ("nik", pa.string()),
                               ("monthly_income", pa.int64())]),
    "minimum_wages": pa.schema([("regency_code", pa.string()), ("amount", pa.int64())]),
    "current_enrollment": pa.schema([("program_code", pa.string()), ("household_id", pa.int64())]),
}
SLUG = re.compile(r"[a-z][a-z0-9_-]{0,31}")
INFORMAL = (1, 2, 6, 7, 8)  # own-account, employer with temporary help, casual, unpaid family
SEVERE_DISABILITY = (6, 7, 8, 9, 12)  # multiple impairments, physical and mental


def _checked(names: list[str]) -> list[str]:
    for name in names:
        if not SLUG.fullmatch(name):
            raise ValueError(f"not a plain code: {name!r}")
    return sorted(set(names))


def age_sql(column: str, as_of: date) -> str:
    """Whole years from `column` (a DATE) to `as_of`."""
    mmdd = as_of.month * 100 + as_of.day
    return (f"({as_of.year} - EXTRACT(YEAR FROM {column}) - CASE WHEN "
            f"EXTRACT(MONTH FROM {column}) * 100 + EXTRACT(DAY FROM {column}) > {mmdd} "
            "THEN 1 ELSE 0 END)")


def _flag(condition: str) -> str:
    return f"CASE WHEN {condition} THEN 1 ELSE 0 END"


def _bool(int_expr: str) -> str:
    """1/0/NULL -> TRUE/FALSE/NULL."""
    return f"CASE {int_expr} WHEN 1 THEN TRUE WHEN 0 THEN FALSE END"


def person_sql(as_of: date, list_kinds: list[str]) -> str:
    """Active members (not deceased per Dukcapil) with their person attributes."""
    kinds = _checked(list_kinds)
    lists = "".join(f", MAX({_flag(f'kind = {literal(k, PORTABLE)}')}) AS l_{k}" for k in kinds)
    on_lists = "".join(f", COALESCE(pl.l_{k}, 0) AS l_{k}" for k in kinds)
    age = age_sql("m.birth_date", as_of)
    return f"""
    WITH person_lists AS (
        SELECT nik, MAX(CASE WHEN kind = 'penghasilan' THEN monthly_income END) AS income
               {lists}
        FROM list_entries GROUP BY nik
    )
    SELECT m.member_id, m.household_id, m.sex,
           {age} AS age,
           CASE WHEN mm.status IS NULL THEN NULL
                WHEN mm.status = 'padan' THEN 1 ELSE 0 END AS padan_i,
           {_flag('m.disability > 0')} AS disabled_i,
           {_flag(f'm.disability IN {SEVERE_DISABILITY}')} AS severe_i,
           {_flag('m.pregnant')} AS pregnant_i,
           {_flag('m.school_participation = 1')} AS in_school_i,
           CASE WHEN m.school_participation = 1 AND {age} < 21
                THEN m.education + 1 ELSE 0 END AS school_level,
           {_flag(f'm.employment_status IN {INFORMAL}')} AS informal_i,
           {_flag('m.relation_to_household_head = 1')} AS head_i,
           pl.income{on_lists}
    FROM members m
    LEFT JOIN member_match mm ON mm.member_id = m.member_id
    LEFT JOIN person_lists pl ON pl.nik = m.nik AND m.nik <> ''
    WHERE m.status = 'active' AND NOT COALESCE(mm.deceased, FALSE)
    """


def household_sql(as_of: date, list_kinds: list[str], program_codes: list[str]) -> str:
    """One row per household of the snapshot (inactive ones too: `in_dtks` says which)."""
    return (f"WITH people AS ({person_sql(as_of, list_kinds)}) "
            + households_from_people_sql(list_kinds, program_codes))


def households_from_people_sql(list_kinds: list[str], program_codes: list[str]) -> str:
    """household_view over a `people` relation holding person_sql's rows."""
    kinds, codes = _checked(list_kinds), _checked(program_codes)
    lists = "".join(f", MAX(p.l_{k}) AS l_{k}" for k in kinds)
    list_cols = "".join(f", COALESCE(c.l_{k}, 0) = 1 AS list_{k}" for k in kinds)
    progs = "".join(
        f", MAX({_flag(f'program_code = {literal(c, PORTABLE)}')}) AS p_{c.replace('-', '_')}"
        for c in codes)
    prog_cols = "".join(
        f", COALESCE(e.p_{c.replace('-', '_')}, 0) = 1 AS prog_{c.replace('-', '_')}"
        for c in codes)
    prog_join = (f"LEFT JOIN (SELECT household_id{progs} FROM current_enrollment "
                 "GROUP BY household_id) e ON e.household_id = h.household_id") if codes else ""
    composition = f"""
        SELECT p.household_id, COUNT(*) AS n_members, MAX(p.head_i) AS has_head_i,
               MAX(CASE WHEN p.head_i = 1 THEN p.age END) AS head_age,
               MAX(CASE WHEN p.head_i = 1 THEN p.sex END) AS head_sex,
               MAX(CASE WHEN p.head_i = 1 THEN p.padan_i END) AS head_padan_i,
               CASE WHEN SUM({_flag('p.padan_i = 0')}) > 0 THEN 0
                    WHEN SUM({_flag('p.padan_i IS NULL')}) > 0 THEN NULL ELSE 1
               END AS all_padan_i,
               SUM({_flag('p.age >= 60')}) AS n_elderly,
               SUM(p.disabled_i) AS n_disabled,
               SUM(p.severe_i) AS n_severe_disability,
               SUM(p.pregnant_i) AS n_pregnant,
               SUM({_flag('p.age <= 6')}) AS n_children_0_6,
               SUM({_flag('p.age < 18')}) AS n_children,
               SUM({_flag('p.school_level = 1')}) AS n_school_sd,
               SUM({_flag('p.school_level = 2')}) AS n_school_smp,
               SUM({_flag('p.school_level = 3')}) AS n_school_sma,
               SUM(p.informal_i) AS n_informal_workers,
               MAX(p.income) AS max_income{lists}
        FROM people p GROUP BY p.household_id"""
    return f"""
    SELECT h.household_id,
           h.status = 'active' AS in_dtks,
           h.village_code,
           SUBSTR(h.village_code, 1, 8) AS district_code,
           SUBSTR(h.village_code, 1, 5) AS regency_code,
           SUBSTR(h.village_code, 1, 2) AS province_code,
           CAST(SUBSTR(h.village_code, 4, 2) AS INTEGER) >= 71 AS is_kota,
           SUBSTR(h.village_code, 10, 1) = '1' AS urban,
           s.desil_national AS desil, s.desil_province, s.score AS welfare_score,
           {_bool('c.head_padan_i')} AS head_padan,
           {_bool('c.all_padan_i')} AS all_padan,
           COALESCE(c.has_head_i, 0) = 1 AS has_head,
           COALESCE(c.n_members, 0) AS n_members, c.head_age, c.head_sex,
           COALESCE(c.n_elderly, 0) AS n_elderly, COALESCE(c.n_disabled, 0) AS n_disabled,
           COALESCE(c.n_severe_disability, 0) AS n_severe_disability,
           COALESCE(c.n_pregnant, 0) AS n_pregnant,
           COALESCE(c.n_children_0_6, 0) AS n_children_0_6,
           COALESCE(c.n_children, 0) AS n_children,
           COALESCE(c.n_school_sd, 0) AS n_school_sd,
           COALESCE(c.n_school_smp, 0) AS n_school_smp,
           COALESCE(c.n_school_sma, 0) AS n_school_sma,
           COALESCE(c.n_informal_workers, 0) AS n_informal_workers,
           c.max_income, w.amount AS umk,
           CASE WHEN c.max_income IS NULL THEN FALSE WHEN w.amount IS NULL THEN NULL
                ELSE c.max_income > w.amount END AS income_above_umk
           {list_cols}{prog_cols}
    FROM households h
    LEFT JOIN ({composition}) c ON c.household_id = h.household_id
    LEFT JOIN household_score s ON s.household_id = h.household_id
    LEFT JOIN minimum_wages w ON w.regency_code = SUBSTR(h.village_code, 1, 5)
    {prog_join}
    """


def member_sql(as_of: date, list_kinds: list[str], program_codes: list[str]) -> str:
    """member_view with every household column (the single path and the engine tests)."""
    return (f"WITH people AS ({person_sql(as_of, list_kinds)}) "
            + members_from_people_sql(list_kinds, program_codes))


def members_from_people_sql(list_kinds: list[str], program_codes: list[str],
                            household_columns: set[str] | None = None) -> str:
    """One row per active member over `people` and `household_view`: the person's attributes
    beside the household's (only `household_columns` of them when given: what the person
    programs' rules read). `on_list` means this person here, so the household's list flags
    are not carried."""
    from .attributes import HOUSEHOLD, PERSON, for_unit

    kinds, codes = _checked(list_kinds), _checked(program_codes)
    person_lists = "".join(f", p.l_{k} = 1 AS list_{k}" for k in kinds)
    household = [n for n, a in for_unit(HOUSEHOLD).items() if PERSON in a.units]
    household += ["welfare_score"] + [f"prog_{c.replace('-', '_')}" for c in codes]
    if household_columns is not None:
        household = [n for n in household
                     if n in household_columns | {"village_code", "welfare_score"}]
    carried = "".join(f", hv.{name}" for name in household)
    return f"""
    SELECT p.member_id, hv.household_id, p.age, p.sex, {_bool('p.padan_i')} AS padan,
           p.disabled_i = 1 AS disabled, p.pregnant_i = 1 AS pregnant,
           p.in_school_i = 1 AS in_school, p.head_i = 1 AS is_head{person_lists}{carried}
    FROM people p
    JOIN household_view hv ON hv.household_id = p.household_id
    """
