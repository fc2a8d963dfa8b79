# ruff: noqa: S608 -- SQL text is built from the models' own table names, run ids as integers
# and fixed status codes; no user input.
"""Rebuild the cek bansos lookup tables in two INSERT ... SELECT statements (no row loop), from
the registry (active members of active households), the national desil (ranking), the KPM
lists in force (programs.inputs.current_run_ids) and the latest payment of each enrollment.
The tables are replaced in one transaction, so a lookup sees the old or the new state."""

import time
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone

from payments.models import Payment
from programs.inputs import current_run_ids
from programs.models import EligibilityRun, Enrollment, Program
from ranking.models import HouseholdScore
from registry.models import Household, Member

from .models import LookupPerson, LookupProgram

# Payment status -> the status the public page shows (LookupProgram.Status).
PAID = ("credited", "transacted", "not_transacted", "delivered")
IN_PROCESS = ("pending", "sent")


@dataclass(frozen=True)
class RefreshCounts:
    people: int
    programs: int
    seconds: float


def _in(values: tuple[str, ...]) -> str:
    return ", ".join(f"'{v}'" for v in values)  # fixed codes above, never user input


def _people_sql() -> str:
    return f"""
        INSERT INTO {LookupPerson._meta.db_table}
            (member_id, household_id, village_code, name_key, name, nik, birth_date, desil,
             refreshed_at)
        SELECT m.id, m.household_id, m.village_id, m.name_key, m.name, m.nik, m.birth_date,
               s.desil_national, %s
        FROM {Member._meta.db_table} m
        JOIN {Household._meta.db_table} h ON h.id = m.household_id
        LEFT JOIN {HouseholdScore._meta.db_table} s ON s.household_id = m.household_id
        WHERE m.status = 'active' AND h.status = 'active'"""


def _programs_sql(run_ids: list[int]) -> str:
    runs = ", ".join(str(int(i)) for i in run_ids)
    pay = Payment._meta.db_table
    return f"""
        INSERT INTO {LookupProgram._meta.db_table}
            (household_id, member_id, program_code, program_name, period, stage, status)
        SELECT e.household_id, e.member_id, p.code, p.name, COALESCE(pay.period, r.period),
               pay.stage,
               CASE WHEN pay.status IN ({_in(PAID)}) THEN 'paid'
                    WHEN pay.status IN ({_in(IN_PROCESS)}) THEN 'in_process'
                    WHEN pay.status = 'failed' THEN 'failed'
                    WHEN pay.status = 'returned' THEN 'returned'
                    ELSE 'enrolled' END
        FROM {Enrollment._meta.db_table} e
        JOIN {EligibilityRun._meta.db_table} r ON r.id = e.run_id
        JOIN {Program._meta.db_table} p ON p.id = r.program_id
        LEFT JOIN {pay} pay ON pay.id = (
            SELECT MAX(q.id) FROM {pay} q
            WHERE q.enrollment_id = e.id AND q.status <> 'cancelled')
        WHERE e.run_id IN ({runs}) AND e.status = 'enrolled'"""


def refresh_lookup() -> RefreshCounts:
    """Replace the lookup tables with the current state; returns the row counts."""
    started = time.monotonic()
    run_ids = current_run_ids()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {LookupProgram._meta.db_table}")
        cursor.execute(f"DELETE FROM {LookupPerson._meta.db_table}")
        cursor.execute(_people_sql(), [timezone.now()])
        people = cursor.rowcount
        programs = 0
        if run_ids:
            cursor.execute(_programs_sql(run_ids))
            programs = cursor.rowcount
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {LookupPerson._meta.db_table}")
            cursor.execute(f"ANALYZE {LookupProgram._meta.db_table}")
    return RefreshCounts(people, programs, round(time.monotonic() - started, 3))
