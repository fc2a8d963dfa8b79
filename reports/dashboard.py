"""What a dashboard shows for one region, period and program: headline cards and charts, each
chart also a table (for screen readers and the XLSX). Everything is read from the summary tables
(reports.selectors) in a handful of indexed queries: no counting over the registry."""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from wilayah import selectors as regions

from . import boundaries, selectors
from .metrics import BY_CODE

MONTHS = 12
# The metrics the map and the regions' bar chart can show.
MAP_METRICS = ["kpm", "disbursed_amount", "disbursed_kpm", "failed_kpm", "households",
               "members", "complaints_open", "atensi_open_cases"]
TREND = ["planned_amount", "disbursed_amount", "failed_amount", "returned_amount"]
COMPLAINTS = ["complaints_received", "complaints_resolved", "complaints_resolved_in_sla"]
DESIL = [f"desil_{d}" for d in range(1, 11)] + ["desil_none"]


@dataclass(frozen=True)
class Selection:
    region: str  # '' = the nation
    period: str  # 'YYYY-MM', the month of the flows
    stock_period: str  # the newest refresh at or before it: the month of the stocks
    program: str
    metric: str
    # The region's own figures of both months, read once: {(metric, program): value}.
    stock: dict = field(default_factory=dict, compare=False, repr=False)
    flow: dict = field(default_factory=dict, compare=False, repr=False)

    def get(self, metric: str, program: str = "") -> int:
        source = self.stock if BY_CODE[metric].stock else self.flow
        return source.get((metric, _program_of(metric, program)), 0)


@dataclass
class Chart:
    """One chart: `kind` tells the browser how to draw it; `columns` and `rows` are its data
    (first column the category), shown as a table and written to XLSX."""
    code: str
    title: str
    kind: str  # "bar", "line" or "map"
    columns: list[str]
    rows: list[list]
    links: dict[str, str] = field(default_factory=dict)  # category -> region code to drill to
    rupiah: bool = False
    features: list[str] = field(default_factory=list)  # a map's feature code of each row
    highlight: list[str] = field(default_factory=list)  # map features to outline


def select(region: str, period: str, program: str, metric: str) -> Selection:
    stock = selectors.stock_period(region, period) or period
    stocks = selectors.figures(stock, region)
    return Selection(region, period, stock, program, metric if metric in MAP_METRICS else "kpm",
                     stock=stocks,
                     flow=selectors.figures(period, region) if stock != period else stocks)


def _program_of(metric: str, program: str) -> str:
    return program if BY_CODE[metric].per_program else ""


def _period_of(metric: str, s: Selection) -> str:
    return s.stock_period if BY_CODE[metric].stock else s.period


def cards(s: Selection) -> list[dict]:
    """The headline numbers of the region: registry stocks, the program's month, complaints."""
    members = s.get("members")
    padan = round(100 * s.get("padan_members") / members, 1) if members else None
    out = [{"code": code, "label": str(BY_CODE[code].label), "value": s.get(code, s.program),
            "rupiah": BY_CODE[code].rupiah}
           for code in ["households", "members", "kpm", "disbursed_kpm", "disbursed_amount",
                        "failed_kpm", "returned_amount", "complaints_open",
                        "complaints_over_sla", "atensi_open_cases", "workers"]]
    out.insert(2, {"code": "padan_rate", "label": _("Matched with Dukcapil (%)"),
                   "value": padan, "rupiah": False, "percent": True})
    return out


def _last_months(period: str) -> list[str]:
    year, month = (int(p) for p in period.split("-"))
    out = []
    for _i in range(MONTHS):
        out.append(f"{year:04d}-{month:02d}")
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return out[::-1]


def children_chart(s: Selection) -> Chart | None:
    """The chosen metric for each region one level down, largest first; a bar drills down."""
    if selectors.level_of(s.region) >= 4:
        return None
    values = selectors.children_figures(_period_of(s.metric, s), s.region, s.metric,
                                        _program_of(s.metric, s.program))
    names = dict(regions.children(s.region or None).values_list("code", "name"))
    rows = sorted(([name, values.get(code, 0)] for code, name in names.items()),
                  key=lambda r: -r[1])
    return Chart("regions", str(BY_CODE[s.metric].label), "bar",
                 [_("Region"), str(BY_CODE[s.metric].label)], rows,
                 links={name: code for code, name in names.items()},
                 rupiah=BY_CODE[s.metric].rupiah)


def map_chart(s: Selection) -> Chart:
    """The province map. At the nation each province shows its figure (a shape that covers
    newer provinces shows their sum); below it, the map locates the region in its province
    with the region's own figure: other regions' numbers stay outside a regional user's scope."""
    label, rupiah = str(BY_CODE[s.metric].label), BY_CODE[s.metric].rupiah
    columns = [_("Province on the map"), label]
    feature_of = boundaries.covered()
    period, program = _period_of(s.metric, s), _program_of(s.metric, s.program)
    if s.region:
        value = s.get(s.metric, s.program)
        feature = feature_of.get(s.region[:2], s.region[:2])
        return Chart("map", label, "map", columns, [[regions.label(s.region), value]],
                     features=[feature], highlight=[feature], rupiah=rupiah)
    values = selectors.children_figures(period, "", s.metric, program)
    names = dict(regions.children(None).values_list("code", "name"))
    shown: dict[str, list] = {}  # feature -> [names, sum]
    for province in sorted(names):
        row = shown.setdefault(feature_of.get(province, province), [[], 0])
        row[0].append(names[province])
        row[1] += values.get(province, 0)
    features = sorted(shown)
    return Chart("map", label, "map", columns,
                 [[" + ".join(shown[f][0]), shown[f][1]] for f in features],
                 links={f: f for f in features}, features=features, rupiah=rupiah)


def _month_table(s: Selection, metrics: list[str], program: str) -> list[list]:
    months = _last_months(s.period)
    found = selectors.month_figures(s.region, metrics, program, months)
    return [[m, *(found.get((m, code), 0) for code in metrics)] for m in months]


def trend_chart(s: Selection) -> Chart:
    return Chart("distribution", _("Distribution by month (Rp)"), "line",
                 [_("Month"), *(str(BY_CODE[c].label) for c in TREND)],
                 _month_table(s, TREND, s.program), rupiah=True)


def complaints_chart(s: Selection) -> Chart:
    return Chart("complaints", _("Complaints by month"), "line",
                 [_("Month"), *(str(BY_CODE[c].label) for c in COMPLAINTS)],
                 _month_table(s, COMPLAINTS, ""))


def desil_chart(s: Selection) -> Chart:
    labels = [str(d) for d in range(1, 11)] + [_("No desil")]
    return Chart("desil", _("Households by desil"), "bar", [_("Desil"), _("Households")],
                 [[label, s.get(code)] for label, code in zip(labels, DESIL, strict=True)])


BUILDERS = {"map": map_chart, "regions": children_chart, "distribution": trend_chart,
            "desil": desil_chart, "complaints": complaints_chart}


def charts(s: Selection) -> list[Chart]:
    return [c for c in (build(s) for build in BUILDERS.values()) if c is not None]


def chart(s: Selection, code: str) -> Chart | None:
    build = BUILDERS.get(code)
    return build(s) if build else None
