"""Demo data for budgets: a DIPA for each program and year the demo's payment cycles pay,
with allocations to the provinces and kabupaten/kota they pay in, through the real services
(so payments' ceiling rows follow). Run after the payments demo."""

from datetime import date

from audit.services import Context
from payments import budget
from payments.models import PaymentCycle
from programs.models import Program

from . import services
from .models import Dipa

MILLION = 1_000_000


def _round_up(amount: int) -> int:
    return -(-amount // MILLION) * MILLION


def seeded() -> bool:
    return Dipa.objects.exists()


def _planned(program: Program, year: int, length: int) -> dict[str, int]:
    out: dict[str, int] = {}
    for r in budget.realisation(program, year, region_length=length, by_month=False):
        out[r.region] = out.get(r.region, 0) + r.planned
    return out


def seed(finance_user) -> str:
    """One DIPA per program and year with cycles: each kabupaten/kota 1.2 times its planned,
    each province 1.5 times (at least its kabupaten/kota together), the DIPA twice the
    provinces (at least the program's yearly ceiling); in whole millions."""
    ctx = Context(finance_user, reason="demo")
    made = 0
    for program_id, year in PaymentCycle.objects.values_list("program", "year").distinct():
        program = Program.objects.get(pk=program_id)
        regencies = {code: _round_up(planned * 6 // 5)
                     for code, planned in _planned(program, year, 5).items()}
        provinces = {code: max(_round_up(planned * 3 // 2), sum(
            amount for kab, amount in regencies.items() if kab.startswith(code + ".")))
            for code, planned in _planned(program, year, 2).items()}
        ceiling = max(program.budget_ceiling or 0, 2 * sum(provinces.values()))
        dipa = services.record_dipa(ctx, program, year, f"DIPA-027.{program.code}-{year}",
                                    date(year, 1, 2), "Kementerian Sosial", ceiling)
        for allocations in (provinces, regencies):
            for code, amount in allocations.items():
                services.allocate(ctx, dipa, code, amount)
        made += 1
    return f"{made} DIPA"
