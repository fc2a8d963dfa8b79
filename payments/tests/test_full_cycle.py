import json
from datetime import date, timedelta

from django.db.models import Sum

from audit.models import Event
from jobs.files import output_dir
from jobs.models import Job
from payments import cycles, kks, layouts, reconciliation, returns, selectors
from payments.disbursement import layout_for, render
from payments.models import (
    AttemptStatus,
    DisbursementBatch,
    FileLayout,
    KpmAccount,
    Payment,
    PaymentAttempt,
    PaymentChannel,
    PaymentStatus,
)
from payments.tasks import start_disbursement

from .builders import ctx, references, response_file


def burekol_answer(request, numbers: dict[int, str]) -> bytes:
    spec = layout_for(request.channel, FileLayout.Purpose.BUREKOL_ANSWER).spec
    values = {"batch": kks.burekol_code(request), "channel": "BRI", "count": str(len(numbers))}
    lines = [layouts.record_line(spec, spec["header"], values)]
    lines += [layouts.record_line(spec, spec["fields"], {
        "reference": kks.household_reference(h), "account_number": n, "card_number": f"60{n}"})
        for h, n in numbers.items()]
    lines.append(layouts.record_line(spec, spec["trailer"], values))
    return ("\n".join(lines) + "\n").encode()


def test_full_cycle_burekol_disbursement_response_repayment_and_retur(
        build, officers, run_jobs, tmp_path):
    """Issue 12, "Done when": "a full cycle through burekol, disbursement, response, re-payment
    of a failure, retur of the rest, with the totals reconciling to the rupiah"."""
    program, finance, finance2 = officers["program"], officers["keuangan"], officers["keuangan2"]
    households = build.households(3)
    run = build.frozen_run("sembako", "2026-11", households)
    cycle = cycles.prepare(ctx(program), run)
    bri = PaymentChannel.objects.get(code="bri")
    assert cycle.kpm_count == 3 and cycle.total_amount == 600_000

    # Burekol: the three KPM have no account yet.
    request = kks.request_accounts(ctx(finance), cycle, bri, tmp_path / "burekol.csv")
    assert request.rows == 3 and (tmp_path / "burekol.csv").read_text().startswith("H;BRK")
    answer = burekol_answer(request, {h.pk: f"00012345{i}" for i, h in enumerate(households)})
    assert kks.import_answer(ctx(finance), request, answer) == 3
    assert kks.import_answer(ctx(finance), request, answer) == 0  # the same answer again
    assert KpmAccount.objects.filter(status="open").count() == 3

    cycle = cycles.approve(ctx(finance), cycle)
    cycles.record_spm(ctx(finance), cycle, "SPM-0001", date(2026, 11, 2), 600_000)
    cycles.record_sp2d(ctx(finance), cycle, bri, "SP2D-0001", date(2026, 11, 3), 600_000)

    # The disbursement file, made by a job; the job records the file once complete.
    job = start_disbursement(ctx(finance2), cycle, bri)
    run_jobs()
    job.refresh_from_db()
    assert job.state == "done", job.error
    batch = DisbursementBatch.objects.get(cycle=cycle, sequence=1)
    path = output_dir(job) / batch.file_name
    manifest = json.loads((output_dir(job) / job.output["files"][1]).read_text())
    assert manifest["sha256"] == batch.sha256 and manifest["records"] == 3
    assert manifest["total"] == 600_000
    text = path.read_text().splitlines()
    assert text[0].startswith(f"H;{batch.code};BRI;SEMBAKO;2026-11;1;")
    assert text[-1] == "T;3;600000" and len(text) == 5
    refs = references(batch)
    assert len(set(refs)) == 3 and all(line.split(";")[1] in refs for line in text[1:-1])
    again = tmp_path / "again.csv"
    render(batch, again, tmp_path / "work")
    assert again.read_bytes() == path.read_bytes()  # regenerating gives the same bytes
    assert not list(output_dir(job).glob(".*partial"))

    # The bank's answer: one account failed.
    data = response_file(batch, {refs[0]: ("C", ""), refs[1]: ("F", "R03"), refs[2]: ("C", "")})
    result = reconciliation.import_response(ctx(finance), batch, data, "bri-1.txt")
    assert result.counts == {"credited": 2, "failed": 1}
    again = reconciliation.import_response(ctx(finance), batch, data, "bri-1.txt")
    assert not again.created  # the same file twice changes nothing
    failed = Payment.objects.get(status=PaymentStatus.FAILED)
    assert failed.failure_code == "R03"

    # The account is fixed and the failure paid again in a second batch, with a new reference.
    KpmAccount.objects.filter(household=failed.household).update(account_number="000999111")
    assert returns.mark_for_repayment(ctx(finance), cycle, [failed.pk]) == 1
    job2 = start_disbursement(ctx(finance), cycle, bri)
    run_jobs()
    job2.refresh_from_db()
    assert job2.state == "done", job2.error
    batch2 = DisbursementBatch.objects.get(cycle=cycle, sequence=2)
    assert batch2.record_count == 1 and batch2.total_amount == 200_000
    attempt2 = PaymentAttempt.objects.get(batch=batch2)
    assert attempt2.payment_id == failed.pk and attempt2.number == 2
    assert attempt2.account_number == "000999111" and attempt2.reference not in refs
    reconciliation.import_response(ctx(finance), batch2, response_file(
        batch2, {attempt2.reference: ("C", "")}), "bri-2.txt")

    # Later: who withdrew. Two never did.
    reconciliation.import_response(ctx(finance), batch, response_file(
        batch, {refs[0]: ("T", ""), refs[2]: ("N", "")}), "bri-1-tx.txt", "transaction")
    reconciliation.import_response(ctx(finance), batch2, response_file(
        batch2, {attempt2.reference: ("N", "")}), "bri-2-tx.txt", "transaction")
    mengendap = returns.saldo_mengendap()
    assert mengendap == [{"region": "32.01", "kpm": 2, "amount": 400_000}]

    # Retur after the configured days: tidak salur goes back to the treasury.
    later = date.today() + timedelta(days=cycle.return_after_days + 1)
    ret = returns.record_return(ctx(finance), cycle, bri, later, "NTPN-0001", 400_000, later)
    assert ret.payments_count == 2

    payments = Payment.objects.filter(cycle=cycle)
    by_status = selectors.payment_totals(payments)
    assert by_status == {"transacted": {"count": 1, "amount": 200_000},
                         "returned": {"count": 2, "amount": 400_000}}
    sp2d = cycle.sp2d.get().amount
    assert sp2d == by_status["transacted"]["amount"] + ret.amount  # to the rupiah
    [bri_totals] = selectors.attempt_totals(payments)
    assert (bri_totals.sent, bri_totals.credited, bri_totals.failed, bri_totals.pending) == (
        800_000, 600_000, 200_000, 0) and bri_totals.balanced
    assert PaymentAttempt.objects.filter(status=AttemptStatus.RETURNED).aggregate(
        t=Sum("amount"))["t"] == 400_000
    # Every status change is an audit event naming its source.
    events = Event.objects.filter(action="payments.payment.status", object_id=str(failed.pk))
    assert {e.source for e in events} >= {"batch", "import"}
    assert any("bri-1.txt" in e.source_ref for e in events)
    assert Job.objects.filter(kind="payments_disbursement", state="done").count() == 2
