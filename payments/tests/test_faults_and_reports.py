from datetime import date

import pytest
from django.db import IntegrityError, transaction

from jobs.files import output_dir
from payments import budget, cycles, kks
from payments.errors import PaymentError
from payments.models import (
    BudgetCeiling,
    Card,
    DisbursementBatch,
    KpmAccount,
    Payment,
    PaymentChannel,
)
from payments.tasks import start_disbursement

from .builders import ctx


@pytest.fixture
def approved_cycle(build, officers):
    households = build.households(2)
    for i, h in enumerate(households):
        KpmAccount.objects.create(household=h, channel_id="bri", village_code=h.village_id,
                                  status="open", account_number=f"44{i}")
    run = build.frozen_run("sembako", "2026-11", households)
    cycle = cycles.approve(ctx(officers["keuangan"]), cycles.prepare(ctx(officers["program"]),
                                                                      run))
    cycles.record_sp2d(ctx(officers["keuangan"]), cycle, PaymentChannel.objects.get(code="bri"),
                       "SP2D-F", date(2026, 11, 3), 400_000)
    return cycle


def test_a_worker_dying_while_writing_the_file_leaves_no_file_and_no_batch(
        approved_cycle, officers, run_jobs, monkeypatch):
    """Issue 12, "Bad input and faults": "A worker killed during file generation leaves no half
    file that could be sent"."""
    from payments import disbursement

    def half_then_die(con, source, spec, values, path):
        path.write_text("H;half\nD;KS0001\n")
        raise SystemError("worker killed")

    monkeypatch.setattr(disbursement, "_write_text", half_then_die)
    job = start_disbursement(ctx(officers["keuangan"]), approved_cycle,
                             PaymentChannel.objects.get(code="bri"))
    run_jobs()
    job.refresh_from_db()
    assert job.state == "failed" and not job.output.get("files")
    finished = [p for p in output_dir(job).glob("*") if not p.name.startswith(".")]
    assert finished == []  # only the hidden .partial that no page offers
    assert not DisbursementBatch.objects.exists()
    assert set(Payment.objects.values_list("status", flat=True)) == {"pending"}


def test_a_card_not_distributed_always_says_why(approved_cycle, officers):
    """FACTS "Distribution": "Reasons a KKS is not distributed: mampu, refuses, died, moved,
    under age, not found"."""
    account = KpmAccount.objects.first()
    card = Card.objects.create(account=account, card_number="6000111", status="printed")
    with pytest.raises(PaymentError):
        kks.set_card_status(ctx(officers["keuangan"]), card, "not_distributed")
    kks.set_card_status(ctx(officers["keuangan"]), card, "not_distributed", "pindah")
    assert [e.reason for e in card.events.all()] == ["pindah"]
    with pytest.raises(IntegrityError), transaction.atomic():
        Card.objects.filter(pk=card.pk).update(reason="")


def test_budget_realisation_per_region_and_month(approved_cycle, officers):
    """Issue 12, item 9: "per program, year, month and region: ceiling, planned (cycles),
    disbursed, failed, returned, absorption in percent"."""
    program = approved_cycle.program
    BudgetCeiling.objects.create(program=program, year=2026, region_code="32", amount=800_000)
    first = Payment.objects.order_by("id").first()
    Payment.objects.filter(pk=first.pk).update(status="credited")
    [row] = budget.realisation(program, 2026)
    assert (row.region, row.month, row.ceiling, row.planned, row.disbursed) == (
        "32", 11, 800_000, 400_000, 200_000)
    assert row.absorption == 25.0


def test_the_demo_pays_the_frozen_sembako_list_through_its_first_files(build, officers):
    from payments import demo

    build.frozen_run("sembako", "2026-11", build.households(3))
    summary = demo.seed(officers["program"], officers["keuangan"])
    assert summary.startswith("cycle #") and demo.seeded()
    assert DisbursementBatch.objects.filter(responses__isnull=False).exists()
    assert Payment.objects.filter(status="credited").exists()
