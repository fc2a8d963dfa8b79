"""The bulk export of the relations an eligibility run reads beside a registry snapshot."""

from datetime import date
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest
from django.utils import timezone

from civil.models import MemberMatch
from programs.inputs import SCHEMAS, export_inputs, register_inputs
from programs.lists import import_list
from programs.models import EligibilityRun, Enrollment, ListKind, MinimumWage, Program, RuleSet
from ranking.models import HouseholdScore
from ranking.services import current_model
from registry.identity import format_nik_for_district

pytestmark = pytest.mark.django_db


def nik(serial: int) -> str:
    return format_nik_for_district("32.01.01", date(1979, 3, 2), "L", serial)


def write_list(path: Path, rows: list[str]) -> Path:
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def make_run(program: Program, period: str, state: str, households: dict) -> EligibilityRun:
    rule_set, _ = RuleSet.objects.get_or_create(program=program, version=1,
                                                defaults={"definition": {}})
    frozen = state == EligibilityRun.State.FROZEN
    run = EligibilityRun.objects.create(
        program=program, rule_set=rule_set, kind="enrollment", state=state, period=period,
        snapshot="s", snapshot_checksum="0" * 64, frozen_at=timezone.now() if frozen else None)
    Enrollment.objects.bulk_create([
        Enrollment(run=run, household=h, village_code=h.village_id, status=status,
                   change="new") for h, status in households.items()])
    return run


def make_program(code: str) -> Program:
    return Program.objects.create(code=code, name=code, name_en=code, unit="household",
                                  benefit_kind="cash", frequency="monthly", channel="himbara")


def read(paths: dict[str, Path], name: str) -> list[tuple]:
    table = pq.read_table(paths[name])
    assert table.schema == SCHEMAS[name], name
    return sorted(zip(*(table[c].to_pylist() for c in table.column_names), strict=True))


def test_an_empty_database_exports_typed_empty_relations(tmp_path):
    paths = export_inputs(tmp_path / "inputs", 2025)
    assert set(paths) == set(SCHEMAS)
    for name in SCHEMAS:
        assert read(paths, name) == []
    con = duckdb.connect()
    register_inputs(con, paths)
    assert con.execute("SELECT count(*) FROM minimum_wages").fetchone() == (0,)


def test_export_holds_matches_scores_lists_in_force_umk_and_current_kpm(tmp_path, make_household):
    first = make_household()
    second = make_household(nik=nik(9), kk="3201010101200002", name="Siti Aminah")
    third = make_household(nik=nik(8), kk="3201010101200003", name="Joko")
    head = first.members.get()
    MemberMatch.objects.create(member=head, run_ref="r1", status="padan", deceased=True,
                               matched_at=timezone.now())
    HouseholdScore.objects.create(household=second, model=current_model(), run_ref="r1",
                                  province="32", score=13.25, desil_national=2,
                                  desil_province=3, scored_at=timezone.now())
    import_list(write_list(tmp_path / "asn-lama.csv", ["nik", nik(9)]), ListKind.ASN)
    import_list(write_list(tmp_path / "asn-baru.csv", ["nik", nik(8)]), ListKind.ASN)
    import_list(write_list(tmp_path / "upah.csv", ["nik,monthly_income", f"{nik(9)},5000000"]),
                ListKind.PENGHASILAN)
    for year, regency, amount in [(2024, "32.01", 4_000_000), (2025, "32.01", 4_500_000),
                                  (2026, "32.01", 5_000_000), (2023, "34.03", 1_900_000)]:
        MinimumWage.objects.create(year=year, regency_id=regency, amount=amount)
    sembako, pkh = make_program("sembako"), make_program("pkh")
    frozen, waiting = EligibilityRun.State.FROZEN, Enrollment.Status.WAITING
    make_run(sembako, "2025-01", frozen, {first: "enrolled", third: "enrolled"})
    make_run(sembako, "2025-02", frozen, {first: "enrolled", second: waiting})
    make_run(sembako, "2025-03", EligibilityRun.State.DONE, {third: "enrolled"})
    make_run(pkh, "2025-T1", frozen, {second: "enrolled"})

    paths = export_inputs(tmp_path / "inputs", 2025)

    assert read(paths, "member_match") == [(head.pk, "padan", True)]
    assert read(paths, "household_score") == [(second.pk, 13.25, 2, 3)]
    assert read(paths, "list_entries") == [("asn", nik(8), None),
                                           ("penghasilan", nik(9), 5_000_000)]
    assert read(paths, "minimum_wages") == [("32.01", 4_500_000), ("34.03", 1_900_000)]
    assert read(paths, "current_enrollment") == [("pkh", second.pk), ("sembako", first.pk)]
    con = duckdb.connect()
    register_inputs(con, paths)
    assert con.execute("SELECT amount FROM minimum_wages WHERE regency_code = '32.01'"
                       ).fetchone() == (4_500_000,)
