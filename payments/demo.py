"""Demo data for payments: one Sembako cycle from the frozen demo list, prepared by `program`,
approved by `keuangan`, with most KPM holding an account, the first file per channel made by
the job and the banks' answer imported (a few failures), all through the real services."""

from datetime import date

from django.db.models import Sum
from django.utils import timezone

from audit.services import Context
from programs.models import EligibilityRun

from . import cycles, layouts, reconciliation
from .disbursement import layout_for
from .models import FileLayout, KpmAccount, Payment, PaymentAttempt, PaymentChannel, PaymentCycle


def seeded() -> bool:
    return PaymentCycle.objects.exists()


def _open_accounts(cycle: PaymentCycle, share_without: int = 10) -> None:
    """Open accounts for the KPM, leaving one in `share_without` for the burekol request."""
    rows = Payment.objects.filter(cycle=cycle).exclude(channel=None).values_list(
        "household_id", "channel_id", "village_code")
    KpmAccount.objects.bulk_create(
        [KpmAccount(household_id=h, channel_id=c, village_code=v, status="open",
                    account_number=f"{h:012d}", opened_at=timezone.now())
         for h, c, v in rows if h % share_without], batch_size=5000, ignore_conflicts=True)


def _answer(batch) -> bytes:
    spec = layout_for(batch.channel, FileLayout.Purpose.RESPONSE).spec
    values = {"batch": batch.code, "channel": batch.channel_id.upper()}
    lines, total, count = [layouts.record_line(spec, spec["header"], values)], 0, 0
    for i, (ref, amount) in enumerate(PaymentAttempt.objects.filter(batch=batch).order_by(
            "reference").values_list("reference", "amount")):
        failed = i % 20 == 7
        lines.append(layouts.record_line(spec, spec["fields"], {
            "reference": ref, "amount": str(amount), "status": "F" if failed else "C",
            "reason_code": "R03" if failed else "", "date": f"{date.today():%Y%m%d}"}))
        total, count = total + amount, count + 1
    lines.append(layouts.record_line(spec, spec["trailer"], values | {
        "count": str(count), "total": str(total)}))
    return ("\n".join(lines) + "\n").encode()


def seed(program_user, finance_user) -> str:
    """One cycle through its first files and answers; a one-line summary."""
    from jobs.worker import run_waiting

    from .tasks import start_disbursement

    run = EligibilityRun.objects.filter(program__code="sembako", state="frozen").first()
    if run is None:
        return "no frozen Sembako list"
    cycle = cycles.prepare(Context(program_user, reason="demo"), run)
    _open_accounts(cycle)
    finance = Context(finance_user, reason="demo")
    cycle = cycles.approve(finance, cycle)
    cycles.record_spm(finance, cycle, f"SPM-DEMO-{cycle.pk}", date.today(), cycle.total_amount)
    totals = Payment.objects.filter(cycle=cycle).exclude(channel=None).values(
        "channel").annotate(t=Sum("amount"))
    for row in totals:
        channel = PaymentChannel.objects.get(pk=row["channel"])
        cycles.record_sp2d(finance, cycle, channel, f"SP2D-DEMO-{cycle.pk}-{channel.code}",
                           date.today(), row["t"])
        start_disbursement(finance, cycle, channel)
    run_waiting()
    for batch in cycle.batches.all():
        reconciliation.import_response(finance, batch, _answer(batch), f"{batch.code}.txt")
    return f"cycle #{cycle.pk}: {cycle.kpm_count} KPM, Rp{cycle.total_amount:,}"
