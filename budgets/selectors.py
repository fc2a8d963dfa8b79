"""Reads behind the budget pages and export: per program its ceiling, allocations, planned and
realised amounts within the reader's region, and a DIPA's allocations and months.

Realised is what reached the KPM: disbursed minus what went back to the treasury (retur). A
returned payment leaves payments' `disbursed` statuses, so payments.budget's `disbursed`
figure is already net; the pages show the gross (realised + returned) beside it so the reader
sees the subtraction."""

from dataclasses import dataclass

from accounts import policy
from payments import budget
from programs.models import Program
from wilayah.selectors import code_in_scope, names

from .models import Allocation, Dipa


@dataclass
class Figures:
    """One line of a budget table: a program, a region or a month."""

    label: str
    ceiling: int | None
    allocated: int
    planned: int
    realised: int
    returned: int
    failed: int
    code: str = ""

    @property
    def disbursed(self) -> int:
        """What left the treasury for the KPM: realised plus what came back (retur)."""
        return self.realised + self.returned

    @property
    def absorption(self) -> float | None:
        """Realised as a percentage of the ceiling (None without a ceiling)."""
        return round(100 * self.realised / self.ceiling, 2) if self.ceiling else None

    @property
    def free(self) -> int | None:
        return None if self.ceiling is None else self.ceiling - self.allocated


def scope_of(user) -> str:
    """The region code the user reads budgets in ('' national); PermissionDenied without the
    role."""
    policy.require(user, policy.VIEW_BUDGET)
    return policy.scope_prefix(user) or ""


def _totals(program, year: int, scope: str, region_length: int = 0, by_month: bool = False
            ) -> dict:
    """{region or month: (planned, realised, returned, failed)} from payments within scope."""
    length = region_length or max(len(scope), 2)
    out: dict = {}
    for r in budget.realisation(program, year, region_length=length, scope=scope,
                                by_month=by_month):
        key = r.month if by_month else r.region
        planned, realised, returned, failed = out.get(key, (0, 0, 0, 0))
        out[key] = (planned + r.planned, realised + r.disbursed, returned + r.returned,
                    failed + r.failed)
    return out


def _summed(totals: dict) -> tuple[int, int, int, int]:
    return tuple(sum(v[i] for v in totals.values()) for i in range(4))  # type: ignore[return-value]


def _own_allocation(dipa: Dipa, scope: str) -> Allocation | None:
    return Allocation.objects.filter(dipa=dipa, region_code=scope).first() if scope else None


def _ceiling_and_allocated(dipa: Dipa | None, scope: str) -> tuple[int | None, int]:
    """The ceiling a reader in `scope` works under: the DIPA's nationally, the region's own
    allocation below (and what it passed on to its kabupaten/kota)."""
    if dipa is None:
        return None, 0
    if not scope:
        return dipa.ceiling, dipa.allocated
    own = _own_allocation(dipa, scope)
    return (own.amount, own.passed_on) if own else (None, 0)


def overview(user, year: int) -> list[tuple[Program, Dipa | None, Figures]]:
    """Each program's line for the year, within the user's region."""
    scope = scope_of(user)
    dipas = {d.program_id: d for d in Dipa.objects.filter(year=year)}
    rows = []
    for program in Program.objects.order_by("code"):
        dipa = dipas.get(program.pk)
        planned, realised, returned, failed = _summed(_totals(program, year, scope))
        ceiling, allocated = _ceiling_and_allocated(dipa, scope)
        rows.append((program, dipa, Figures(program.name, ceiling, allocated, planned,
                                            realised, returned, failed, program.code)))
    return rows


def dipa_for(user, pk: int) -> Dipa | None:
    scope_of(user)
    return Dipa.objects.select_related("program").filter(pk=pk).first()


def headline(user, dipa: Dipa) -> Figures:
    scope = scope_of(user)
    ceiling, allocated = _ceiling_and_allocated(dipa, scope)
    planned, realised, returned, failed = _summed(_totals(dipa.program, dipa.year, scope))
    return Figures(dipa.program.name, ceiling, allocated, planned, realised, returned, failed)


def allocations(user, dipa: Dipa) -> list[Figures]:
    """The provinces' and kabupaten/kota's allocations inside the user's region, each with its
    realisation; regions with payments but no allocation appear too (ceiling None)."""
    scope = scope_of(user)
    rows = [a for a in Allocation.objects.filter(dipa=dipa) if code_in_scope(a.region_code,
                                                                             scope)]
    paid = {**_totals(dipa.program, dipa.year, scope, 2),
            **_totals(dipa.program, dipa.year, scope, 5)}
    paid = {code: v for code, v in paid.items() if code_in_scope(code, scope)}
    amounts = {a.region_code: a for a in rows}
    codes = sorted(set(amounts) | set(paid))
    labels = names(codes)
    out = []
    for code in codes:
        a = amounts.get(code)
        planned, realised, returned, failed = paid.get(code, (0, 0, 0, 0))
        out.append(Figures(labels.get(code, code), a.amount if a else None,
                           a.passed_on if a else 0, planned, realised, returned, failed, code))
    return out


def months(user, dipa: Dipa) -> list[Figures]:
    """The realisation per month of the year inside the user's region (months with payments)."""
    scope = scope_of(user)
    ceiling, _allocated = _ceiling_and_allocated(dipa, scope)
    return [Figures(str(month), ceiling, 0, planned, realised, returned, failed, str(month))
            for month, (planned, realised, returned, failed) in sorted(
                _totals(dipa.program, dipa.year, scope, by_month=True).items())]


def may_manage(user) -> bool:
    return policy.role_allows(user, policy.MANAGE_BUDGET)


def may_revise(user) -> bool:
    return may_manage(user) and policy.scope_prefix(user) == ""
