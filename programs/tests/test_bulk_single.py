"""The bulk path and the single-household path always agree (issue 5, "Done when"): over random
households, every shipped program gives each unit the same decision, reason, segment, amount and
components whether all households are decided at once (batch.evaluate over DuckDB, read back
from decisions.parquet) or one household at a time from its own rows only (view_rows +
decide_units). And any rule gives the same value in Python (`evaluate`) as in SQL (`to_sql`)."""

from datetime import date, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from programs.rules import evaluate, parse, to_sql

from .builders import AS_OF, LIST_KINDS, PROGRAMS, UMK_BOGOR, Member, both_paths, household, rows
from .test_rules import HOUSEHOLD, values_on_duckdb

VILLAGES = ["32.01.01.2001", "32.01.02.1003",  # Kabupaten Bogor (UMK known)
            "32.73.01.1001",  # Kota Bandung (UMK known)
            "32.75.01.1001",  # Kota Bekasi (no UMK row)
            "63.71.01.1001", "11.01.01.2001"]  # outside Java-Bali
UMK = {"32.01": UMK_BOGOR, "32.73": 3_742_276}
SHARED_NIKS = ["3201010101900001", "3201010101900002"]  # the same person in two households


def _years_ago(years: int, days: int = 0) -> date:
    return AS_OF.replace(year=AS_OF.year - years) + timedelta(days=days)


# Birth dates around every age boundary the programs use (6, 18, 21, 40, 60), any other date,
# or unknown.
BOUNDARIES = [_years_ago(y, d) for y in (6, 7, 18, 21, 40, 60) for d in (-1, 0, 1)]
birth_dates = st.one_of(st.none(), st.sampled_from(BOUNDARIES),
                        st.dates(date(1925, 1, 1), AS_OF))
list_kinds = st.lists(st.sampled_from([k for k in LIST_KINDS if k != "penghasilan"]),
                      max_size=2, unique=True)
wages = st.one_of(st.none(), st.sampled_from(sorted(UMK.values())),
                  st.integers(500_000, 6_000_000))


@st.composite
def members(draw, first: bool) -> Member:
    sex = draw(st.sampled_from("LP"))
    return Member(
        age=None, birth_date=draw(birth_dates), sex=sex,
        head=draw(st.booleans()) if not first else draw(st.sampled_from([True] * 9 + [False])),
        pregnant=sex == "P" and draw(st.booleans()),
        disability=draw(st.sampled_from([0] * 6 + list(range(1, 13)))),
        in_school=draw(st.booleans()), education=draw(st.integers(0, 6)),
        employment=draw(st.integers(0, 8)),
        nik=draw(st.sampled_from([None, None, None, "", *SHARED_NIKS])),
        match=draw(st.sampled_from(["padan", "padan", "tidak_padan", "beda_nama", None])),
        deceased=draw(st.sampled_from([False] * 9 + [True])),
        lists=tuple(draw(list_kinds)), wage=draw(wages),
        status=draw(st.sampled_from(["active"] * 9 + ["moved"])),
    )


@st.composite
def households(draw):
    size = draw(st.integers(0, 5))
    people = [draw(members(first=i == 0)) for i in range(size)]
    return household(
        *people, village=draw(st.sampled_from(VILLAGES)),
        status=draw(st.sampled_from(["active"] * 5 + ["inactive"])),
        desil=draw(st.one_of(st.none(), st.integers(1, 10))),
        score=draw(st.one_of(st.none(), st.floats(0, 100, allow_nan=False))),
        enrolled=tuple(draw(st.lists(st.sampled_from(PROGRAMS), max_size=3, unique=True))))


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(households(), min_size=1, max_size=6))
def test_bulk_and_single_paths_decide_every_unit_of_every_program_alike(generated):
    both_paths(rows(*generated, umk=UMK), PROGRAMS)  # asserts agreement unit by unit


# --- Random rules: Python and SQL give the same value --------------------------------------------

COLUMNS = {"desil": "INTEGER", "head_age": "INTEGER", "n_elderly": "INTEGER",
           "head_padan": "BOOLEAN", "in_dtks": "BOOLEAN", "province_code": "VARCHAR",
           "list_asn": "BOOLEAN", "prog_pkh": "BOOLEAN"}
SNIPPETS = [
    "desil <= 4", "desil == 3", "desil != 10", "head_age >= 40", "head_age < 60",
    "n_elderly + desil > 3", "n_elderly * 2 - desil >= 0", "-desil < -2",
    "head_padan", "in_dtks", "head_padan != in_dtks", "head_padan == true",
    "province_code in ['31', '32']", "province_code not in ['63']", "province_code == '32'",
    "province_code < '40'", "on_list('asn')", "in_program('pkh')", "true", "false",
    "desil in [1, 2, 3]", "head_age not in [40, 60]",
]
expressions = st.recursive(
    st.sampled_from(SNIPPETS),
    lambda inner: st.one_of(
        st.builds(lambda a, b: f"({a}) and ({b})", inner, inner),
        st.builds(lambda a, b: f"({a}) or ({b})", inner, inner),
        st.builds(lambda a: f"not ({a})", inner)),
    max_leaves=6)
view_rows = st.fixed_dictionaries({
    "desil": st.one_of(st.none(), st.integers(1, 10)),
    "head_age": st.one_of(st.none(), st.integers(15, 90)),
    "n_elderly": st.one_of(st.none(), st.integers(0, 3)),
    "head_padan": st.one_of(st.none(), st.booleans()),
    "in_dtks": st.booleans(),
    "province_code": st.one_of(st.none(), st.sampled_from(["11", "31", "32", "63"])),
    "list_asn": st.booleans(), "prog_pkh": st.booleans()})


@settings(max_examples=100, deadline=None)
@given(expressions, st.lists(view_rows, min_size=1, max_size=8))
def test_a_random_rule_gives_the_same_value_in_python_and_in_sql(text, generated):
    rule = parse(text, HOUSEHOLD)
    in_sql = values_on_duckdb(to_sql(rule), COLUMNS, generated)
    assert [evaluate(rule, r) for r in generated] == in_sql, text
