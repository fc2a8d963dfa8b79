"""The rule language: what a program manager may write, what is refused (with a message naming
the part at fault, in Indonesian and English), and the three-valued logic that makes a missing
desil or match "not yet assessed" — the same in Python (`evaluate`) and in SQL (`to_sql`)."""

import duckdb
import pytest

from programs.compile import DefinitionError, build
from programs.rules import Context, RuleError, evaluate, parse, to_sql

from .builders import LIST_KINDS, PROGRAMS

HOUSEHOLD = Context("household", frozenset(LIST_KINDS), frozenset(PROGRAMS))
PERSON = Context("person", frozenset(LIST_KINDS), frozenset(PROGRAMS))


def refused(text: str, context: Context = HOUSEHOLD) -> RuleError:
    with pytest.raises(RuleError) as caught:
        parse(text, context)
    return caught.value


# --- Refused when saved -------------------------------------------------------------------------


def test_an_unknown_attribute_is_refused_by_name():
    error = refused("desil <= 4 and penghasilan_keluarga < 1000000")
    assert "'penghasilan_keluarga'" in error.message("id")
    assert "tidak dikenal" in error.message("id")
    assert error.message("en") == (
        "Unknown attribute 'penghasilan_keluarga' for a household program.")


def test_comparing_a_number_with_text_is_refused_naming_the_part():
    error = refused("desil == 'x'")
    assert "'x'" in error.en and "'desil'" in error.en and "number" in error.en
    assert "'x'" in error.id and "bilangan" in error.id


def test_a_number_where_yes_no_is_needed_is_refused_naming_it():
    error = refused("n_members and head_padan")
    assert error.en == "'n_members' is number, but 'and/or' needs yes/no."
    assert error.id == "'n_members' bernilai bilangan, sedangkan 'and/or' memerlukan ya/tidak."


def test_a_rule_must_give_yes_or_no():
    assert "yes/no" in refused("n_members + 1").en


@pytest.mark.parametrize(("text", "en", "id_"), [
    ("on_list('pns_daerah')", "Unknown list 'pns_daerah'.", "Daftar 'pns_daerah' tidak dikenal."),
    ("in_program('kip')", "Unknown program 'kip'.", "Program 'kip' tidak dikenal."),
])
def test_an_unknown_list_or_program_is_refused_by_name(text, en, id_):
    error = refused(text)
    assert (error.en, error.id) == (en, id_)


def test_in_needs_a_list_of_values_of_the_same_type():
    assert "'in' must be followed by a list" in refused("province_code in '32'").en
    assert "'in' must be followed by a list" in refused("province_code in []").en
    assert "Value 32 in the list is not text" in refused("province_code in ['31', 32]").en


def test_a_person_attribute_is_refused_in_a_household_program():
    error = refused("age < 18")
    assert error.en == "Unknown attribute 'age' for a household program."
    assert parse("age < 18", PERSON).columns == frozenset({"age"})


def test_other_constructs_are_refused():
    assert "not allowed" in refused("desil if in_dtks else 3").en
    assert "Unknown function 'len'" in refused("len(village_code) > 3").en
    assert "cannot be read" in refused("desil <=").en
    assert "one comparison" in refused("1 < desil < 4").en
    assert "Yes/no values" in refused("head_padan < true").en
    assert "cannot be used" in refused("desil < 4.5").en
    assert refused("").en == "The rule is empty."


def test_a_valid_rule_knows_the_columns_it_reads():
    rule = parse("desil <= 4 and not on_list('asn') and in_program('pkh')", HOUSEHOLD)
    assert rule.columns == frozenset({"desil", "list_asn", "prog_pkh"})


# --- compile.build collects every problem ------------------------------------------------------


def test_build_lists_every_problem_of_a_definition_with_where_it_is():
    definition = {
        "clauses": [
            {"id": "dtks", "kind": "require", "expr": "in_dtks"},
            {"id": "miskin", "kind": "require", "expr": "desil <= 'empat'"},
            {"id": "dtks", "kind": "exclude", "expr": "on_list('asn')"},
            {"id": "umur", "kind": "maybe", "expr": "age < 18"},
        ],
        "segments": [{"code": 1, "when": "n_lansia > 0"}],
        "benefit": {"per_period": -5},
    }
    with pytest.raises(DefinitionError) as caught:
        build(definition, HOUSEHOLD)
    where = [w for w, _ in caught.value.problems]
    assert where == ["clause 2 (miskin)", "clause 3 (dtks)", "clause 4 (umur)",
                     "clause 4 (umur)", "segment 1", "benefit"]
    english = caught.value.messages("en")
    assert english[0].startswith("clause 2 (miskin): ") and "'empat'" in english[0]
    assert english[1] == "clause 3 (dtks): Every clause needs a unique id."
    assert "'age'" in english[3] and "'n_lansia'" in english[4]
    indonesian = caught.value.messages("id")
    assert indonesian[5] == "benefit: Nilai bantuan harus rupiah bulat, tidak negatif."


def test_build_refuses_a_definition_without_clauses():
    with pytest.raises(DefinitionError) as caught:
        build({"clauses": []}, HOUSEHOLD)
    assert caught.value.messages("en") == ["clauses: A program needs at least one clause."]


def test_build_checks_benefit_components_and_cases():
    definition = {"clauses": [{"id": "dtks", "kind": "require", "expr": "in_dtks"}],
                  "benefit": {"components": [{"id": "a", "count": "n_pregnant > 0",
                                              "amount": 100}]}}
    with pytest.raises(DefinitionError) as caught:
        build(definition, HOUSEHOLD)
    assert caught.value.messages("en") == [
        "benefit component 1: The rule must give number, not yes/no."]


# --- Three-valued logic, in Python and in SQL ----------------------------------------------------

COLUMNS = {"desil": "INTEGER", "head_padan": "BOOLEAN", "in_dtks": "BOOLEAN",
           "province_code": "VARCHAR", "n_elderly": "INTEGER", "list_asn": "BOOLEAN"}
ROWS = [
    {"desil": None, "head_padan": None, "in_dtks": True, "province_code": None, "n_elderly": 0,
     "list_asn": False},
    {"desil": 3, "head_padan": True, "in_dtks": False, "province_code": "32", "n_elderly": 1,
     "list_asn": True},
    {"desil": 7, "head_padan": False, "in_dtks": True, "province_code": "63", "n_elderly": None,
     "list_asn": False},
]


def values_on_duckdb(sql: str, columns: dict[str, str], rows: list[dict]) -> list:
    """The SQL expression's value for each of `rows` (a table `v` of `columns`) in DuckDB."""
    con = duckdb.connect()
    con.execute("CREATE TABLE v (i INTEGER, "
                + ", ".join(f"{n} {t}" for n, t in columns.items()) + ")")
    marks = ", ".join(["?"] * (len(columns) + 1))
    con.executemany(f"INSERT INTO v VALUES ({marks})",  # noqa: S608
                    [[i, *[r[n] for n in columns]] for i, r in enumerate(rows)])
    return [v for _, v in con.execute(f"SELECT i, {sql} FROM v ORDER BY i").fetchall()]  # noqa: S608


def on_duckdb(text: str, rows=ROWS) -> list:
    return values_on_duckdb(to_sql(parse(text, HOUSEHOLD, None)), COLUMNS, rows)


def in_python(text: str, rows=ROWS) -> list:
    rule = parse(text, HOUSEHOLD, None)
    return [evaluate(rule, r) for r in rows]


@pytest.mark.parametrize(("text", "expected"), [
    ("desil <= 4", [None, True, False]),  # unknown desil: unknown
    ("in_dtks and desil <= 4", [None, False, False]),  # false and unknown: false
    ("not (desil <= 4)", [None, False, True]),  # not unknown: unknown
    ("desil <= 4 or in_dtks", [True, True, True]),  # true or unknown: true
    ("desil <= 4 or not in_dtks", [None, True, False]),  # false or unknown: unknown
    ("province_code in ['31', '32']", [None, True, False]),
    ("province_code not in ['31', '32']", [None, False, True]),
    ("n_elderly + desil > 3", [None, True, None]),
    ("head_padan == false", [None, False, True]),
    ("on_list('asn') or head_padan", [None, True, False]),
])
def test_three_valued_logic_is_the_same_in_python_and_sql(text, expected):
    assert in_python(text) == expected
    assert on_duckdb(text) == expected


def test_false_and_unknown_is_false_and_true_or_unknown_is_true():
    row = [{**ROWS[0]}]  # desil unknown
    assert in_python("false and desil <= 4", row) == on_duckdb("false and desil <= 4", row) \
        == [False]
    assert in_python("true or desil <= 4", row) == on_duckdb("true or desil <= 4", row) == [True]
    assert in_python("true and desil <= 4", row) == on_duckdb("true and desil <= 4", row) \
        == [None]


def test_a_component_count_below_zero_counts_as_none_in_python_and_sql():
    """A count rule that can go negative ('n_elderly - 3') must not free room under the cap
    for other components, and Python and SQL must pay the same."""
    from programs.compile import decide, decision_sql

    spec = build({"clauses": [{"id": "a", "kind": "require", "expr": "true"}],
                  "benefit": {"cap": 4, "stages": 1, "components": [
                      {"id": "x", "count": "n_members", "amount": 300},
                      {"id": "y", "count": "n_elderly - 3", "amount": 200},
                      {"id": "z", "count": "n_disabled", "amount": 100}]}}, HOUSEHOLD)
    row = {"household_id": 1, "village_code": "32.01.01.2001", "welfare_score": 1.0,
           "n_members": 5, "n_elderly": 0, "n_disabled": 5}
    con = duckdb.connect()
    con.execute("CREATE TABLE v AS SELECT 1 AS household_id, '32.01.01.2001' AS village_code, "
                "1.0 AS welfare_score, 5 AS n_members, 0 AS n_elderly, 5 AS n_disabled")
    in_sql = con.execute(f"SELECT amount, components FROM "  # noqa: S608
                         f"({decision_sql(spec, 'v', 'household_id')}) d").fetchall()
    decided = decide(spec, row)
    assert in_sql == [(decided.amount, decided.components)] == [(1200, "x:4,")]
