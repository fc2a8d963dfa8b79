"""The rules of the ceiling: allocations never pass it, a revision never goes below what is
allocated, the history is append-only, payments' ceiling check follows the DIPA."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError, IntegrityError, transaction

from budgets import services
from budgets.models import Allocation, AllocationEntry, Dipa, DipaRevision
from payments import budget as payments_budget
from payments.tests.builders import ctx


def test_the_provinces_allocations_never_pass_the_dipa_ceiling(dipa, officers):
    finance = ctx(officers["keuangan"])
    services.allocate(finance, dipa, "32", 7_000_000)
    with pytest.raises(services.BudgetError) as refused:
        services.allocate(finance, dipa, "32", 10_000_001)
    assert refused.value.field == "amount"
    assert "Rp10.000.000" in refused.value.message
    dipa.refresh_from_db()
    assert (dipa.allocated, Allocation.objects.get(region_code="32").amount) == (
        7_000_000, 7_000_000)


def test_a_kabupatens_allocation_never_passes_its_province(dipa, officers):
    services.allocate(ctx(officers["keuangan"]), dipa, "32", 1_000_000)
    province = ctx(officers["keuangan_32"])
    services.allocate(province, dipa, "32.01", 600_000)
    with pytest.raises(services.BudgetError):
        services.allocate(province, dipa, "32.01", 1_000_001)
    with pytest.raises(services.BudgetError):  # the province cannot go below what it passed on
        services.allocate(ctx(officers["keuangan"]), dipa, "32", 500_000)
    assert Allocation.objects.get(region_code="32").passed_on == 600_000


def test_a_province_officer_allocates_only_inside_its_province(dipa, officers):
    with pytest.raises(services.BudgetError) as refused:
        services.allocate(ctx(officers["keuangan_32"]), dipa, "32", 1_000)
    assert refused.value.field == "region_code"
    with pytest.raises(services.BudgetError):  # no province allocation to take it from yet
        services.allocate(ctx(officers["keuangan_32"]), dipa, "32.01", 1_000)
    with pytest.raises(PermissionDenied):
        services.allocate(ctx(officers["program"]), dipa, "32", 1_000)


def test_a_revision_below_what_is_allocated_is_refused(dipa, officers):
    finance = ctx(officers["keuangan"])
    services.allocate(finance, dipa, "32", 6_000_000)
    with pytest.raises(services.BudgetError) as refused:
        services.record_revision(finance, dipa, date(2026, 6, 1), 5_999_999, "Efisiensi",
                                 "S-101/2026")
    assert refused.value.field == "amount"
    services.record_revision(finance, dipa, date(2026, 6, 1), 6_000_000, "Efisiensi",
                             "S-101/2026")
    dipa.refresh_from_db()
    assert dipa.ceiling == 6_000_000 and dipa.amount == 10_000_000
    assert list(dipa.revisions.values_list("number", "amount")) == [
        (0, 10_000_000), (1, 6_000_000)]
    assert payments_budget.ceilings(dipa.program, 2026) == {"": 6_000_000, "32": 6_000_000}


def test_only_a_national_officer_records_a_revision(dipa, officers):
    with pytest.raises(services.BudgetError):
        services.record_revision(ctx(officers["keuangan_32"]), dipa, date(2026, 6, 1),
                                 20_000_000, "Tambahan", "S-1")


def test_a_second_dipa_for_the_same_program_and_year_is_refused(dipa, officers):
    with pytest.raises(services.BudgetError):
        services.record_dipa(ctx(officers["keuangan"]), dipa.program, 2026, "DIPA-LAIN",
                             date(2026, 1, 3), "Ditjen", 1_000)
    assert Dipa.objects.count() == 1


def test_the_database_refuses_an_allocation_past_the_ceiling_even_without_the_service(dipa):
    with pytest.raises(IntegrityError), transaction.atomic():
        Dipa.objects.filter(pk=dipa.pk).update(allocated=10_000_001)


def test_revision_and_allocation_history_rows_are_append_only(dipa, officers):
    services.allocate(ctx(officers["keuangan"]), dipa, "32", 1_000)
    original = DipaRevision.objects.get(dipa=dipa, number=0)
    with pytest.raises(DatabaseError), transaction.atomic():
        DipaRevision.objects.filter(pk=original.pk).update(amount=1)
    with pytest.raises(DatabaseError), transaction.atomic():
        DipaRevision.objects.filter(pk=original.pk).delete()
    with pytest.raises(DatabaseError), transaction.atomic():
        AllocationEntry.objects.update(amount=5)
    original.refresh_from_db()
    assert original.amount == 10_000_000


def test_the_ceiling_follows_into_payments_cycle_check(dipa, officers, build):
    """A cycle that passes the province's allocation is refused by payments."""
    from payments import cycles
    from payments.errors import PaymentError

    services.allocate(ctx(officers["keuangan"]), dipa, "32", 300_000)
    with pytest.raises(PaymentError):
        cycles.prepare(ctx(officers["program"]), build.frozen_run(
            "sembako", "2026-11", build.households(2)))


def test_the_demo_records_a_dipa_for_each_program_and_year_paid(build, officers):
    from budgets import demo
    from payments import cycles

    cycles.prepare(ctx(officers["program"]), build.frozen_run(
        "sembako", "2026-11", build.households(3)))
    assert demo.seed(officers["keuangan"]) == "1 DIPA"
    dipa = Dipa.objects.get()
    assert dipa.ceiling >= 1_200_000
    assert dict(Allocation.objects.values_list("region_code", "amount")) == {
        "32": 1_000_000, "32.01": 1_000_000}
