"""Summary-table figures for the dashboard tests: two months of a few regions, among them two
provinces (64, 65) that the map draws as one shape."""

import pytest

from programs.services import install_shipped
from reports.models import RegionFigure, SummaryRefresh
from wilayah.models import Region


def figure(period, code, metric, value, program=""):
    level = code.count(".") + 1 if code else 0
    parent = code.rsplit(".", 1)[0] if "." in code else ""
    RegionFigure.objects.create(period=period, region_code=code, level=level,
                                parent_code=parent if code else "", metric=metric,
                                program=program, value=value)


@pytest.fixture
def figures(db):
    install_shipped()
    for code, name in [("64", "Kalimantan Timur"), ("65", "Kalimantan Utara")]:
        Region.objects.get_or_create(code=code, defaults={"name": name, "level": 1})
    rows = {
        "": (1000, 300), "32": (600, 200), "34": (100, 40), "64": (200, 50), "65": (100, 10),
        "32.01": (600, 200), "32.01.01": (450, 150), "32.01.02": (150, 50),
        "34.03": (100, 40),
    }
    for code, (households, kpm) in rows.items():
        figure("2021-03", code, "households", households)
        figure("2021-03", code, "members", households * 3)
        figure("2021-03", code, "padan_members", households * 3 // 2)
        figure("2021-03", code, "kpm", kpm, "sembako")
        figure("2021-04", code, "disbursed_amount", kpm * 200_000, "sembako")
        figure("2021-04", code, "disbursed_kpm", kpm, "sembako")
    figure("2021-03", "", "desil_1", 123)
    SummaryRefresh.objects.create(reason="manual", rows=1)
    SummaryRefresh.objects.update(finished_at="2021-04-30T10:00:00Z")
