"""The batch engine (DuckDB) gives the same answer as the per-family verification: "A rule
evaluated for one household and the same rule evaluated in bulk give the same answer"
(ARCHITECTURE.md)."""

from datetime import date

import duckdb
import pytest

from pkh import batch, services
from pkh.models import CommitmentResult, Evidence, StageResult
from pkh.selectors import rules_in_force
from registry.models import Member

from .conftest import ctx
from .test_commitments import attendance

pytestmark = pytest.mark.django_db


def test_batch_verification_matches_the_services(build, officers):
    a = build.family("pupil_sd", "toddler", pregnant=True)
    b = build.family("elder", "severe", "pupil_sma")
    c = build.family()
    build.frozen_run("2026-T2", [a, b, c], ["sd:1,"] * 3)
    attendance(a, "pupil_sd", 42)
    attendance(b, "pupil_sma", 49)
    services.record_visits(ctx(officers["pendamping"]), a.household, [
        services.VisitRecord(a.mother.pk, "anc", date(2026, 4, 9)),
        services.VisitRecord(a.members["toddler"].pk, "imunisasi", date(2026, 4, 9)),
        services.VisitRecord(a.members["toddler"].pk, "penimbangan", date(2026, 5, 9), False)])
    services.record_visits(ctx(officers["pendamping"]), b.household, [
        services.VisitRecord(b.members["elder"].pk, "posyandu_lansia", date(2026, 6, 30))])
    services.verify_stage(ctx(officers["program"]), 2026, 2)

    con = duckdb.connect()
    con.execute("CREATE TABLE members (member_id BIGINT, household_id BIGINT, birth_date DATE, "
                "pregnant BOOLEAN, disability INT, school_participation INT, education INT)")
    con.executemany("INSERT INTO members VALUES (?, ?, ?, ?, ?, ?, ?)", list(
        Member.objects.values_list("id", "household_id", "birth_date", "pregnant", "disability",
                                   "school_participation", "education")))
    con.execute("CREATE TABLE visits (member_id BIGINT, visit_type VARCHAR, visit_date DATE, "
                "attended BOOLEAN)")
    con.executemany("INSERT INTO visits VALUES (?, ?, ?, ?)", list(Evidence.objects.filter(
        kind="visit").values_list("member_id", "visit_type", "on", "attended")))
    con.execute("CREATE TABLE attendance (member_id BIGINT, year INT, stage INT, "
                "enrolled BOOLEAN, school_days INT, days_present INT)")
    con.executemany("INSERT INTO attendance VALUES (?, ?, ?, ?, ?, ?)", list(
        Evidence.objects.filter(kind="attendance").values_list(
            "member_id", "year", "stage", "enrolled", "school_days", "days_present")))
    definition = rules_in_force().definition
    counts = batch.verify(con, definition, 2026, 2)
    bulk = set(con.execute("SELECT member_id, component, commitment, status FROM pkh_lines")
               .fetchall())
    single = set(CommitmentResult.objects.values_list("member_id", "component", "commitment",
                                                      "status"))
    assert bulk == single and len(single) == 7
    families = {s: StageResult.objects.filter(status=s).count()
                for s in ("compliant", "violation", "not_verified")}
    assert counts == {k: v for k, v in families.items() if v}
