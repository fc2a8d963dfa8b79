"""ATENSI reports: cases by stage, status, termination reason, cluster, PAS group, provider,
region and period; the M&E indicator summary (article 25(3)); and the article 52 periodic report.

Article 52 (Permensos 7/2021): "Gubernur dan bupati/wali kota wajib membuat laporan tertulis
secara berjenjang mengenai pelaksanaan ATENSI sesuai dengan kewenangannya" - a kabupaten/kota
reports to its province, a province to the minister. A report is a list of `Table`s built once
and written as a web page, PDF (atensi/pdf/article52.html) or XLSX. Counts only: no personal
data leaves through a report. Cases are counted by the date they were opened.
"""

import io
from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.functional import Promise
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from accounts import policy
from accounts.models import User
from audit import services as audit
from base.xlsx import sheet_title, table_sheet
from providers.models import Cluster, Kind, ServiceForm
from providers.reports import provider_figures
from providers.selectors import EXPIRY_WARNING_DAYS
from wilayah.models import Level, Region
from wilayah.selectors import TIME_ZONE_LABELS, children, names, time_zone, within_scope
from workforce.models import WorkerKind
from workforce.reports import workforce_figures

from .models import (
    CaseStatus,
    DtksReport,
    DtksReportStatus,
    IndicatorLevel,
    PasGroup,
    TerminationReason,
)
from .selectors import indicator_summary, report_counts, reportable_cases
from .stages import config

DOWNLOAD = "atensi.report_download"
REPORT_OBJECT = "atensi.article52_report"  # audit object type; the id names region and period
REPORT_LEVELS = (Level.PROVINCE, Level.REGENCY)


@dataclass(frozen=True)
class Period:
    """Cases opened between `start` and `end` (inclusive); None = unbounded."""

    start: date | None = None
    end: date | None = None

    def key(self) -> str:
        return f"{self.start or ''}:{self.end or ''}"


@dataclass
class Table:
    """One table of a report: a label column then numbers. `percent` names the columns holding
    shares (0..1, None when there is nothing to divide)."""

    key: str
    title: str
    headers: list[str]
    rows: list[list] = field(default_factory=list)
    percent: tuple[int, ...] = ()
    note: str = ""

    def __post_init__(self) -> None:
        # Choice labels are lazy; a workbook cell takes plain text.
        self.rows = [[str(v) if isinstance(v, Promise) else v for v in row] for row in self.rows]

    def display_rows(self) -> list[list]:
        """Rows for a page or PDF: shares as '50.0%', a missing share as '-'."""
        return [
            [(_share(v) if i in self.percent else v) for i, v in enumerate(row)]
            for row in self.rows
        ]


def _share(value: float | None) -> str:
    return "-" if value is None else f"{number_format(value * 100, 1)}%"


@dataclass
class Report:
    region: Region
    period: Period
    generated_at: datetime  # in the region's time zone
    generated_by: str
    tables: list[Table]

    @property
    def time_zone_label(self) -> str:
        return TIME_ZONE_LABELS.get(time_zone(self.region.code), "")

    @property
    def audit_id(self) -> str:
        return f"{self.region.code}:{self.period.key()}"


# --- the case tables ----------------------------------------------------------------------


def _level_below(code: str) -> str:
    """The report_counts dimension one level below the region `code` ('' = national)."""
    depth = len(code.split(".")) if code else 0
    return f"level{min(depth + 1, 4)}"


def _choice_rows(counts: list[tuple[str, int]], choices) -> list[list]:
    """Every choice in its order, with zero where no case has it."""
    found = dict(counts)
    return [[label, found.get(value, 0)] for value, label in choices]


def _region_rows(qs: QuerySet, code: str, period: Period) -> list[list]:
    counts = dict(report_counts(qs, _level_below(code), period.start, period.end))
    keys = [r.code for r in children(code).order_by("code")] or [code]
    keys += sorted(k for k in counts if k not in keys)
    named = names(keys)
    return [[f"{named.get(k, k)} ({k})", counts.get(k, 0)] for k in keys]


def case_tables(qs: QuerySet, region_code: str, period: Period) -> list[Table]:
    """Cases opened in `period` by each dimension, the region cut one level below
    `region_code`, and the M&E indicators of those cases."""

    def counts(dimension: str, of: QuerySet = qs) -> list[tuple[str, int]]:
        return report_counts(of, dimension, period.start, period.end)

    number = _("Cases")
    status = dict(counts("status"))
    opened = sum(status.values())
    emergency = sum(n for _k, n in counts("status", qs.filter(emergency=True)))
    stages = [(s.code, f"{s.letter}. {s.name}") for s in config().stages]
    clusters = counts("cluster")
    terminated = qs.filter(status=CaseStatus.TERMINATED)
    return [
        Table(
            "summary",
            _("Cases opened in the period"),
            ["", number],
            [
                [_("Cases opened"), opened],
                [_("Still open"), status.get(CaseStatus.OPEN, 0)],
                [_("Terminated"), status.get(CaseStatus.TERMINATED, 0)],
                [_("Emergency responses"), emergency],
            ],
        ),
        Table(
            "stage",
            _("Cases by stage"),
            [_("Stage"), number],
            _choice_rows(counts("stage"), stages),
        ),
        Table(
            "status",
            _("Cases by status"),
            [_("Status"), number],
            _choice_rows(list(status.items()), CaseStatus.choices),
        ),
        Table(
            "termination",
            _("Terminated cases by reason"),
            [_("Termination reason"), number],
            _choice_rows(counts("termination_reason", terminated), TerminationReason.choices),
        ),
        Table(
            "cluster",
            _("Cases by cluster"),
            [_("Cluster"), number],
            _choice_rows(clusters, Cluster.choices)
            + [[_("No cluster"), dict(clusters).get(None, 0)]],
            note=_("A person may belong to several clusters (article 3)."),
        ),
        Table(
            "pas_group",
            _("Cases by PAS group"),
            [_("PAS group"), number],
            _choice_rows(counts("pas_group"), PasGroup.choices),
        ),
        Table(
            "provider",
            _("Cases by provider"),
            [_("Provider"), number],
            [[name, n] for name, n in counts("provider")],
        ),
        Table(
            "region",
            _("Cases by region"),
            [_("Region"), number],
            _region_rows(qs, region_code, period),
        ),
        indicator_table(_opened_in(qs, period)),
    ]


def _opened_in(qs: QuerySet, period: Period) -> QuerySet:
    if period.start:
        qs = qs.filter(opened_at__date__gte=period.start)
    if period.end:
        qs = qs.filter(opened_at__date__lte=period.end)
    return qs


def indicator_table(qs: QuerySet) -> Table:
    """Article 25(3): M&E indicators per level (input, process, output, outcome, impact) of
    the cases in `qs`: how many set, how many met, and the share met."""
    found = {r["level"]: r for r in indicator_summary(qs)}
    rows = []
    for level, label in IndicatorLevel.choices:
        row = found.get(level, {"recorded": 0, "met": 0})
        share = row["met"] / row["recorded"] if row["recorded"] else None
        rows.append([label, row["recorded"], row["met"], share])
    return Table(
        "indicators",
        _("Monitoring and evaluation indicators"),
        [_("Level"), _("Indicators set"), _("Met"), _("Share met")],
        rows,
        percent=(3,),
    )


# --- providers, workforce and article 43 ---------------------------------------------------


def provider_tables(region_code: str, on_date: date) -> list[Table]:
    figures = provider_figures(region_code, on_date)
    lks = figures["lks"]
    number = _("Providers")
    return [
        Table(
            "providers",
            _("Providers by kind"),
            [_("Kind"), number],
            [[label, figures["by_kind"][k]] for k, label in Kind.choices]
            + [
                [_("Total active providers"), figures["total"]],
                [_("Residential places"), figures["residential_places"]],
            ],
        ),
        Table(
            "lks",
            _("LKS accreditation"),
            ["", _("LKS")],
            [
                [_("LKS"), lks["total"]],
                [_("With legal entity"), lks["legal_entity"]],
                [_("Accreditation valid"), lks["accreditation"]["valid"]],
                [
                    _("Accreditation expiring within %(days)s days")
                    % {"days": EXPIRY_WARNING_DAYS},
                    lks["accreditation"]["expiring"],
                ],
                [_("Accreditation expired"), lks["accreditation"]["expired"]],
                [_("Not accredited"), lks["accreditation"]["none"]],
            ]
            + [
                [_("Valid grade %(grade)s") % {"grade": g}, n]
                for g, n in lks["valid_by_grade"].items()
            ],
        ),
        Table(
            "provider_services",
            _("Providers by service form"),
            [_("Service form"), number],
            [[label, figures["by_service"][k]] for k, label in ServiceForm.choices],
        ),
        Table(
            "provider_clusters",
            _("Providers by cluster served"),
            [_("Cluster"), number],
            [[label, figures["by_cluster"][k]] for k, label in Cluster.choices],
        ),
    ]


def workforce_tables(region_code: str, on_date: date) -> list[Table]:
    figures = workforce_figures(region_code, on_date)
    peksos = figures["pekerja_sosial"]
    number = _("Workers")
    return [
        Table(
            "workforce",
            _("Workforce by kind (article 42)"),
            [_("Kind"), number],
            [[label, figures["by_kind"][k]] for k, label in WorkerKind.choices]
            + [
                [_("Total active workers"), figures["total"]],
                [_("With a running assignment"), figures["assigned"]],
            ],
        ),
        Table(
            "certification",
            _("Pekerja sosial certification"),
            ["", _("Pekerja sosial")],
            [
                [_("Pekerja sosial"), peksos["total"]],
                [_("With a valid competency certificate"), peksos["certified"]],
                [_("With supervision competency"), peksos["supervisors"]],
                [_("Certificate expired"), peksos["certificate_expired"]],
                [_("Never certified"), peksos["never_certified"]],
            ],
        ),
    ]


def dtks_table(region_code: str, period: Period) -> Table:
    """Article 43(2): clients outside DTKS reported to the Dinas Sosial in the period."""
    qs = DtksReport.objects.filter(within_scope(region_code, "region__code"))
    if period.start:
        qs = qs.filter(reported_at__date__gte=period.start)
    if period.end:
        qs = qs.filter(reported_at__date__lte=period.end)
    found = {s: qs.filter(status=s).count() for s in DtksReportStatus.values}
    return Table(
        "dtks",
        _("Clients reported to DTKS (article 43)"),
        [_("Status"), _("Reports")],
        [[label, found[s]] for s, label in DtksReportStatus.choices]
        + [[_("Total"), sum(found.values())]],
    )


# --- who reports on what, and the article 52 report ----------------------------------------


def report_regions(user: User) -> QuerySet[Region]:
    """The provinces and kabupaten/kota `user` may report on: a kabupaten operator their
    kabupaten, a province officer their province and its kabupaten, pusat any."""
    prefix = policy.scope_prefix(user)
    if prefix is None or not policy.role_allows(user, policy.ATENSI_REPORTS):
        return Region.objects.none()
    return Region.objects.filter(within_scope(prefix, "code"), level__in=REPORT_LEVELS).order_by(
        "code"
    )


def default_period(region_code: str, period: Period) -> Period:
    """Fill an open period: from 1 January of the end's year to today in the region."""
    today = timezone.localtime(timezone=ZoneInfo(time_zone(region_code))).date()
    end = period.end or max(today, period.start or today)
    return Period(period.start or date(end.year, 1, 1), end)


def article52(user: User, region: Region, period: Period) -> Report:
    """The periodic report of a kabupaten/kota or a province for `period`. Raises
    PermissionDenied when the region lies outside `user`'s reporting scope."""
    policy.require(user, policy.ATENSI_REPORTS, region.code)
    if region.level not in REPORT_LEVELS:
        raise ValueError(region.code)
    period = default_period(region.code, period)
    zone = ZoneInfo(time_zone(region.code))
    # Dates (opened, reported) are read in the region's own time zone.
    with timezone.override(zone):
        cases = reportable_cases(user).filter(within_scope(region.code, "region__code"))
        tables = (
            case_tables(cases, region.code, period)
            + provider_tables(region.code, period.end)
            + workforce_tables(region.code, period.end)
            + [dtks_table(region.code, period)]
        )
    return Report(
        region=region,
        period=period,
        generated_at=timezone.localtime(timezone=zone),
        generated_by=user.get_full_name() or user.username,
        tables=tables,
    )


def level_name(region: Region) -> str:
    return _("Province") if region.level == Level.PROVINCE else _("Kabupaten/kota")


def title(report: Report) -> str:
    return _("ATENSI implementation report")


def record_download(ctx: audit.Context, report: Report, fmt: str) -> None:
    """A downloaded report is an audit event, named by region and period."""
    changes = {
        "format": fmt,
        "opened_from": str(report.period.start or ""),
        "opened_to": str(report.period.end or ""),
    }
    audit.record_bulk(
        ctx, DOWNLOAD, REPORT_OBJECT, [(report.audit_id, report.region.code, changes)]
    )


# --- writers -------------------------------------------------------------------------------


def report_html(report: Report) -> str:
    context = {
        "report": report,
        "title": title(report),
        "level": level_name(report.region),
        "lang": get_language() or "id",
    }
    return render_to_string("atensi/pdf/article52.html", context)


def report_pdf(report: Report) -> bytes:
    from weasyprint import HTML  # imported late: loading pango costs time at startup

    return HTML(string=report_html(report)).write_pdf()


def report_xlsx(report: Report) -> bytes:
    """A cover sheet (region, period, generator) then one sheet per table; header rows bold,
    counts as numbers, shares as percentages."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    bold = Font(bold=True)
    wb = Workbook()
    cover = wb.active
    used: set[str] = set()
    cover.title = sheet_title(_("Cover"), used)
    period = report.period
    for label, value in [
        (title(report), ""),
        (_("Region"), f"{report.region.name} ({report.region.code})"),
        (_("Level"), level_name(report.region)),
        (_("Period from"), period.start),
        (_("Period to"), period.end),
        (
            _("Generated"),
            f"{report.generated_at:%Y-%m-%d %H:%M} {report.time_zone_label}".strip(),
        ),
        (_("Generated by"), report.generated_by),
        (_("Legal basis"), "Permensos 7/2021 Pasal 52"),
    ]:
        cover.append([label, value])
        cover.cell(cover.max_row, 1).font = bold
    for cell in (cover["B4"], cover["B5"]):
        cell.number_format = "YYYY-MM-DD"
    cover.column_dimensions["A"].width = 30
    cover.column_dimensions["B"].width = 50
    for table in report.tables:
        ws = table_sheet(wb, table.title, table.headers, table.rows, used)
        for row in range(3, ws.max_row + 1):
            for i in table.percent:
                ws.cell(row, i + 1).number_format = "0.0%"
        if table.note:
            ws.append([])
            ws.append([table.note])
        ws.column_dimensions["A"].width = 55
        for column in "BCD":
            ws.column_dimensions[column].width = 16
        ws.freeze_panes = "A3"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
