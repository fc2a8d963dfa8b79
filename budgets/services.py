"""Recording a DIPA, its revisions and its allocations by region. Each function runs in one
transaction that also keeps payments' BudgetCeiling in step (national row '' = the effective
ceiling, a row per allocated region = its allocation), so the cycle check in payments.budget
reads the current ceiling; and each change is audited.

The sums are changed by conditional UPDATEs (`... WHERE allocated <= ceiling - delta`), which
PostgreSQL re-evaluates on the locked row: of two officers allocating at once, the second sees
the first's amount and is refused. Locks are taken bottom-up (kabupaten/kota row, province row,
DIPA row), so writers never wait on each other in a circle."""

from datetime import date

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.translation import gettext as _

from accounts import policy
from audit import services as audit
from payments import budget
from payments.models import BudgetCeiling
from wilayah.models import Level, Region
from wilayah.selectors import code_in_scope

from .models import Allocation, AllocationEntry, Dipa, DipaRevision


class BudgetError(Exception):
    """A refusal a user can act on; the message is already in the user's language."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field  # the form field the refusal is about, when there is one


def rupiah(amount: int) -> str:
    return f"Rp{amount:,}".replace(",", ".")


def _require_national(actor) -> None:
    policy.require(actor, policy.MANAGE_BUDGET)
    if policy.scope_prefix(actor) != "":
        raise BudgetError(_("Only a national finance officer records a DIPA or its revisions."))


def _set_ceiling(dipa: Dipa, region_code: str, amount: int) -> None:
    BudgetCeiling.objects.update_or_create(program=dipa.program, year=dipa.year,
                                           region_code=region_code,
                                           defaults={"amount": amount})


def _planned(program, year: int, region_code: str = "") -> int:
    """What the year's live cycles already plan to pay in the region (payments' figure)."""
    rows = budget.realisation(program, year, region_length=len(region_code) or 2,
                              scope=region_code, by_month=False)
    return sum(r.planned for r in rows)


@transaction.atomic
def record_dipa(ctx: audit.Context, program, year: int, number: str, on: date, unit: str,
                amount: int) -> Dipa:
    """The original DIPA of a program and year (revision 0)."""
    _require_national(ctx.actor)
    if amount <= 0:
        raise BudgetError(_("The DIPA ceiling must be more than Rp0."), "amount")
    if Dipa.objects.filter(program=program, year=year).exists():
        raise BudgetError(_("%(program)s already has a DIPA for %(year)s: record a revision "
                            "instead.") % {"program": program.name, "year": year})
    if Dipa.objects.filter(number=number).exists():
        raise BudgetError(_("DIPA number %(number)s is already recorded.") % {"number": number},
                          "number")
    planned = _planned(program, year)
    if amount < planned:
        raise BudgetError(_("The ceiling %(amount)s is below what this year's payment cycles "
                            "already plan (%(planned)s).") % {
            "amount": rupiah(amount), "planned": rupiah(planned)}, "amount")
    try:
        with transaction.atomic():
            dipa = Dipa.objects.create(program=program, year=year, number=number, date=on,
                                       unit=unit, amount=amount, ceiling=amount,
                                       recorded_by=ctx.actor)
    except IntegrityError as error:  # the same DIPA recorded at the same moment
        raise BudgetError(_("%(program)s already has a DIPA for %(year)s: record a revision "
                            "instead.") % {"program": program.name, "year": year}) from error
    DipaRevision.objects.create(dipa=dipa, number=0, date=on, amount=amount,
                                reason=_("Original DIPA"), letter_number=number,
                                recorded_by=ctx.actor)
    _set_ceiling(dipa, "", amount)
    audit.record(ctx, "budgets.dipa.record", dipa, {
        "program": program.code, "year": year, "number": number, "amount": amount})
    return dipa


@transaction.atomic
def record_revision(ctx: audit.Context, dipa: Dipa, on: date, amount: int, reason: str,
                    letter_number: str) -> DipaRevision:
    """A revision of the DIPA: its amount becomes the effective ceiling. Refused below what is
    already allocated to the provinces or planned by the year's cycles."""
    _require_national(ctx.actor)
    if not reason.strip() or not letter_number.strip():
        raise BudgetError(_("A revision needs its reason and the number of its letter."),
                          "reason" if not reason.strip() else "letter_number")
    dipa = Dipa.objects.select_for_update().get(pk=dipa.pk)
    latest = dipa.revisions.order_by("-number").first()
    if on < latest.date:
        raise BudgetError(_("The revision date %(on)s is before the previous revision "
                            "(%(previous)s).") % {"on": on, "previous": latest.date}, "date")
    if amount < dipa.allocated:
        raise BudgetError(_("The new ceiling %(amount)s is below what is already allocated to "
                            "the provinces (%(allocated)s): lower the allocations first.") % {
            "amount": rupiah(amount), "allocated": rupiah(dipa.allocated)}, "amount")
    planned = _planned(dipa.program, dipa.year)
    if amount < planned:
        raise BudgetError(_("The ceiling %(amount)s is below what this year's payment cycles "
                            "already plan (%(planned)s).") % {
            "amount": rupiah(amount), "planned": rupiah(planned)}, "amount")
    revision = DipaRevision.objects.create(
        dipa=dipa, number=latest.number + 1, date=on, amount=amount, reason=reason.strip(),
        letter_number=letter_number.strip(), recorded_by=ctx.actor)
    Dipa.objects.filter(pk=dipa.pk).update(ceiling=amount)
    _set_ceiling(dipa, "", amount)
    audit.record(ctx, "budgets.dipa.revise", dipa, {
        "revision": revision.number, "ceiling": [latest.amount, amount],
        "letter": revision.letter_number})
    return revision


def _check_region(actor, region_code: str) -> Region:
    """A province or kabupaten/kota strictly below the officer's own scope."""
    policy.require(actor, policy.MANAGE_BUDGET)
    region = Region.objects.filter(code=region_code).first()
    if region is None or region.level not in (Level.PROVINCE, Level.REGENCY):
        raise BudgetError(_("%(code)s is not the code of a province or kabupaten/kota.") % {
            "code": region_code or "—"}, "region_code")
    scope = policy.scope_prefix(actor) or ""
    if region_code == scope or not code_in_scope(region_code, scope):
        raise BudgetError(_("You may allocate only to regions below your own (%(scope)s).") % {
            "scope": scope or _("national")}, "region_code")
    return region


def _take_from_parent(dipa: Dipa, region: Region, delta: int) -> None:
    """Move `delta` of the parent's free amount (the DIPA's for a province, the province's
    allocation for a kabupaten/kota) into the region, or refuse."""
    if region.level == Level.PROVINCE:
        moved = Dipa.objects.filter(pk=dipa.pk, allocated__lte=F("ceiling") - delta).update(
            allocated=F("allocated") + delta)
        if not moved:
            dipa.refresh_from_db()
            raise BudgetError(_("The allocations would pass the DIPA ceiling %(ceiling)s: "
                                "%(free)s is still free.") % {
                "ceiling": rupiah(dipa.ceiling),
                "free": rupiah(dipa.ceiling - dipa.allocated)}, "amount")
        return
    province = region.code.split(".")[0]
    moved = Allocation.objects.filter(dipa=dipa, region_code=province,
                                      passed_on__lte=F("amount") - delta).update(
        passed_on=F("passed_on") + delta)
    if not moved:
        parent = Allocation.objects.filter(dipa=dipa, region_code=province).first()
        if parent is None:
            raise BudgetError(_("Allocate to province %(province)s first.") % {
                "province": province}, "region_code")
        raise BudgetError(_("The allocations would pass province %(province)s's allocation "
                            "%(amount)s: %(free)s is still free.") % {
            "province": province, "amount": rupiah(parent.amount),
            "free": rupiah(parent.amount - parent.passed_on)}, "amount")


@transaction.atomic
def allocate(ctx: audit.Context, dipa: Dipa, region_code: str, amount: int,
             note: str = "") -> Allocation:
    """Set a province's or kabupaten/kota's allocation. The provinces together never pass the
    DIPA's effective ceiling, the kabupaten/kota of a province never pass its allocation."""
    region = _check_region(ctx.actor, region_code)
    if amount < 0:
        raise BudgetError(_("An allocation cannot be negative."), "amount")
    if region.level == Level.REGENCY and not Allocation.objects.filter(
            dipa=dipa, region_code=region.code.split(".")[0]).exists():
        raise BudgetError(_("Allocate to province %(province)s first.") % {
            "province": region.code.split(".")[0]}, "region_code")
    Allocation.objects.get_or_create(dipa=dipa, region_code=region.code,
                                     defaults={"amount": 0})
    row = Allocation.objects.select_for_update().get(dipa=dipa, region_code=region.code)
    previous = row.amount
    if amount < row.passed_on:
        raise BudgetError(_("%(code)s has already passed %(passed)s on to its kabupaten/kota: "
                            "its allocation cannot be lower.") % {
            "code": region.code, "passed": rupiah(row.passed_on)}, "amount")
    planned = _planned(dipa.program, dipa.year, region.code)
    if amount < planned:
        raise BudgetError(_("The allocation %(amount)s is below what this year's payment "
                            "cycles already plan in %(code)s (%(planned)s).") % {
            "amount": rupiah(amount), "code": region.code, "planned": rupiah(planned)},
            "amount")
    _take_from_parent(dipa, region, amount - previous)
    Allocation.objects.filter(pk=row.pk).update(amount=amount)
    revision = dipa.revisions.order_by("-number").first()
    AllocationEntry.objects.create(dipa=dipa, revision=revision, region_code=region.code,
                                   amount=amount, previous=previous, note=note.strip(),
                                   recorded_by=ctx.actor)
    _set_ceiling(dipa, region.code, amount)
    audit.record(ctx, "budgets.allocation.record", dipa, {
        "region": region.code, "amount": [previous, amount], "revision": revision.number},
        region_code=region.code)
    row.refresh_from_db()
    return row
