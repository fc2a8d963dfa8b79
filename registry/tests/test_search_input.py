"""Registry search takes what the user types as a value (issue 19, item 2): quotes, semicolons,
comment markers and non-ASCII in the search text or the region filter give the right members or
none, never an error, on SQLite and PostgreSQL alike."""

import pytest

from accounts.models import Role
from conftest import VILLAGE_A, VILLAGE_B
from registry.models import Member
from registry.selectors import search_members


@pytest.fixture
def oneil(make_household):
    make_household(VILLAGE_A, name="Désa O'Neil")
    make_household(VILLAGE_B, nik="3201011208850011", kk="3201010101200009",
                   name="Budi Santoso")


@pytest.mark.parametrize(("text", "found"), [
    ("Désa O'Neil", ["DESA ONEIL"]),
    ("desa o'n", ["DESA ONEIL"]),
    ("DÉSA", ["DESA ONEIL"]),
    ("x' OR '1'='1", []),
    ("'; DROP TABLE registry_member; --", []),
    ("Budi /* komentar */", []),
    ("Budi; --", ["BUDI SANTOSO"]),
])
def test_search_text_that_looks_like_sql_is_a_name_to_look_for(text, found, oneil, make_user):
    officer = make_user(Role.PUSAT)
    assert [m.name_key for m in search_members(officer, text)] == found
    assert Member.objects.count() == 2  # and the table is still there


@pytest.mark.parametrize("region", ["32.01'; --", "32.01.01.1001' OR '1'='1", "Désa /*"])
def test_a_region_filter_that_looks_like_sql_matches_no_region(region, oneil, make_user):
    officer = make_user(Role.PUSAT)
    assert not search_members(officer, "", village=region).exists()
    assert search_members(officer, "", village="32.01").count() == 2


def test_the_search_page_answers_such_text_with_a_page_not_an_error(oneil, make_user, client):
    client.force_login(make_user(Role.PUSAT))
    page = client.get("/registry/", {"q": "O'Neil'; --", "region": "32.01'; --"})
    assert page.status_code == 200
    page = client.get("/registry/", {"q": "Désa O'Neil"})
    assert page.status_code == 200 and "O&#x27;Neil" in page.content.decode()
