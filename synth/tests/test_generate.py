import json
import math
from collections import Counter, defaultdict
from datetime import date

import pyarrow.parquet as pq
import pytest

from registry.identity import format_nik_for_district, parse_kk, parse_nik
from registry.instrument import indexed_keys, shipped_definition, validate_answers
from registry.names import name_key
from synth.errors import ERROR_TYPES
from synth.generate import SCHEMAS, generate
from synth.people import REFERENCE_DATE
from synth.regions import load_villages

TODAY = REFERENCE_DATE.astype(date)
FLOOR_WORST_TO_BEST = [9, 7, 8, 10, 6, 4, 5, 2, 3, 1]


def age_on(birth: date, today: date = TODAY) -> int:
    return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))


def true_people(population) -> dict[int, dict]:
    """Registry member id -> the civil-registry row of the person it records."""
    persons = {p["person_id"]: p for p in population.rows("dukcapil")}
    return {r["member_id"]: persons[r["person_id"]] for r in population.rows("member_truth")}


def labelled(population) -> dict[int, str]:
    return {r["member_id"]: r["error_type"] for r in population.rows("errors_truth")}


# --- determinism ------------------------------------------------------------------------------


def test_same_seed_writes_identical_files_and_another_seed_does_not(tmp_path):
    first = generate("34.03.01", 150, 11, tmp_path / "a")
    again = generate("34.03.01", 150, 11, tmp_path / "b")
    generate("34.03.01", 150, 12, tmp_path / "c")
    assert first.people == again.people
    for name in SCHEMAS:
        a = pq.read_table(tmp_path / "a" / f"{name}.parquet")
        assert a.equals(pq.read_table(tmp_path / "b" / f"{name}.parquet")), name
    assert not pq.read_table(tmp_path / "a" / "dukcapil.parquet").equals(
        pq.read_table(tmp_path / "c" / "dukcapil.parquet"))
    run_a = json.loads((tmp_path / "a" / "run.json").read_text())
    run_b = json.loads((tmp_path / "b" / "run.json").read_text())
    assert run_a | {"out_dir": ""} == run_b | {"out_dir": ""}


def test_unknown_scope_is_refused(tmp_path):
    with pytest.raises(ValueError, match="no villages"):
        generate("99.99", 10, 1, tmp_path)


# --- households ------------------------------------------------------------------------------


def test_households_are_spread_over_the_villages_of_the_scope(population):
    truth = population.rows("consumption_truth")
    assert len(truth) == population.result.households
    villages = {h["village_code"] for h in truth}
    assert all(v.startswith("32.01.") for v in villages)
    assert len(villages) > 100


def test_household_size_is_realistic_for_indonesia(population):
    sizes = [h["household_size"] for h in population.rows("consumption_truth")]
    assert 3.4 <= sum(sizes) / len(sizes) <= 4.2
    assert sum(sizes) == population.result.people


def test_registry_holds_the_requested_share_mostly_from_the_poorer_households(population):
    truth = population.rows("consumption_truth")
    registry = [h for h in truth if h["in_registry"]]
    assert len(registry) == pytest.approx(0.4 * len(truth), abs=2)
    median = sorted(h["consumption_per_capita"] for h in truth)[len(truth) // 2]
    poor = sum(h["consumption_per_capita"] < median for h in registry)
    assert poor / len(registry) > 0.85
    assert {h["household_id"] for h in registry} == {
        h["household_id"] for h in population.rows("households")}


def test_every_household_answers_pass_the_instrument_validation(population):
    definition = shipped_definition()
    for household in population.rows("households"):
        answers = json.loads(household["answers"])
        assert validate_answers(definition, answers) == [], household["household_id"]
        for key in indexed_keys(definition):
            assert household[key] == answers[key]


def test_addresses_have_a_street_or_hamlet_a_number_and_rt_rw(population):
    for household in population.rows("households"):
        assert household["address"].split(" ")[0] in {"Jl.", "Dusun", "Kp.", "Banjar", "Jorong"}
        assert " No. " in household["address"]
        assert len(household["rt"]) == 3 and len(household["rw"]) == 3


def test_poorer_households_have_worse_housing_on_average(population):
    consumption = {h["household_id"]: h["consumption_per_capita"]
                   for h in population.rows("consumption_truth") if h["in_registry"]}
    pairs = [(math.log(consumption[h["household_id"]]),
              FLOOR_WORST_TO_BEST.index(h["floor_material"]),
              json.loads(h["answers"])["cooking_fuel"] == 8)
             for h in population.rows("households")]
    n = len(pairs)
    mean_c = sum(p[0] for p in pairs) / n
    mean_f = sum(p[1] for p in pairs) / n
    cov = sum((c - mean_c) * (f - mean_f) for c, f, _ in pairs)
    assert cov > 0, "better floors should go with higher consumption"
    pairs.sort()
    poorer, richer = pairs[: n // 2], pairs[n // 2:]
    assert sum(p[2] for p in poorer) > sum(p[2] for p in richer), "firewood among the poorest"


# --- identity numbers ------------------------------------------------------------------------


def test_every_nik_in_the_civil_registry_is_valid_unique_and_matches_the_person(population):
    villages = load_villages("32.01")
    regency_of = dict(zip(villages.district_code, villages.district_regency, strict=True))
    people = population.rows("dukcapil")
    assert len({p["nik"] for p in people}) == len(people)
    home_district = 0
    for p in people:
        parsed = parse_nik(p["nik"], today=TODAY)
        assert parsed.ok, (p["person_id"], parsed.errors)
        assert parsed.birth_date == p["birth_date"]
        assert parsed.sex == p["sex"]
        assert parsed.district_code in regency_of  # issued in a district of the scope
        assert regency_of[parsed.district_code] == p["birth_place"]
        home_district += p["village_code"].startswith(parsed.district_code + ".")
    assert home_district / len(people) > 0.8, "most NIKs come from the home district"


def test_niks_are_laid_out_as_the_registry_formats_them(population):
    for p in population.rows("dukcapil")[:500]:
        district = parse_nik(p["nik"]).district_code
        serial = int(p["nik"][-4:])
        assert format_nik_for_district(district, p["birth_date"], p["sex"], serial) == p["nik"]


def test_registry_niks_match_the_record_unless_labelled_wrong(population):
    errors = labelled(population)
    spoiled = {"nik_missing", "nik_wrong", "birth_date_swapped"}
    checked = 0
    for m in population.rows("members"):
        if errors.get(m["member_id"]) in spoiled:
            continue
        parsed = parse_nik(m["nik"], today=TODAY)
        assert parsed.ok and parsed.birth_date == m["birth_date"] and parsed.sex == m["sex"]
        checked += 1
    assert checked > 0.85 * len(population.rows("members"))


def test_every_kk_number_is_valid_unique_and_issued_in_the_household_district(population):
    people = population.rows("dukcapil")
    kk_villages = defaultdict(set)
    for p in people:
        kk_villages[p["kk_number"]].add(p["village_code"])
    families = population.rows("families")
    assert len({f["kk_number"] for f in families}) == len(families)
    for kk in kk_villages:
        parsed = parse_kk(kk)
        assert parsed.ok, parsed.errors
    village = {h["household_id"]: h["village_code"] for h in population.rows("households")}
    for f in families:
        assert village[f["household_id"]].startswith(parse_kk(f["kk_number"]).district_code + ".")


def test_members_point_to_their_household_and_family(population):
    households = {h["household_id"]: h["village_code"] for h in population.rows("households")}
    families = {f["family_id"]: f["household_id"] for f in population.rows("families")}
    ids = [m["member_id"] for m in population.rows("members")]
    assert ids == list(range(1, len(ids) + 1))
    for m in population.rows("members"):
        assert families[m["family_id"]] == m["household_id"]
        assert households[m["household_id"]] == m["village_code"]
        assert m["name_key"] == name_key(m["name"])


def test_each_household_has_one_head_and_each_family_one_head(population):
    heads = Counter(m["household_id"] for m in population.rows("members")
                    if m["relation_to_household_head"] == 1)
    family_heads = Counter(m["family_id"] for m in population.rows("members")
                           if m["relation_to_family_head"] == 1)
    assert set(heads.values()) == {1}
    assert len(heads) == len(population.rows("households"))
    assert set(family_heads.values()) == {1}


# --- people ----------------------------------------------------------------------------------


def test_pregnancy_only_for_women_of_reproductive_age(population):
    truth = true_people(population)
    pregnant = [m for m in population.rows("members") if m["pregnant"]]
    assert pregnant, "a few women are pregnant"
    for m in pregnant:
        person = truth[m["member_id"]]
        assert person["sex"] == "P"
        assert 15 <= age_on(person["birth_date"]) <= 49


def test_children_of_primary_school_age_are_in_school_or_never_attended(population):
    truth = true_people(population)
    children = [m for m in population.rows("members")
                if 7 <= age_on(truth[m["member_id"]]["birth_date"]) <= 12]
    assert children
    for m in children:
        assert m["school_participation"] in (0, 1)
        assert m["education"] == 0
    in_school = sum(m["school_participation"] == 1 for m in children)
    assert in_school / len(children) > 0.9


def test_schooling_and_work_follow_age(population):
    for p in population.rows("dukcapil"):
        age = age_on(p["birth_date"])
        if age < 15:
            assert p["work_sector"] == 0 and p["employment_status"] == 0
        if age <= 12:
            assert p["education"] == 0
        assert (p["work_sector"] == 0) == (p["employment_status"] == 0)


def test_agriculture_is_more_common_in_desa_than_in_kelurahan(population):
    workers = defaultdict(list)
    for p in population.rows("dukcapil"):
        if p["work_sector"]:
            workers[p["village_code"][9]].append(1 <= p["work_sector"] <= 7)
    desa, kelurahan = workers["2"], workers["1"]
    assert sum(desa) / len(desa) > 2 * sum(kelurahan) / len(kelurahan)


def test_disability_is_rare_and_commoner_among_the_elderly(population):
    truth = true_people(population)
    members = population.rows("members")
    old = [m for m in members if age_on(truth[m["member_id"]]["birth_date"]) >= 60]
    young = [m for m in members if age_on(truth[m["member_id"]]["birth_date"]) < 60]
    share = lambda group: sum(m["disability"] > 0 for m in group) / len(group)  # noqa: E731
    assert share(young) < 0.05
    assert share(old) > share(young)


# --- errors, exclusions ----------------------------------------------------------------------


def test_every_error_type_is_injected_and_labelled_with_its_true_value(population):
    truth = population.rows("errors_truth")
    assert {t["error_type"] for t in truth} == set(ERROR_TYPES)
    members = {m["member_id"]: m for m in population.rows("members")}
    people = true_people(population)
    for t in truth:
        m, person = members[t["member_id"]], people[t["member_id"]]
        kind = t["error_type"]
        if kind == "name_typo":
            assert m["name"] == t["recorded_value"] != t["true_value"] == person["name"]
        elif kind == "birth_date_swapped":
            assert str(m["birth_date"]) == t["recorded_value"]
            assert str(person["birth_date"]) == t["true_value"]
        elif kind == "nik_missing":
            assert m["nik"] == "" and t["true_value"] == person["nik"]
        elif kind == "nik_wrong":
            assert m["nik"] == t["recorded_value"] != t["true_value"] == person["nik"]
        elif kind == "duplicate":
            original = members[int(t["true_value"])]
            assert (m["nik"], m["name"]) == (original["nik"], original["name"])
            assert m["household_id"] != original["household_id"]
        elif kind == "moved":
            assert person["village_code"] == t["true_value"] != m["village_code"]
        elif kind == "deceased":
            assert str(person["death_date"]) == t["true_value"]


def test_unlabelled_members_match_the_civil_registry(population):
    errors = labelled(population)
    people = true_people(population)
    for m in population.rows("members"):
        if m["member_id"] in errors:
            continue
        person = people[m["member_id"]]
        assert (m["nik"], m["name"], m["birth_date"], m["sex"], m["village_code"]) == (
            person["nik"], person["name"], person["birth_date"], person["sex"],
            person["village_code"])
        assert person["death_date"] is None


def test_exclusion_lists_are_drawn_from_the_civil_registry(population):
    people = {p["person_id"]: p for p in population.rows("dukcapil")}
    exclusions = population.rows("exclusions")
    assert {"pns", "pensiun"} <= {e["list_name"] for e in exclusions}
    for e in exclusions:
        person = people[e["person_id"]]
        assert (e["nik"], e["name"], e["birth_date"]) == (
            person["nik"], person["name"], person["birth_date"])
        assert e["employer"]
    in_registry = {r["person_id"] for r in population.rows("member_truth")}
    listed = {e["person_id"] for e in exclusions}
    assert len(listed & in_registry) < 0.25 * len(listed), "mostly non-poor"
