"""Budget realisation per program, year, month and region: ceiling (pagu), planned (cycles),
disbursed, failed, returned and absorption; and the check that refuses a cycle passing a
ceiling."""

from dataclasses import dataclass

from django.db.models import Q, Sum
from django.db.models.functions import Substr

from .errors import PaymentError
from .models import BudgetCeiling, Payment, PaymentCycle, PaymentStatus

DISBURSED = [PaymentStatus.CREDITED, PaymentStatus.TRANSACTED, PaymentStatus.NOT_TRANSACTED,
             PaymentStatus.DELIVERED]


def ceilings(program, year: int) -> dict[str, int]:
    """{region code ('' national): ceiling}; the program's yearly ceiling when none is set."""
    rows = {c.region_code: c.amount for c in BudgetCeiling.objects.filter(program=program,
                                                                          year=year)}
    if "" not in rows and program.budget_ceiling:
        rows[""] = program.budget_ceiling
    return rows


def _live_payments(program, year: int):
    return Payment.objects.filter(cycle__program=program, cycle__year=year).exclude(
        cycle__status="cancelled")


def check_ceiling(cycle: PaymentCycle) -> None:
    """Refuse (PaymentError) when the year's cycles with this one pass a ceiling."""
    for region, ceiling in ceilings(cycle.program, cycle.year).items():
        payments = _live_payments(cycle.program, cycle.year)
        if region:
            payments = payments.filter(Q(village_code=region) | Q(
                village_code__startswith=region + "."))
        planned = payments.aggregate(t=Sum("amount"))["t"] or 0
        if planned > ceiling:
            where = region or "nasional"
            raise PaymentError(
                f"Siklus ini melampaui pagu {cycle.program.name} {cycle.year} ({where}): "
                f"rencana Rp{planned:,} > pagu Rp{ceiling:,}.",
                f"This cycle passes the {cycle.program.name_en} {cycle.year} ceiling "
                f"({region or 'national'}): planned Rp{planned:,} > ceiling Rp{ceiling:,}.")


@dataclass
class Realisation:
    region: str
    month: int | None
    ceiling: int | None
    planned: int
    disbursed: int
    failed: int
    returned: int

    @property
    def absorption(self) -> float | None:
        """Disbursed as a percentage of the ceiling (of the planned when there is none)."""
        base = self.ceiling or self.planned
        return round(100 * self.disbursed / base, 2) if base else None


def realisation(program, year: int, region_length: int = 2, scope: str = "",
                by_month: bool = True) -> list[Realisation]:
    """Rows per region (code cut to `region_length` characters, e.g. 2 = province) and month."""
    payments = _live_payments(program, year)
    if scope:
        payments = payments.filter(Q(village_code=scope) | Q(village_code__startswith=scope + "."))
    keys = ["region"] + (["cycle__month"] if by_month else [])
    rows = (payments.annotate(region=Substr("village_code", 1, region_length)).values(*keys)
            .annotate(planned=Sum("amount"),
                      disbursed=Sum("amount", filter=Q(status__in=DISBURSED)),
                      failed=Sum("amount", filter=Q(status=PaymentStatus.FAILED)),
                      returned=Sum("amount", filter=Q(status=PaymentStatus.RETURNED)))
            .order_by(*keys))
    limits = ceilings(program, year)
    return [Realisation(r["region"], r.get("cycle__month"), limits.get(r["region"]),
                        r["planned"] or 0, r["disbursed"] or 0, r["failed"] or 0,
                        r["returned"] or 0) for r in rows]
