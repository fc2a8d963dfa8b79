"""Reads of the summary tables for dashboards, open data and monthly reports."""

from django.db.models import QuerySet

from .models import RegionFigure, SummaryRefresh


def level_of(region_code: str) -> int:
    """0 for the nation (''), else the number of code parts (1 province .. 4 village)."""
    return region_code.count(".") + 1 if region_code else 0


def figures(period: str, region_code: str, metrics: list[str] | None = None
            ) -> dict[tuple[str, str], int]:
    """{(metric, program): value} of one region ('' = nation) in one period."""
    rows = RegionFigure.objects.filter(period=period, region_code=region_code)
    if metrics:
        rows = rows.filter(metric__in=metrics)
    return {(r.metric, r.program): r.value for r in rows.only("metric", "program", "value")}


def children_figures(period: str, parent_code: str, metric: str, program: str = ""
                     ) -> dict[str, int]:
    """{child region code: value} of one metric for the regions one level below parent_code."""
    rows = RegionFigure.objects.filter(period=period, parent_code=parent_code, metric=metric,
                                       program=program).exclude(region_code=parent_code)
    return dict(rows.values_list("region_code", "value"))


def series(region_code: str, metric: str, program: str = "") -> QuerySet[RegionFigure]:
    """One metric of one region over the periods, oldest first."""
    return RegionFigure.objects.filter(region_code=region_code, metric=metric,
                                       program=program).order_by("period")


def periods() -> list[str]:
    """The periods the summary tables hold, newest first."""
    return list(RegionFigure.objects.order_by("-period").values_list("period", flat=True)
                .distinct())


def last_refresh() -> SummaryRefresh | None:
    return SummaryRefresh.objects.filter(finished_at__isnull=False).first()


def region_periods(region_code: str) -> list[str]:
    """The months with figures for one region ('' = nation), newest first (index
    region_figure_region: no scan of the other regions' rows)."""
    return list(RegionFigure.objects.filter(region_code=region_code).order_by("-period")
                .values_list("period", flat=True).distinct())


def stock_period(region_code: str, period: str) -> str | None:
    """The newest month at or before `period` holding the region's stocks (stocks are kept
    under the month of the refresh that took them)."""
    return (RegionFigure.objects.filter(region_code=region_code, metric="households",
                                        period__lte=period)
            .order_by("-period").values_list("period", flat=True).first())


def month_figures(region_code: str, metrics: list[str], program: str, months: list[str]
                  ) -> dict[tuple[str, str], int]:
    """{(period, metric): value} of one region for some metrics over some months."""
    rows = RegionFigure.objects.filter(region_code=region_code, metric__in=metrics,
                                       program=program, period__in=months)
    return {(p, m): v for p, m, v in rows.values_list("period", "metric", "value")}


def default_program(codes: list[str]) -> str:
    """The program a page of figures shows when none is asked for: Sembako, the largest."""
    return "sembako" if "sembako" in codes else (codes[0] if codes else "")
