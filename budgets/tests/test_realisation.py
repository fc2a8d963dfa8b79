"""Issue 16: "realisation from `payments` (disbursed minus returned) per month, absorption in
percent. Test: realisation equals the payments' ledger to the rupiah"."""

from django.db.models import Sum

from budgets import selectors
from payments.models import Payment, TreasuryReturn
from payments.tests.builders import ctx

from .paid import paid_cycle


def _ledger(status: list[str], prefix: str = "") -> int:
    payments = Payment.objects.filter(status__in=status, village_code__startswith=prefix)
    return payments.aggregate(t=Sum("amount"))["t"] or 0


def test_realisation_equals_the_payments_ledger_to_the_rupiah(
        build, officers, run_jobs, dipa):
    paid = paid_cycle(build, officers, run_jobs)
    returned = TreasuryReturn.objects.aggregate(t=Sum("amount"))["t"]
    [line] = [f for p, d, f in selectors.overview(officers["keuangan"], 2026)
              if p.code == "sembako"]
    # Disbursed minus returned: the SP2D less the retur deposited back.
    assert line.realised == paid.sp2d - returned == 600_000
    assert line.realised == _ledger(["credited", "transacted", "not_transacted", "delivered"])
    assert line.returned == _ledger(["returned"]) == 600_000
    assert line.disbursed == paid.sp2d
    assert (line.ceiling, line.planned) == (10_000_000, 1_200_000)
    assert line.absorption == 6.0

    regions = {f.code: f for f in selectors.allocations(officers["keuangan"], dipa)}
    assert {code: (f.realised, f.returned) for code, f in regions.items()} == {
        "32": (400_000, 400_000), "32.01": (400_000, 400_000),
        "33": (200_000, 200_000), "33.01": (200_000, 200_000)}
    assert regions["32"].realised == _ledger(["transacted"], "32.")
    [november] = selectors.months(officers["keuangan"], dipa)
    assert (november.code, november.planned, november.realised, november.returned) == (
        "11", 1_200_000, 600_000, 600_000)


def test_a_failed_payment_is_neither_realised_nor_returned_until_the_retur(
        build, officers, dipa):
    from payments import cycles

    households = build.households(2)
    cycle = cycles.prepare(ctx(officers["program"]), build.frozen_run(
        "sembako", "2026-12", households))
    first, second = Payment.objects.filter(cycle=cycle).order_by("id")
    Payment.objects.filter(pk=first.pk).update(status="credited")
    Payment.objects.filter(pk=second.pk).update(status="failed")
    [december] = selectors.months(officers["keuangan"], dipa)
    assert (december.code, december.planned, december.realised, december.returned,
            december.failed) == ("12", 400_000, 200_000, 0, 200_000)


def test_absorption_of_the_ministrys_recovery_budget():
    """Seed 004: "Anggaran Kemensos untuk PEN mencapai Rp 127,1 triliun dan saat ini sudah
    terserap 65,5 persen"."""
    line = selectors.Figures("PEN", 127_100_000_000_000, 0, 0, 83_250_500_000_000, 0, 0)
    assert line.absorption == 65.5
