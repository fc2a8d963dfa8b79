"""Races on PostgreSQL: threads with their own database connections allocate at the same
moment. SQLite serialises writers itself, so these run where the suite runs on PostgreSQL
(DATABASE_URL=postgres://...), and are skipped only on SQLite."""

from datetime import date

import pytest
from django.db import connection

from budgets import services
from budgets.models import Allocation, AllocationEntry, Dipa
from payments.models import BudgetCeiling
from payments.tests.builders import at_once, ctx

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql",
                       reason="concurrent writers need PostgreSQL (SQLite has one writer)"),
]


@pytest.fixture
def contested(_flushable_logs, dipa):
    """The Rp10,000,000 DIPA; Jawa Barat (32) and DI Yogyakarta (34) are test regions."""
    return dipa


def test_two_officers_allocating_past_the_ceiling_at_once_one_is_refused(contested, officers):
    """Issue 16: allocations by region never pass the DIPA ceiling, even when two officers
    allocate at the same moment: 6,000,000 + 6,000,000 > 10,000,000."""
    finance = [officers["keuangan"], officers["keuangan2"]]
    provinces = ["32", "34"]
    results = at_once(2, lambda i: services.allocate(ctx(finance[i]), contested, provinces[i],
                                                     6_000_000))
    made = [r for r in results if isinstance(r, Allocation)]
    assert len(made) == 1, results
    assert all(isinstance(r, services.BudgetError) for r in results if r not in made), results
    dipa = Dipa.objects.get(pk=contested.pk)
    assert dipa.allocated == 6_000_000 <= dipa.ceiling
    assert list(Allocation.objects.values_list("region_code", "amount")) == [
        (made[0].region_code, 6_000_000)]
    assert AllocationEntry.objects.count() == 1
    assert set(BudgetCeiling.objects.values_list("region_code", flat=True)) == {
        "", made[0].region_code}


def test_a_revision_and_an_allocation_at_once_never_leave_the_allocations_past_the_ceiling(
        contested, officers):
    services.allocate(ctx(officers["keuangan"]), contested, "32", 4_000_000)

    def work(i):
        if i == 0:
            return services.record_revision(ctx(officers["keuangan"]), contested,
                                            date(2026, 6, 1), 5_000_000, "Efisiensi", "S-9")
        return services.allocate(ctx(officers["keuangan2"]), contested, "34", 3_000_000)

    results = at_once(2, work)
    assert sum(isinstance(r, services.BudgetError) for r in results) == 1, results
    dipa = Dipa.objects.get(pk=contested.pk)
    assert dipa.allocated <= dipa.ceiling
