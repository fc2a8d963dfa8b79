"""Reads that serve the monthly reports' pages and exports: which reports a user may see, what
one report shows (live while a draft, its frozen lines once submitted), the consolidation of the
signed reports one level down, and the reports that came in late. Every region a user names is
checked against accounts.policy; figures come only from the summary tables."""

from dataclasses import dataclass, field
from datetime import date, datetime

from django.utils.translation import gettext as _

from accounts import policy
from programs.models import Program
from reports.selectors import last_refresh
from wilayah import selectors as regions
from wilayah.models import Level, Region

from . import rules, sections
from .models import MonthlyReport, ReportLine, Status
from .sections import Table, Values

REPORT_LEVELS = (Level.PROVINCE, Level.REGENCY)


def region_name(code: str) -> str:
    if not code:
        return _("Indonesia (national)")
    region = regions.get_region(code)
    return region.name if region else code


def region_exists(code: str) -> bool:
    """The nation, a province or a kabupaten/kota (the levels that report)."""
    return code == "" or Region.objects.filter(code=code, level__in=REPORT_LEVELS).exists()


def may_view(user, code: str) -> bool:
    """May `user` read the report of region `code` ('' = the nation)?"""
    return region_exists(code) and policy.can(user, policy.VIEW_REPORTS, code)


def report_of(period: str, code: str) -> MonthlyReport | None:
    return (MonthlyReport.objects.select_related("prepared_by", "submitted_by", "signed_by",
                                                 "returned_by")
            .filter(period=period, region_code=code).first())


def children_codes(code: str) -> list[str]:
    """The regions one level down that report to `code`: the provinces of the nation, the
    kabupaten/kota of a province; none below."""
    if rules.level_of(code) >= rules.KABUPATEN:
        return []
    return sorted(regions.children(code or None).values_list("code", flat=True))


def line_values(report_ids: list[int]) -> dict[int, Values]:
    """{report id: its frozen values}."""
    out: dict[int, Values] = {i: {} for i in report_ids}
    for rid, metric, program, value in ReportLine.objects.filter(
            report_id__in=report_ids).values_list("report_id", "metric", "program", "value"):
        out[rid][(metric, program)] = value
    return out


@dataclass
class Source:
    """A region one level down in a consolidated report: its signed report, or None."""
    region_code: str
    name: str
    child: MonthlyReport | None
    signed_late: bool
    values: Values = field(default_factory=dict)


def consolidation(period: str, code: str) -> tuple[list[Source], Values]:
    """What the regions one level down have signed for `period` now, and the sums of their
    frozen lines: the numbers a province's (or the nation's) report takes at submission."""
    codes = children_codes(code)
    signed = {r.region_code: r for r in MonthlyReport.objects.select_related("signed_by").filter(
        period=period, region_code__in=codes, status=Status.SIGNED)}
    values = line_values([r.pk for r in signed.values()])
    names = regions.names(codes)
    today = rules.local_date(code)
    out = []
    for c in codes:
        child = signed.get(c)
        late = bool(child) and rules.timeliness(
            c, rules.level_of(c), period, child.signed_at, today) == rules.LATE
        out.append(Source(c, names.get(c, c), child, late,
                          values.get(child.pk, {}) if child else {}))
    return out, sections.total(s.values for s in out if s.child)


def _frozen_sources(report: MonthlyReport) -> list[Source]:
    rows = list(report.sources.select_related("child__signed_by"))
    values = line_values([s.child_id for s in rows if s.child_id])
    names = regions.names([s.region_code for s in rows])
    return [Source(s.region_code, names.get(s.region_code, s.region_code), s.child,
                   s.signed_late, values.get(s.child_id, {}) if s.child_id else {})
            for s in rows]


@dataclass
class Document:
    """One report as every reader sees it: page, PDF and XLSX."""
    period: str
    region_code: str
    region_name: str
    level: int
    report: MonthlyReport | None
    values: Values
    tables: list[Table]
    stock_period: str
    sources: list[Source]
    deadline: date
    timeliness: str
    data_as_of: datetime | None

    @property
    def frozen(self) -> bool:
        return bool(self.report and self.report.frozen)

    @property
    def consolidated(self) -> bool:
        return self.level < rules.KABUPATEN

    @property
    def missing(self) -> list[Source]:
        return [s for s in self.sources if s.child is None]

    @property
    def audit_id(self) -> str:
        return f"{self.region_code or 'nasional'}:{self.period}"


def program_names() -> dict[str, str]:
    return dict(Program.objects.values_list("code", "name"))


def sources_table(sources: list[Source]) -> Table:
    """The regions one level down: whether their signed report is in, and their headlines."""
    rows = []
    for s in sources:
        if s.child is None:
            status = _("Missing: not signed")
        elif s.signed_late:
            status = _("Signed late on %(date)s") % {"date": f"{s.child.signed_at:%d-%m-%Y}"}
        else:
            status = _("Signed on %(date)s") % {"date": f"{s.child.signed_at:%d-%m-%Y}"}
        numbers = sections.summary_row(s.values) if s.child else ["—"] * len(sections.SUMMARY)
        rows.append([s.region_code, s.name, status, *numbers])
    headers = [_("Code"), _("Region"), _("Report"), *sections.summary_headers()]
    rupiah = tuple(i + 3 for i, m in enumerate(sections.SUMMARY) if m.endswith("_amount"))
    return Table("regions", _("Reports of the regions"), headers, rows, rupiah=rupiah,
                 text_columns=3)


def document(period: str, code: str, report: MonthlyReport | None = None) -> Document:
    """The report of region `code` for `period`: frozen lines once submitted, else what the
    summary tables (a kabupaten/kota) or the signed reports below (province, nation) say now."""
    level = rules.level_of(code)
    stock_period, sources, as_of = "", [], None
    if report is not None and report.frozen:
        values = sections.complete(line_values([report.pk])[report.pk])
        stock_period, as_of = report.stock_period, report.data_as_of
        sources = _frozen_sources(report) if level < rules.KABUPATEN else []
    elif level < rules.KABUPATEN:
        sources, values = consolidation(period, code)
    else:
        values, stock_period = sections.live(period, code)
        refresh = last_refresh()
        as_of = refresh.finished_at if refresh else None
    tables = sections.tables(values, program_names())
    if level < rules.KABUPATEN:
        tables.insert(0, sources_table(sources))
    today = rules.local_date(code)
    signed_at = report.signed_at if report and report.status == Status.SIGNED else None
    return Document(period, code, region_name(code), level, report, values, tables,
                    stock_period, sources, rules.deadline(period, level),
                    rules.timeliness(code, level, period, signed_at, today), as_of)


@dataclass
class Row:
    """A region's report for one month in a list: its state and whether it is in time."""
    region_code: str
    name: str
    level: int
    report: MonthlyReport | None
    deadline: date
    timeliness: str

    @property
    def url_code(self) -> str:
        return self.region_code or "nasional"


def _rows(period: str, codes: list[str], today: date) -> list[Row]:
    found = {r.region_code: r for r in MonthlyReport.objects.select_related("signed_by").filter(
        period=period, region_code__in=codes)}
    names = regions.names([c for c in codes if c])
    out = []
    for c in codes:
        report, level = found.get(c), rules.level_of(c)
        signed_at = report.signed_at if report and report.status == Status.SIGNED else None
        out.append(Row(c, names.get(c, c) if c else _("Indonesia (national)"), level, report,
                       rules.deadline(period, level),
                       rules.timeliness(c, level, period, signed_at, today)))
    return out


def overview(user, period: str, code: str, today: date) -> list[Row]:
    """The report of `code` and those of the regions one level down (within the user's scope)."""
    codes = [code] + [c for c in children_codes(code) if policy.can(user, policy.VIEW_REPORTS, c)]
    return _rows(period, codes, today)


def late(user, period: str, today: date) -> list[Row]:
    """The reports of `period` within the user's scope not signed by their deadline (overdue)
    or signed after it (late): the nation (for a national user), provinces, kabupaten/kota."""
    scope = policy.scope_prefix(user)
    if scope is None or not policy.role_allows(user, policy.VIEW_REPORTS):
        return []
    codes = list(Region.objects.filter(regions.within_scope(scope, "code"),
                                       level__in=REPORT_LEVELS)
                 .order_by("code").values_list("code", flat=True))
    if scope == "":
        codes.insert(0, "")
    return [r for r in _rows(period, codes, today) if r.timeliness in (rules.LATE, rules.OVERDUE)]
