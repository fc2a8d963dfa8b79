"""Reads for the open-data tables: the province and kabupaten/kota figures of one period and
program, from the summary tables only (reports.RegionFigure), never counted over the registry."""

from django.db.models import Q

from reports.metrics import BY_CODE
from reports.models import RegionFigure


def figures(period: str, stock_period: str, program: str, metrics: list[str],
            provinces: list[str]) -> dict[tuple[str, str], int]:
    """{(region code, metric): value} of the given provinces and their kabupaten/kota (levels 1
    and 2, never below: kecamatan and villages are too small to publish). A stock is read at
    `stock_period`, a flow at `period`; a program's metric for `program`, the others for ''.
    One query on the index (parent_code, period, metric): provinces have parent '', their
    kabupaten the province's code."""
    which = Q()
    for code in metrics:
        metric = BY_CODE[code]
        which |= Q(metric=code, period=stock_period if metric.stock else period,
                   program=program if metric.per_program else "")
    rows = (RegionFigure.objects.filter(which, parent_code__in=["", *provinces],
                                        level__in=[1, 2])
            .values_list("region_code", "level", "metric", "value"))
    wanted = set(provinces)
    return {(code, metric): value for code, level, metric, value in rows
            if (code if level == 1 else code[:2]) in wanted}
