"""From a real refresh of the summary tables to the public table: three households in one
kabupaten are published as "<5", never as 3 (issue 16, item 6: "small cells (under 5)
suppressed so no person can be singled out")."""

import re

import pytest

from conftest import VILLAGE_A, VILLAGE_OTHER_DISTRICT
from programs.tests.kpm_data import family
from reports import summaries


@pytest.fixture(autouse=True)
def var_dir(settings, tmp_path):
    settings.VAR_DIR = tmp_path / "var"


def test_a_refreshed_small_population_is_published_suppressed(client, make_user):
    admin = make_user("administrator", username="opendata-admin")
    for i, village in enumerate([VILLAGE_A, VILLAGE_A, VILLAGE_OTHER_DISTRICT]):
        family(admin, village, 200 + 10 * i, f"Kepala {i}")
    summaries.refresh()
    html = client.get("/data-terbuka/").content.decode()
    cells = dict(re.findall(r'data-cell="([^"]+)">([^<]*)<', html))
    # 3 households (2 couples in one kecamatan, 1 in another) in Kabupaten Bogor.
    assert cells["32.01:households"] == "&lt;5" and cells["32:households"] == "&lt;5"
    assert cells["32.01:members"] == "6"
    assert not any(key.startswith("32.01.") for key in cells), "no kecamatan or village"
    rows = client.get("/data-terbuka/unduh.csv").content.decode("utf-8-sig").splitlines()
    assert "2,32,32.01,Kabupaten Bogor,<5,6,0,0,0,0,0,0,0" in rows
