"""The sections of the monthly report and the numbers in them.

Numbers come only from the summary tables (reports.selectors): a kabupaten/kota's live
figures while its report is a draft, its frozen lines once submitted, and for a province or the
nation the sums of the frozen lines of the signed reports one level down. The same `tables`
turns any of these into the tables a page, the PDF and the XLSX show."""

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from reports import selectors as figures
from reports.metrics import BY_CODE

Values = dict[tuple[str, str], int]  # (metric, program) -> value


@dataclass(frozen=True)
class Section:
    code: str
    title: Promise
    metrics: tuple[str, ...]
    per_program: bool = False


SECTIONS = [
    Section("registry", gettext_lazy("Registry (DTKS) and its changes"), (
        "households", "members", "padan_members", "households_added", "households_deactivated",
        "members_deactivated", *[f"desil_{d}" for d in range(1, 11)], "desil_none")),
    Section("kpm", gettext_lazy("KPM per program"), ("kpm",), per_program=True),
    Section("distribution", gettext_lazy("Distribution (penyaluran) per program"), (
        "planned_kpm", "planned_amount", "disbursed_kpm", "disbursed_amount", "failed_kpm",
        "failed_amount", "returned_kpm", "returned_amount"), per_program=True),
    Section("complaints", gettext_lazy("Complaints"), (
        "complaints_received", "complaints_resolved", "complaints_resolved_in_sla",
        "complaints_open", "complaints_over_sla")),
    Section("atensi", gettext_lazy("ATENSI"), (
        "atensi_open_cases", "atensi_new_cases", "atensi_closed_cases")),
    Section("workforce", gettext_lazy("Social-welfare workforce"), ("workers",)),
]
SECTION_OF = {metric: s.code for s in SECTIONS for metric in s.metrics}
METRICS = list(SECTION_OF)
# The columns of the per-region summary of a consolidated report.
SUMMARY = ("households", "members", "kpm", "disbursed_amount", "complaints_received",
           "atensi_open_cases")


@dataclass
class Table:
    """One table: the first `text_columns` columns are labels, the others numbers. `rupiah`
    names the rupiah columns; `total` says the last row is a total (shown bold)."""

    key: str
    title: str
    headers: list[str]
    rows: list[list] = field(default_factory=list)
    rupiah: tuple[int, ...] = ()
    total: bool = False
    text_columns: int = 1


def complete(values: Values) -> Values:
    """Every metric of the report, 0 where the summary tables hold none (zeros are not stored
    there); a program metric for every program its section names anywhere."""
    out = {(m, ""): values.get((m, ""), 0) for s in SECTIONS if not s.per_program
           for m in s.metrics}
    for s in SECTIONS:
        if s.per_program:
            programs = {p for (m, p) in values if m in s.metrics and p}
            out |= {(m, p): values.get((m, p), 0) for m in s.metrics for p in programs}
    return out


def live(period: str, region_code: str) -> tuple[Values, str]:
    """The figures of a region for a month as the summary tables hold them now, and the month
    the stocks come from (the last refresh at or before the period; stocks are kept under the
    month of the refresh that took them, flows under their own month)."""
    stock_period = figures.stock_period(region_code, period) or ""
    stocks = figures.figures(stock_period, region_code, METRICS) if stock_period else {}
    flows = figures.figures(period, region_code, METRICS)
    values = {key: v for key, v in stocks.items() if BY_CODE[key[0]].stock}
    values |= {key: v for key, v in flows.items() if not BY_CODE[key[0]].stock}
    return complete(values), stock_period


def total(many: Iterable[Values]) -> Values:
    """The sums, metric by metric and program by program."""
    out: Values = {}
    for values in many:
        for key, v in values.items():
            out[key] = out.get(key, 0) + v
    return complete(out)


def _label(metric: str) -> str:
    return str(BY_CODE[metric].label)


def tables(values: Values, program_names: dict[str, str]) -> list[Table]:
    """The report's tables: a section of plain metrics is one row per metric; a section of
    program metrics one row per program, a column per metric, and a total row."""
    out = []
    for s in SECTIONS:
        if not s.per_program:
            out.append(Table(s.code, str(s.title), [_("Indicator"), _("Value")],
                             [[_label(m), values.get((m, ""), 0)] for m in s.metrics],
                             rupiah=()))
            continue
        programs = sorted({p for (m, p) in values if m in s.metrics and p})
        rows = [[program_names.get(p, p), *(values.get((m, p), 0) for m in s.metrics)]
                for p in programs]
        if rows:
            rows.append([_("Total"), *(sum(values.get((m, p), 0) for p in programs)
                                       for m in s.metrics)])
        out.append(Table(s.code, str(s.title), [_("Program"), *(_label(m) for m in s.metrics)],
                         rows, rupiah=tuple(i + 1 for i, m in enumerate(s.metrics)
                                            if BY_CODE[m].rupiah), total=bool(rows)))
    return out


def summary_row(values: Values) -> list[int]:
    """A region's headline numbers for the per-region table of a consolidated report (program
    metrics summed over the programs)."""
    return [sum(v for (m, _p), v in values.items() if m == metric) for metric in SUMMARY]


def summary_headers() -> list[str]:
    return [_("%(metric)s, all programs") % {"metric": _label(m)} if BY_CODE[m].per_program
            else _label(m) for m in SUMMARY]
