"""The open-data table of one period and program: a row per province (its total) and per
kabupaten/kota under it, every cell passed through the suppression rules (opendata.rules).
The table holds only published cells: a suppressed value never leaves this module."""

from dataclasses import dataclass

from reports import selectors as summaries
from wilayah import selectors as regions
from wilayah.models import Level

from . import rules, selectors

# The published columns, in order. Each rupiah column follows the count it belongs to.
COLUMNS = ["households", "members", "kpm", "disbursed_kpm", "disbursed_amount", "returned_kpm",
           "returned_amount", "complaints_received", "complaints_resolved"]
AMOUNT_OF = {"disbursed_amount": "disbursed_kpm", "returned_amount": "returned_kpm"}
COUNTS = [c for c in COLUMNS if c not in AMOUNT_OF]


@dataclass(frozen=True)
class Row:
    code: str
    name: str
    level: int  # 1 province, 2 kabupaten/kota
    cells: tuple[rules.Cell, ...]  # in COLUMNS order

    @property
    def by_metric(self) -> list[tuple[str, rules.Cell]]:
        return list(zip(COLUMNS, self.cells, strict=True))


@dataclass(frozen=True)
class Group:
    province: Row
    regencies: tuple[Row, ...]


@dataclass(frozen=True)
class Table:
    period: str  # the month of the flows
    stock_period: str  # the refresh the stocks come from (at or before `period`)
    program: str
    groups: tuple[Group, ...]

    def only(self, province: str) -> "Table":
        """The same table cut to one province (suppression is per province, so the cut
        shows the same cells as the whole)."""
        kept = tuple(g for g in self.groups if g.province.code == province)
        return Table(self.period, self.stock_period, self.program, kept)


def _group(province: str, regencies: list[str], names: dict[str, str],
           values: dict[tuple[str, str], int]) -> Group:
    cells: dict[tuple[str, str], rules.Cell] = {}
    for metric in COUNTS:
        total, parts = rules.protect(values.get((province, metric), 0),
                                     {code: values.get((code, metric), 0) for code in regencies})
        cells[(province, metric)] = total
        cells.update({(code, metric): cell for code, cell in parts.items()})
    for amount, count in AMOUNT_OF.items():
        for code in [province, *regencies]:
            cells[(code, amount)] = rules.follow_count(cells[(code, count)],
                                                       values.get((code, amount), 0))

    def row(code: str, level: int) -> Row:
        return Row(code, names.get(code, code), level,
                   tuple(cells[(code, metric)] for metric in COLUMNS))

    return Group(row(province, Level.PROVINCE), tuple(row(c, Level.REGENCY) for c in regencies))


def build(period: str, program: str) -> Table:
    """Every province with figures in the period, and all its kabupaten/kota: the official
    list, plus any code the figures hold (a kabupaten left out of the table would be
    recoverable from the province total too)."""
    stock_period = summaries.stock_period("", period) or period
    names = dict(regions.children("").values_list("code", "name"))
    values = selectors.figures(period, stock_period, program, COLUMNS, sorted(names))
    with_figures = sorted({code for code, _m in values if "." not in code})
    for province in with_figures:  # at most 38 reads, once per refresh (the views cache)
        names.update(regions.children(province).values_list("code", "name"))
    regencies = {code for code in [*names, *(c for c, _m in values)] if "." in code}
    groups = tuple(
        _group(p, sorted(c for c in regencies if c.startswith(p + ".")), names, values)
        for p in with_figures)
    return Table(period, stock_period, program, groups)
