"""A Sembako cycle paid through payments' own steps (files, the bank's answers, the
withdrawals, the retur) in two provinces, for the budgets tests."""

from dataclasses import dataclass
from datetime import date, timedelta

from payments import cycles, reconciliation, returns
from payments.models import (
    ChannelRule,
    DisbursementBatch,
    KpmAccount,
    PaymentAttempt,
    PaymentChannel,
    PaymentCycle,
)
from payments.tasks import start_disbursement
from payments.tests.builders import ctx, response_file
from wilayah.models import Level, Region

JATENG_VILLAGE = "33.01.01.1001"


def add_jawa_tengah() -> None:
    """A second province with one kabupaten, district and village (the test DB holds 32.01)."""
    parent = None
    for code, level, name in [("33", Level.PROVINCE, "Jawa Tengah"),
                              ("33.01", Level.REGENCY, "Kab. Cilacap"),
                              ("33.01.01", Level.DISTRICT, "Dayeuhluhur"),
                              (JATENG_VILLAGE, Level.VILLAGE, "Bolang")]:
        parent, _ = Region.objects.get_or_create(code=code, defaults={
            "level": level, "name": name, "parent": parent})


@dataclass
class Paid:
    cycle: PaymentCycle
    sp2d: int
    returned: int


def paid_cycle(build, officers, run_jobs) -> Paid:
    """Six KPM at Rp200,000 in November 2026: four in Jawa Barat (32.01), two in Jawa Tengah.
    The bank credits five and fails one; three withdraw, two never do; after the waiting days
    the failed and the two never withdrawn (Rp600,000) go back to the treasury."""
    add_jawa_tengah()
    bri = PaymentChannel.objects.get(code="bri")
    ChannelRule.objects.get_or_create(program=None, region_prefix="33", defaults={
        "channel": bri})
    households = (build.households(3) + build.households(1, "32.01.02.2001")
                  + build.households(2, JATENG_VILLAGE))
    for i, h in enumerate(households):
        KpmAccount.objects.create(household=h, channel=bri, village_code=h.village_id,
                                  status="open", account_number=f"88{i:04d}")
    run = build.frozen_run("sembako", "2026-11", households)
    finance = officers["keuangan"]
    cycle = cycles.approve(ctx(finance), cycles.prepare(ctx(officers["program"]), run))
    cycles.record_sp2d(ctx(finance), cycle, bri, "SP2D-B1", date(2026, 11, 3), 1_200_000)
    start_disbursement(ctx(officers["keuangan2"]), cycle, bri)
    run_jobs()
    batch = DisbursementBatch.objects.get(cycle=cycle, sequence=1)
    ref = {a.payment.household_id: a.reference
           for a in PaymentAttempt.objects.filter(batch=batch).select_related("payment")}
    a1, a2, a3, b1, c1, c2 = (ref[h.pk] for h in households)
    reconciliation.import_response(ctx(finance), batch, response_file(batch, {
        a1: ("C", ""), a2: ("F", "R03"), a3: ("C", ""), b1: ("C", ""), c1: ("C", ""),
        c2: ("C", "")}), "bri-1.txt")
    reconciliation.import_response(ctx(finance), batch, response_file(batch, {
        a1: ("T", ""), a3: ("N", ""), b1: ("T", ""), c1: ("T", ""), c2: ("N", "")}),
        "bri-1-tx.txt", "transaction")
    later = date.today() + timedelta(days=cycle.return_after_days + 1)
    ret = returns.record_return(ctx(finance), cycle, bri, later, "NTPN-B1", 600_000, later)
    return Paid(cycle, 1_200_000, ret.amount)
