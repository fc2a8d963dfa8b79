"""Building frozen KPM lists and walking a cycle through its files, for the payments tests."""

import io
from dataclasses import dataclass

from django.utils import timezone

from audit.services import Context
from payments import layouts
from payments.disbursement import layout_for
from payments.models import DisbursementBatch, FileLayout, PaymentAttempt
from programs.models import EligibilityRun, Enrollment, Program
from programs.services import current_rule_set, install_shipped
from programs.tests.kpm_data import family

VILLAGE = "32.01.01.1001"


@dataclass
class Builder:
    actor: object

    def __post_init__(self):
        install_shipped()
        self.serial = 10

    def households(self, n: int, village: str = VILLAGE) -> list:
        out = []
        for _ in range(n):
            self.serial += 2
            out.append(family(self.actor, village, self.serial, f"Kepala {self.serial}").household)
        return out

    def frozen_run(self, code: str, period: str, households: list,
                   components: list[str] | None = None, amount: int | None = None
                   ) -> EligibilityRun:
        program = Program.objects.get(code=code)
        run = EligibilityRun.objects.create(
            program=program, rule_set=current_rule_set(program), kind="enrollment",
            state="frozen", period=period, snapshot="test", snapshot_checksum="x",
            frozen_at=timezone.now())
        per_period = (program.rule_sets.get(version=1).definition.get("benefit") or {}).get(
            "per_period", 0)
        Enrollment.objects.bulk_create(
            Enrollment(run=run, household=h, village_code=h.village_id, status="enrolled",
                       change="new", amount=amount if amount is not None else per_period,
                       components=(components[i] if components else ""))
            for i, h in enumerate(households))
        return run


def ctx(user) -> Context:
    return Context(actor=user)


def response_file(batch: DisbursementBatch, answers: dict[str, tuple[str, str]],
                  *, amounts: dict[str, int] | None = None, header: dict | None = None,
                  count: int | None = None, total: int | None = None,
                  extra_lines: list[str] | None = None, trailer: bool = True) -> bytes:
    """A channel's response in its layout: answers {reference: (status, reason_code)}."""
    spec = layout_for(batch.channel, FileLayout.Purpose.RESPONSE).spec
    sent = dict(PaymentAttempt.objects.filter(batch=batch).values_list("reference", "amount"))
    lines, summed = [], 0
    values = {"batch": batch.code, "channel": batch.channel_id.upper()} | (header or {})
    lines.append(layouts.record_line(spec, spec["header"], values))
    for ref, (status, reason) in answers.items():
        amount = (amounts or {}).get(ref, sent.get(ref, 0))
        summed += amount
        lines.append(layouts.record_line(spec, spec["fields"], {
            "reference": ref, "amount": str(amount), "status": status, "reason_code": reason,
            "date": "20261203"}))
    lines += extra_lines or []
    if trailer:
        lines.append(layouts.record_line(spec, spec["trailer"], values | {
            "count": str(len(answers) + len(extra_lines or []) if count is None else count),
            "total": str(summed if total is None else total)}))
    out = io.StringIO()
    out.write("\n".join(lines) + "\n")
    return out.getvalue().encode()


def references(batch: DisbursementBatch) -> list[str]:
    return list(PaymentAttempt.objects.filter(batch=batch).order_by("reference").values_list(
        "reference", flat=True))


def at_once(n: int, work) -> list:
    """Run work(i) in n threads released together, each on its own database connection;
    [(result | exception)] in thread order."""
    import threading

    from django.db import connections

    barrier = threading.Barrier(n)
    results: list = [None] * n

    def run(i):
        try:
            barrier.wait()
            results[i] = work(i)
        except Exception as error:  # noqa: BLE001 - the test inspects what each thread got
            results[i] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return results
