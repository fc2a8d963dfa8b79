from datetime import date

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction

from payments import cycles
from payments.errors import PaymentError
from payments.models import BudgetCeiling, CycleStatus, Payment, PaymentCycle

from .builders import ctx

PKH_AMOUNTS = {"hamil": 3_000_000, "usia_dini": 3_000_000, "sd": 900_000, "smp": 1_500_000,
               "sma": 2_000_000, "disabilitas_berat": 2_400_000, "lansia": 2_400_000}


def test_pkh_stage_amounts_come_from_the_components_and_add_up_to_the_year():
    """Issue 12, item 2: "PKH's four stages a year with each stage's amount per family from the
    enrollment's components"."""
    components = "hamil:1,sd:2,lansia:1,"  # 3,000,000 + 1,800,000 + 2,400,000 = 7,200,000 a year
    stages = [cycles.stage_amount(components, PKH_AMOUNTS, 4, s) for s in (1, 2, 3, 4)]
    assert stages == [1_800_000] * 4
    odd = "sd:1,"  # 900,000 a year: 225,000 a stage
    assert [cycles.stage_amount(odd, PKH_AMOUNTS, 4, s) for s in (1, 2, 3, 4)] == [225_000] * 4
    uneven = {"x": 1_000_001}
    amounts = [cycles.stage_amount("x:1,", uneven, 4, s) for s in (1, 2, 3, 4)]
    assert amounts == [250_000, 250_000, 250_000, 250_001] and sum(amounts) == 1_000_001


def test_a_pkh_cycle_pays_each_family_its_stage_amount(build, officers):
    households = build.households(2)
    run = build.frozen_run("pkh", "2026-T3", households, components=["hamil:1,sd:2,", "smp:1,"])
    cycle = cycles.prepare(ctx(officers["program"]), run)
    assert (cycle.period, cycle.stage, cycle.month) == ("2026", 3, 7)
    amounts = dict(Payment.objects.filter(cycle=cycle).values_list("household_id", "amount"))
    assert amounts == {households[0].pk: 1_200_000, households[1].pk: 375_000}
    assert cycle.total_amount == 1_575_000
    names = set(Payment.objects.filter(cycle=cycle).values_list("recipient_name", flat=True))
    assert all(n.startswith("Kepala") for n in names)


def test_only_a_frozen_list_is_paid_and_a_stage_only_once(build, officers):
    households = build.households(1)
    run = build.frozen_run("sembako", "2026-11", households)
    cycles.prepare(ctx(officers["program"]), run)
    with pytest.raises(PaymentError, match="already has a payment cycle"):
        cycles.prepare(ctx(officers["program"]), run)
    run.state = "done"
    with pytest.raises(PaymentError, match="not frozen"):
        cycles.prepare(ctx(officers["program"]), run)


def test_four_eyes_the_preparer_cannot_approve_and_approval_needs_finance(build, officers,
                                                                         make_user):
    """Issue 12, item 2: "Four eyes: the program officer prepares, another officer with the
    finance role approves; nobody approves their own cycle"."""
    run = build.frozen_run("sembako", "2026-11", build.households(1))
    cycle = cycles.prepare(ctx(officers["program"]), run)
    with pytest.raises(PaymentError, match="officer who prepared it"):
        cycles.approve(ctx(officers["program"]), cycle)
    other_manager = make_user("program_manager", username="program2")
    with pytest.raises(PaymentError, match="finance role"):
        cycles.approve(ctx(other_manager), cycle)
    with pytest.raises(PermissionDenied):
        cycles.prepare(ctx(officers["keuangan"]), run)
    approved = cycles.approve(ctx(officers["keuangan"]), cycle)
    assert approved.status == CycleStatus.APPROVED and approved.approved_by == officers["keuangan"]
    assert [a.to_status for a in approved.approvals.all()] == ["prepared", "approved"]
    with pytest.raises(PaymentError):
        cycles.approve(ctx(officers["keuangan2"]), approved)  # approved once only


def test_the_database_refuses_a_self_approved_cycle(build, officers):
    run = build.frozen_run("sembako", "2026-11", build.households(1))
    cycle = cycles.prepare(ctx(officers["program"]), run)
    with pytest.raises(IntegrityError), transaction.atomic():
        PaymentCycle.objects.filter(pk=cycle.pk).update(status="approved",
                                                        approved_by=officers["program"])


def test_the_sp2d_must_equal_the_channel_total_and_the_spm_the_cycle_total(build, officers):
    run = build.frozen_run("sembako", "2026-11", build.households(3))
    cycle = cycles.prepare(ctx(officers["program"]), run)
    cycle = cycles.approve(ctx(officers["keuangan"]), cycle)
    from payments.models import PaymentChannel

    bri = PaymentChannel.objects.get(code="bri")
    with pytest.raises(PaymentError, match="SPM"):
        cycles.record_spm(ctx(officers["keuangan"]), cycle, "SPM-1", date(2026, 11, 2), 1)
    cycles.record_spm(ctx(officers["keuangan"]), cycle, "SPM-1", date(2026, 11, 2), 600_000)
    with pytest.raises(PaymentError, match="differs"):
        cycles.record_sp2d(ctx(officers["keuangan"]), cycle, bri, "SP2D-1", date(2026, 11, 3),
                           599_999)
    sp2d = cycles.record_sp2d(ctx(officers["keuangan"]), cycle, bri, "SP2D-1",
                              date(2026, 11, 3), 600_000)
    assert sp2d.amount == 600_000


def test_a_cycle_that_would_pass_the_ceiling_is_refused(build, officers):
    """Issue 12, item 9: "a cycle that would pass the ceiling is refused"."""
    from programs.models import Program

    sembako = Program.objects.get(code="sembako")
    BudgetCeiling.objects.create(program=sembako, year=2026, amount=500_000)
    run = build.frozen_run("sembako", "2026-11", build.households(3))  # 600,000
    with pytest.raises(PaymentError, match="passes the"):
        cycles.prepare(ctx(officers["program"]), run)
    assert not PaymentCycle.objects.exists() and not Payment.objects.exists()
