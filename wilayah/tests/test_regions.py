"""Region codes: the official tree, navigation, search, time zones and the full load."""

import pytest

from wilayah import selectors
from wilayah.models import Level, Region
from wilayah.services import DATA_DIR, load_regions

pytestmark = pytest.mark.django_db


def test_village_belongs_to_its_district_regency_and_province():
    chain = selectors.ancestors("32.01.01.1001")
    assert [r.code for r in chain] == ["32", "32.01", "32.01.01", "32.01.01.1001"]
    assert [r.level for r in chain] == [1, 2, 3, 4]
    assert selectors.label("32.01.01.1001") == (
        "Pondok Rajeg, Cibinong, Kabupaten Bogor, Jawa Barat"
    )


def test_children_of_a_district_are_its_villages_only():
    codes = list(selectors.children("32.01.01").values_list("code", flat=True))
    assert codes and all(c.startswith("32.01.01.") for c in codes)
    assert all(r.level == Level.VILLAGE for r in selectors.children("32.01.01"))


def test_search_finds_by_name_case_insensitively_and_by_code():
    assert [r.code for r in selectors.search("pondok rajeg")] == ["32.01.01.1001"]
    assert "32.01.01" in [r.code for r in selectors.search("32.01.01", level=Level.DISTRICT)]


def test_search_within_a_scope_leaves_out_other_regions():
    found = selectors.search("a", level=Level.VILLAGE, within="32.01.02", limit=500)
    assert found and all(r.code.startswith("32.01.02.") for r in found)


@pytest.mark.parametrize(
    ("code", "zone"),
    [
        ("32.01.01.1001", "Asia/Jakarta"),
        ("51.71", "Asia/Makassar"),
        ("73.71", "Asia/Makassar"),
        ("94.01", "Asia/Jayapura"),
        ("61.01", "Asia/Jakarta"),
        ("64.01", "Asia/Makassar"),
    ],
)
def test_time_zone_follows_the_province(code, zone):
    """WIB: Sumatra, Java, West & Central Kalimantan; WITA: Bali, NT, South/East/North
    Kalimantan, Sulawesi; WIT: Maluku, Papua."""
    assert selectors.time_zone(code) == zone


def test_every_province_has_a_time_zone():
    lines = (DATA_DIR / "provinces.csv").read_text(encoding="utf-8").splitlines()
    provinces = [line.split(",")[0] for line in lines[1:]]
    assert len(provinces) == 38
    assert set(provinces) <= set(selectors.PROVINCE_TIME_ZONES)


def test_scope_prefix_does_not_match_a_sibling_with_a_longer_number():
    assert selectors.code_in_scope("32.01.01.1001", "32.01")
    assert not selectors.code_in_scope("32.10.01.1001", "32.1")
    assert not selectors.code_in_scope("32.011", "32.01")


def test_loading_again_adds_nothing():
    assert load_regions(prefix="32.01.01") == 0


def test_full_load_has_the_official_counts():
    """Kepmendagri 2025: 38 provinces, 514 regencies/cities, 7,285 districts, 83,762 villages."""
    load_regions()
    counts = {lvl: Region.objects.filter(level=lvl).count() for lvl in Level.values}
    assert counts == {1: 38, 2: 514, 3: 7285, 4: 83762}
