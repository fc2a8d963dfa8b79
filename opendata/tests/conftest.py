"""Fixtures of the open-data tests: summary figures written directly (reports.RegionFigure),
as a refresh would leave them, for province 32 (Jawa Barat) and four of its kabupaten."""

import pytest
from django.core.cache import cache
from django.utils import timezone

from programs.models import Program
from reports.models import RegionFigure, SummaryRefresh
from wilayah.models import Level, Region

PERIOD = "2026-03"
BENEFIT = 200_000  # Sembako per KPM per month
REGENCIES = {"32.01": 120, "32.02": 3, "32.03": 50, "32.04": 200}  # KPM of Sembako
HOUSEHOLDS = {"32.01": 1000, "32.02": 5, "32.03": 400, "32.04": 700}


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


def figure(code: str, metric: str, value: int, program: str = "", period: str = PERIOD) -> None:
    level = code.count(".") + 1 if code else 0
    parent = code.rsplit(".", 1)[0] if "." in code else ""
    RegionFigure.objects.update_or_create(
        period=period, region_code=code, metric=metric, program=program,
        defaults={"level": level, "parent_code": parent, "value": value})


def refreshed() -> SummaryRefresh:
    now = timezone.now()
    return SummaryRefresh.objects.create(reason="manual", finished_at=now, seconds=1, rows=1)


@pytest.fixture
def figures(db):
    """Sembako in Jawa Barat: Kab. 32.02 has 3 KPM (Rp600.000 paid), the others 120, 50, 200;
    households 5, 1000, 400, 700. A kecamatan row exists too (it must never be published)."""
    Program.objects.create(code="sembako", name="Program Sembako", name_en="Sembako Program",
                           unit="household", benefit_kind="cash", frequency="monthly",
                           channel="himbara")
    for code in ("32.02", "32.03", "32.04"):
        Region.objects.get_or_create(code=code, defaults={
            "parent_id": "32", "level": Level.REGENCY, "name": f"KABUPATEN UJI {code}"})
    for metric in ("kpm", "disbursed_kpm"):
        for code, value in REGENCIES.items():
            figure(code, metric, value, "sembako")
        figure("32", metric, sum(REGENCIES.values()), "sembako")
    for code, value in REGENCIES.items():
        figure(code, "disbursed_amount", value * BENEFIT, "sembako")
    figure("32", "disbursed_amount", sum(REGENCIES.values()) * BENEFIT, "sembako")
    for code, value in HOUSEHOLDS.items():
        figure(code, "households", value)
        figure(code, "members", value * 3)
    figure("32", "households", sum(HOUSEHOLDS.values()))
    figure("32", "members", 3 * sum(HOUSEHOLDS.values()))
    figure("32.01.01", "kpm", 77_777, "sembako")  # a kecamatan: never shown
    figure("", "kpm", 99_999, "sembako")  # the nation: never shown
    return refreshed()
