"""The officers of the report chain in two kabupaten (32.01 Bogor, 34.03 Gunungkidul), their
provinces and the ministry, and summary figures written straight into the summary tables (the
monthly report reads nothing else)."""

import pytest

from reports.models import RegionFigure
from wilayah.models import Level, Region

PERIOD = "2021-03"
SUKABUMI = "32.02"  # a second kabupaten of Jawa Barat, which never reports in these tests


def _parent(code: str) -> str:
    return code.rsplit(".", 1)[0] if "." in code else ""


def put(period: str, code: str, values: dict) -> None:
    """Summary figures of one region: {metric or (metric, program): value}; replaces."""
    level = code.count(".") + 1 if code else 0
    for key, value in values.items():
        metric, program = key if isinstance(key, tuple) else (key, "")
        RegionFigure.objects.update_or_create(
            period=period, region_code=code, metric=metric, program=program,
            defaults={"level": level, "parent_code": _parent(code), "value": value})


BOGOR = {"households": 1200, "members": 4100, "padan_members": 3900, "households_added": 12,
         "desil_1": 300, ("kpm", "sembako"): 410, ("kpm", "pkh"): 150,
         ("disbursed_kpm", "sembako"): 400, ("disbursed_amount", "sembako"): 80_000_000,
         ("failed_kpm", "sembako"): 10, "complaints_received": 7, "complaints_open": 3,
         "atensi_new_cases": 4, "workers": 9}
GUNUNGKIDUL = {"households": 800, "members": 2500, ("kpm", "sembako"): 200,
               ("disbursed_amount", "sembako"): 40_000_000, "complaints_received": 2,
               "workers": 5}


@pytest.fixture
def figures(db):
    """March 2021 of both kabupaten (stocks and flows of the same refresh month)."""
    put(PERIOD, "32.01", BOGOR)
    put(PERIOD, "34.03", GUNUNGKIDUL)


@pytest.fixture
def sukabumi(db):
    Region.objects.get_or_create(code=SUKABUMI, defaults={
        "level": Level.REGENCY, "name": "Kabupaten Sukabumi", "parent_id": "32"})
    return SUKABUMI


@pytest.fixture
def officers(make_user):
    """Preparers (operator, province officer, data centre) and heads of service (kepala dinas)
    of each level."""
    return {
        "op_bogor": make_user("operator_kabupaten", "32.01", username="op-bogor",
                              first_name="Siti", last_name="Operator"),
        "head_bogor": make_user("kepala_dinas", "32.01", username="kadis-bogor",
                                first_name="Drs. Ahmad", last_name="Kepala"),
        "op_gk": make_user("operator_kabupaten", "34.03", username="op-gk"),
        "head_gk": make_user("kepala_dinas", "34.03", username="kadis-gk"),
        "prov_jabar": make_user("dinsos_provinsi", "32", username="prov-jabar"),
        "head_jabar": make_user("kepala_dinas", "32", username="kadis-jabar"),
        "prov_diy": make_user("dinsos_provinsi", "34", username="prov-diy"),
        "head_diy": make_user("kepala_dinas", "34", username="kadis-diy"),
        "pusat": make_user("pusat", username="pusat"),
        "head_pusat": make_user("kepala_dinas", username="kadis-pusat"),
    }
