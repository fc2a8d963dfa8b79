# ruff: noqa: S608 -- table names are the caller's; values come from the rule data as literals.
"""A stage's verification in the batch engine (DuckDB) for the nation: the same rules as
pkh/rules.py and services.verify_stage, as one set operation over three tables:

    members(member_id, household_id, birth_date, pregnant, disability, school_participation,
            education)
    visits(member_id, visit_type, visit_date, attended)
    attendance(member_id, year, stage, enrolled, school_days, days_present)

`stage_lines_sql` gives one row per member, component and commitment with its status;
`stage_families_sql` one per family with compliant / violation / not_verified."""

from . import rules
from .rules import SCHOOL_COMPONENTS


def _lit(value) -> str:
    if isinstance(value, str):
        return "'" + value.replace("'", "''") + "'"
    return str(value)


def commitment_rows(definition: dict) -> tuple[str, str]:
    """VALUES lists of (component, commitment, kind, min) and (component, commitment,
    visit_type) from the rule data."""
    commitments, types = [], []
    for cid, comp in definition["components"].items():
        for c in comp.get("commitments", []):
            commitments.append(f"({_lit(cid)}, {_lit(c['id'])}, {_lit(c['kind'])}, "
                               f"{int(c.get('min', 1))})")
            types += [f"({_lit(cid)}, {_lit(c['id'])}, {_lit(t)})"
                      for t in c.get("visit_types", [])]
    types = types or ["(NULL, NULL, NULL)"]
    return ", ".join(commitments), ", ".join(types)


def stage_lines_sql(definition: dict, year: int, stage: int, members: str = "members",
                    visits: str = "visits", attendance: str = "attendance") -> str:
    start, end = rules.verification_period(definition, year, stage)
    on = start.month * 100 + start.day
    commitments, types = commitment_rows(definition)
    threshold = float(definition["attendance_threshold"])
    school = " ".join(f"WHEN {k} THEN '{v}'" for k, v in SCHOOL_COMPONENTS.items())
    severe = ", ".join(str(d) for d in rules.SEVERE_DISABILITY)
    period = f"v.visit_date BETWEEN DATE '{start}' AND DATE '{end}'"
    return f"""
    WITH people AS (
        SELECT member_id, household_id, pregnant, disability, school_participation, education,
               {start.year} - year(birth_date)
               - CASE WHEN month(birth_date) * 100 + day(birth_date) > {on} THEN 1 ELSE 0 END
               AS age
        FROM {members}),
    held AS (
        SELECT member_id, household_id, 'hamil' AS component FROM people WHERE pregnant
        UNION ALL SELECT member_id, household_id, 'usia_dini' FROM people WHERE age <= 6
        UNION ALL SELECT member_id, household_id, CASE education {school} END FROM people
            WHERE school_participation = 1 AND age < 21
            AND education IN ({", ".join(str(k) for k in SCHOOL_COMPONENTS)})
        UNION ALL SELECT member_id, household_id, 'disabilitas_berat' FROM people
            WHERE disability IN ({severe})
        UNION ALL SELECT member_id, household_id, 'lansia' FROM people WHERE age >= 60),
    commitments(component, commitment, kind, min_visits) AS (VALUES {commitments}),
    commitment_types(component, commitment, visit_type) AS (VALUES {types}),
    seen AS (
        SELECT v.member_id, v.visit_type, sum(CASE WHEN v.attended THEN 1 ELSE 0 END) AS n
        FROM {visits} v WHERE {period} GROUP BY ALL),
    verified AS (SELECT DISTINCT member_id FROM seen),
    counted AS (
        SELECT s.member_id, t.component, t.commitment, sum(s.n) AS n
        FROM seen s JOIN commitment_types t USING (visit_type) GROUP BY ALL),
    school AS (SELECT * FROM {attendance} WHERE year = {year} AND stage = {stage})
    SELECT h.household_id, h.member_id, h.component, c.commitment,
           CASE WHEN c.kind = 'attendance' THEN
                CASE WHEN a.member_id IS NULL THEN 'not_verified'
                     WHEN a.enrolled AND a.days_present * 100.0 >= {threshold} * a.school_days
                     THEN 'met' ELSE 'violated' END
           ELSE CASE WHEN coalesce(k.n, 0) >= c.min_visits THEN 'met'
                     WHEN vf.member_id IS NOT NULL THEN 'violated'
                     ELSE 'not_verified' END
           END AS status
    FROM held h
    JOIN commitments c ON c.component = h.component
    LEFT JOIN school a ON c.kind = 'attendance' AND a.member_id = h.member_id
    LEFT JOIN counted k ON c.kind = 'visit' AND k.member_id = h.member_id
         AND k.component = c.component AND k.commitment = c.commitment
    LEFT JOIN verified vf ON c.kind = 'visit' AND vf.member_id = h.member_id
    """


def stage_families_sql(lines: str, members: str = "members") -> str:
    """Each family's stage status from the lines (a family holding no component: not
    verified)."""
    return f"""
    SELECT f.household_id,
           CASE WHEN bool_or(l.status = 'violated') THEN 'violation'
                WHEN bool_or(l.status = 'met') THEN 'compliant'
                ELSE 'not_verified' END AS status,
           count(*) FILTER (WHERE l.status = 'violated') AS violations
    FROM (SELECT DISTINCT household_id FROM {members}) f
    LEFT JOIN {lines} l USING (household_id)
    GROUP BY f.household_id
    """


def verify(con, definition: dict, year: int, stage: int, out_path: str | None = None,
           **tables: str) -> dict[str, int]:
    """Run a stage's verification on a DuckDB connection; the families' statuses are written
    to `out_path` (Parquet) when given. {status: families}."""
    con.execute(f"CREATE OR REPLACE TEMP TABLE pkh_lines AS "
                f"{stage_lines_sql(definition, year, stage, **tables)}")
    families = stage_families_sql("pkh_lines", tables.get("members", "members"))
    if out_path:
        con.execute(f"COPY ({families}) TO {_lit(out_path)} (FORMAT parquet)")
        query = f"SELECT status, count(*) FROM read_parquet({_lit(out_path)}) GROUP BY status"
    else:
        query = f"SELECT status, count(*) FROM ({families}) GROUP BY status"
    return dict(con.execute(query).fetchall())

