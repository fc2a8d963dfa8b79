# ruff: noqa: S608 -- table and column names come from the models' meta; values are parameters.
"""Payment cycles: prepared from a frozen KPM list (one set operation), approved by a second
officer with the finance role, with the SPM and the SP2D per channel recorded and checked."""

import re
from datetime import date

from django.db import IntegrityError, connection, transaction
from django.db.models import Q, Sum
from django.utils import timezone

from accounts import policy
from audit import services as audit
from programs.models import EligibilityRun, Enrollment, Program
from programs.selectors import run_definition
from programs.services import ProgramError, period_start

from .budget import check_ceiling
from .errors import PaymentError
from .models import (
    ChannelRule,
    CycleApproval,
    CycleStatus,
    KpmAccount,
    Payment,
    PaymentChannel,
    PaymentCycle,
    Sp2d,
)
from .models.cycles import TRANSITIONS


def stage_of(program: Program, period: str) -> tuple[str, int]:
    """(cycle period, stage): PKH's '2026-T3' is stage 3 of 2026; a month is its own period."""
    found = re.fullmatch(r"(\d{4})-T([1-4])", period)
    if program.frequency == "quarterly" and found:
        return found.group(1), int(found.group(2))
    return period, 1


def component_amounts(definition: dict) -> tuple[dict[str, int], int]:
    """{component id: yearly amount} and the number of stages of a per-component benefit."""
    benefit = definition.get("benefit") or {}
    return ({c["id"]: int(c["amount"]) for c in benefit.get("components", [])},
            int(benefit.get("stages", 1) or 1))


def stage_amount(components: str, amounts: dict[str, int], stages: int, stage: int) -> int:
    """A family's amount in one stage from its enrollment's components ('hamil:1,sd:2,'):
    the yearly total split over the stages, the last stage taking the rupiah left over, so the
    stages add up to the year exactly."""
    yearly = 0
    for part in filter(None, components.split(",")):
        cid, _, count = part.partition(":")
        yearly += amounts.get(cid, 0) * int(count or 0)
    base = yearly // stages
    return yearly - base * (stages - 1) if stage == stages else base


def _channel_case(program: Program) -> tuple[str, list]:
    """SQL choosing the channel of a village_code: the open account's channel, else the longest
    matching rule (the program's own first); PT Pos for cash programs; none in kind."""
    if program.channel == "pos":
        return "%s", ["pos"]
    if program.benefit_kind != "cash":
        return "NULL", []
    rules = sorted(ChannelRule.objects.filter(Q(program=None) | Q(program=program)),
                   key=lambda r: (-len(r.region_prefix), r.program_id is None))
    whens, params = [], []
    for r in rules:
        if r.region_prefix:
            whens.append("WHEN (e.village_code = %s OR e.village_code LIKE %s) THEN %s")
            params += [r.region_prefix, r.region_prefix + ".%", r.channel_id]
        else:
            whens.append("WHEN 1 = 1 THEN %s")
            params.append(r.channel_id)
    if not whens:
        return "NULL", []
    return "COALESCE(a.channel_id, CASE " + " ".join(whens) + " END)", params


def _insert_payments(cycle: PaymentCycle, run: EligibilityRun, stage_amounts: bool) -> int:
    """Every enrolled KPM of the run as a pending payment, in one INSERT ... SELECT. The
    recipient is the enrolled member (person programs) or the household's head."""
    from registry.models import Member

    channel_sql, channel_params = _channel_case(cycle.program)
    pay, enr = Payment._meta.db_table, Enrollment._meta.db_table
    acc, mem = KpmAccount._meta.db_table, Member._meta.db_table
    amount = "0" if stage_amounts else "e.amount"
    sql = f"""
        INSERT INTO {pay} (cycle_id, program_id, period, stage, household_id, member_id,
                           enrollment_id, village_code, recipient_name, nik, channel_id, amount,
                           components, status, attempts, failure_code, home_delivery, proof)
        SELECT %s, %s, %s, %s, e.household_id, e.member_id, e.id, e.village_code,
               COALESCE(m.name, ''), COALESCE(m.nik, ''), {channel_sql}, {amount},
               e.components, 'pending', 0, '', %s, ''
        FROM {enr} e
        LEFT JOIN {acc} a ON a.household_id = e.household_id AND a.status <> 'closed'
        LEFT JOIN {mem} m ON m.id = COALESCE(e.member_id, (
            SELECT h.id FROM {mem} h WHERE h.household_id = e.household_id
            AND h.relation_to_household_head = 1 ORDER BY h.id LIMIT 1))
        WHERE e.run_id = %s AND e.status = 'enrolled'
    """
    params = [cycle.pk, cycle.program_id, cycle.period, cycle.stage, *channel_params,
              False, run.pk]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


def _set_stage_amounts(cycle: PaymentCycle, definition: dict) -> None:
    """PKH: each stage's amount from the components (distinct component texts are few)."""
    amounts, stages = component_amounts(definition)
    texts = Payment.objects.filter(cycle=cycle).values_list("components", flat=True).distinct()
    for text in texts:
        Payment.objects.filter(cycle=cycle, components=text).update(
            amount=stage_amount(text, amounts, stages, cycle.stage))
    _cut_for_conditionality(cycle, amounts, stages)


def _cut_for_conditionality(cycle: PaymentCycle, amounts: dict[str, int], stages: int) -> None:
    """PKH conditionality (pkh.selectors.stage_cuts): the components a family lost for the
    previous stage's violation are left out of its amount; nothing is paid where the whole
    payment is cut (the payment is kept, cancelled, so the household page can say why)."""
    from pkh.selectors import stage_cuts, uncut

    cuts = stage_cuts(cycle.program.code, cycle.period, cycle.stage)
    ids = list(cuts)
    for i in range(0, len(ids), 1000):
        changed = list(Payment.objects.filter(cycle=cycle, household_id__in=ids[i:i + 1000]))
        for p in changed:
            p.amount = stage_amount(uncut(p.components, cuts[p.household_id]), amounts, stages,
                                    cycle.stage)
            p.status = p.status if p.amount else "cancelled"
        Payment.objects.bulk_update(changed, ["amount", "status"])


def prepare(ctx: audit.Context, run: EligibilityRun, return_after_days: int = 30
            ) -> PaymentCycle:
    """A new cycle paying the frozen KPM list `run`. Refused when the list is not frozen, the
    stage is already paid by another cycle, or the cycle would pass the budget ceiling."""
    policy.require(ctx.actor, policy.PREPARE_PAYMENT)
    if run.state != EligibilityRun.State.FROZEN or run.frozen_at is None:
        raise PaymentError("Daftar KPM belum dibekukan; hanya daftar beku yang dapat dibayar.",
                           "The KPM list is not frozen; only a frozen list can be paid.")
    program = run.program
    period, stage = stage_of(program, run.period)
    try:
        start: date = period_start(program, run.period)
    except ProgramError as error:
        raise PaymentError(error.id, error.en) from error
    definition = run_definition(run)
    per_component = program.frequency == "quarterly" and bool(
        (definition.get("benefit") or {}).get("components"))
    try:
        with transaction.atomic():
            cycle = PaymentCycle.objects.create(
                program=program, run=run, period=period, stage=stage, year=start.year,
                month=start.month, in_kind=program.benefit_kind != "cash",
                prepared_by=ctx.actor, return_after_days=return_after_days)
            count = _insert_payments(cycle, run, per_component)
            if per_component:
                _set_stage_amounts(cycle, definition)
                # A family whose whole payment PKH conditionality cuts is no KPM of this cycle.
                count = Payment.objects.filter(cycle=cycle).exclude(status="cancelled").count()
            total = Payment.objects.filter(cycle=cycle).aggregate(t=Sum("amount"))["t"] or 0
            cycle.kpm_count, cycle.total_amount = count, total
            cycle.save(update_fields=["kpm_count", "total_amount"])
            check_ceiling(cycle)
            CycleApproval.objects.create(cycle=cycle, to_status=CycleStatus.PREPARED,
                                         by=ctx.actor)
            audit.record(ctx, "payments.cycle.prepare", cycle,
                         {"run": run.pk, "kpm": count, "total": total})
    except IntegrityError as error:
        raise PaymentError(
            f"{program.name} periode {period} tahap {stage} sudah memiliki siklus pembayaran.",
            f"{program.name_en} period {period} stage {stage} already has a payment cycle."
        ) from error
    return cycle


def _transition(ctx: audit.Context, cycle_id: int, to: str, **fields) -> PaymentCycle:
    """Move a cycle along TRANSITIONS under a row lock: two officers at once make one move."""
    with transaction.atomic():
        cycle = PaymentCycle.objects.select_for_update().get(pk=cycle_id)
        action = TRANSITIONS.get((cycle.status, to))
        if action is None:
            raise PaymentError(
                f"Siklus berstatus {cycle.get_status_display()} tidak dapat diubah ke {to}.",
                f"A cycle that is {cycle.status} cannot move to {to}.")
        policy.require(ctx.actor, action)
        before = cycle.status
        PaymentCycle.objects.filter(pk=cycle.pk).update(status=to, **fields)
        CycleApproval.objects.create(cycle=cycle, from_status=before, to_status=to,
                                     by=ctx.actor, note=ctx.reason)
        audit.record(ctx, f"payments.cycle.{to}", cycle, {"status": [before, to]})
        cycle.refresh_from_db()
        return cycle


def approve(ctx: audit.Context, cycle: PaymentCycle) -> PaymentCycle:
    """Four eyes: a finance officer other than the one who prepared the cycle approves it."""
    if cycle.prepared_by_id == getattr(ctx.actor, "pk", None):
        raise PaymentError("Siklus tidak dapat disetujui oleh penyusunnya sendiri.",
                           "A cycle cannot be approved by the officer who prepared it.")
    if not policy.can(ctx.actor, policy.APPROVE_PAYMENT):
        raise PaymentError("Persetujuan memerlukan peran keuangan.",
                           "Approval needs the finance role.")
    return _transition(ctx, cycle.pk, CycleStatus.APPROVED, approved_by=ctx.actor,
                       approved_at=timezone.now())


def cancel(ctx: audit.Context, cycle: PaymentCycle) -> PaymentCycle:
    cycle = _transition(ctx, cycle.pk, CycleStatus.CANCELLED)
    Payment.objects.filter(cycle=cycle).delete()
    return cycle


def record_spm(ctx: audit.Context, cycle: PaymentCycle, number: str, on: date, amount: int
               ) -> PaymentCycle:
    """The payment order (SPM) to the treasury: its amount is the cycle's total."""
    policy.require(ctx.actor, policy.APPROVE_PAYMENT)
    if amount != cycle.total_amount:
        raise PaymentError(
            f"Nilai SPM Rp{amount:,} tidak sama dengan total siklus Rp{cycle.total_amount:,}.",
            f"The SPM amount Rp{amount:,} differs from the cycle total Rp{cycle.total_amount:,}.")
    PaymentCycle.objects.filter(pk=cycle.pk).update(spm_number=number, spm_date=on,
                                                    spm_amount=amount)
    audit.record(ctx, "payments.cycle.spm", cycle, {"spm": number, "amount": amount})
    cycle.refresh_from_db()
    return cycle


def channel_totals(cycle: PaymentCycle) -> dict[str, int]:
    rows = (Payment.objects.filter(cycle=cycle).exclude(channel=None).values("channel")
            .annotate(t=Sum("amount")))
    return {r["channel"]: r["t"] for r in rows}


def record_sp2d(ctx: audit.Context, cycle: PaymentCycle, channel: PaymentChannel, number: str,
                on: date, amount: int) -> Sp2d:
    """The treasury's SP2D for one channel: refused unless it equals the channel's total."""
    policy.require(ctx.actor, policy.APPROVE_PAYMENT)
    expected = channel_totals(cycle).get(channel.code, 0)
    if amount != expected:
        raise PaymentError(
            f"SP2D {number}: Rp{amount:,} tidak sama dengan total {channel.name} "
            f"Rp{expected:,}.",
            f"SP2D {number}: Rp{amount:,} differs from the {channel.name} total "
            f"Rp{expected:,}.")
    try:
        with transaction.atomic():
            sp2d = Sp2d.objects.create(cycle=cycle, channel=channel, number=number, date=on,
                                       amount=amount)
    except IntegrityError as error:
        raise PaymentError(f"SP2D {number} atau SP2D {channel.name} sudah tercatat.",
                           f"SP2D {number} or the SP2D of {channel.name} is already recorded."
                           ) from error
    audit.record(ctx, "payments.cycle.sp2d", cycle, {"sp2d": number, "channel": channel.code,
                                                     "amount": amount})
    return sp2d
