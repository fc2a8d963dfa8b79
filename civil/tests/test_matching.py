"""Pemadanan against a synthetic population whose injected errors are known: each error type
must come out as the status (and flags) it implies."""
# ruff: noqa: S608 - SQL over test files' paths.

import random
from collections import Counter

import duckdb
import pyarrow as pa
import pytest

from civil.adapters import BatchTooLarge, SimulatedService
from civil.matching import match_members
from civil.sql import nik_valid_query
from registry.identity import parse_nik
from registry.names import name_key

from .conftest import snapshot_views


def _expected(run) -> dict[int, str]:
    """What the truth implies: an unusable recorded NIK is no_nik, a NIK several members carry
    is nik_shared, an unknown one nik_not_found; otherwise the injected error decides."""
    rows = run.sql("""
        SELECT m.member_id, m.nik, m.name, coalesce(t.error_type, ''), t.true_value,
               d.nik IS NOT NULL
        FROM members m LEFT JOIN errors_truth t USING (member_id)
        LEFT JOIN dukcapil d ON d.nik = m.nik""")
    holders = Counter(nik for _, nik, *_ in rows if parse_nik(nik).ok)
    expected = {}
    for member_id, nik, name, error, true_value, known in rows:
        if not parse_nik(nik).ok:
            status = "no_nik"
        elif holders[nik] > 1:
            status = "nik_shared"
        elif not known:
            status = "nik_not_found"
        elif error == "name_typo" and name_key(name) == name_key(true_value):
            status = "padan"  # only case or punctuation changed ('Muh.' -> 'Muh')
        elif error in ("nik_wrong", "name_typo", "birth_date_swapped"):
            status = "data_differs"
        else:
            status = "padan"
        expected[member_id] = status
    return expected


def _statuses(run) -> dict[int, tuple]:
    return {r[0]: r[1:] for r in run.sql("""
        SELECT member_id, status, differs_name, differs_birth_date, differs_sex, differs_kk,
               deceased, moved,
               -- a move into the same village (the synth allows it) is no move at all
               CASE WHEN t.true_value IS DISTINCT FROM t.recorded_value THEN t.error_type
                    ELSE '' END
        FROM status LEFT JOIN errors_truth t USING (member_id)""")}


def test_every_member_gets_the_status_its_injected_error_implies(run):
    expected = _expected(run)
    got = {member_id: row[0] for member_id, row in _statuses(run).items()}
    assert got.keys() == expected.keys()
    wrong = {m: (got[m], expected[m]) for m in got if got[m] != expected[m]}
    assert not wrong, f"{len(wrong)} members with the wrong status, e.g. {list(wrong.items())[:5]}"


@pytest.mark.parametrize("error, status, flag", [
    ("nik_missing", "no_nik", None),
    ("name_typo", "data_differs", "differs_name"),
    ("birth_date_swapped", "data_differs", "differs_birth_date"),
    ("deceased", "padan", "deceased"),
    ("moved", "padan", "moved"),
    ("duplicate", "nik_shared", None),
])
def test_error_type_is_reported_as(run, error, status, flag):
    flags = ("differs_name", "differs_birth_date", "differs_sex", "differs_kk", "deceased",
             "moved")
    rows = [row for row in _statuses(run).values() if row[-1] == error]
    assert rows, f"the population has no {error} error"
    by_status = Counter(row[0] for row in rows)
    # A few members share their NIK with a relative whose NIK was typed wrong.
    assert by_status[status] >= 0.9 * len(rows), by_status
    for row in rows:
        if row[0] == status and flag:
            assert dict(zip(flags, row[1:7], strict=True))[flag], row


def test_duplicate_records_and_their_originals_all_get_nik_shared(run):
    shared = run.sql("""
        SELECT count(*), count(*) FILTER (WHERE s.status = 'nik_shared')
        FROM errors_truth t JOIN status s
          ON s.member_id = t.member_id OR s.member_id = CAST(t.true_value AS BIGINT)
        WHERE t.error_type = 'duplicate'""")[0]
    assert shared[0] > 0 and shared[0] == shared[1]


def test_wrong_nik_is_not_found_differs_or_shared_as_the_truth_implies(run):
    expected = _expected(run)
    rows = [(m, row[0]) for m, row in _statuses(run).items() if row[-1] == "nik_wrong"]
    assert {status for _, status in rows} <= {"no_nik", "nik_not_found", "data_differs",
                                               "nik_shared"}
    assert all(status == expected[m] for m, status in rows)


def test_untouched_records_are_padan_and_neither_dead_nor_moved(run):
    expected = _expected(run)
    rows = [(m, row) for m, row in _statuses(run).items()
            if row[-1] == "" and expected[m] == "padan"]
    assert len(rows) > 500
    assert all(row[:7] == ("padan", False, False, False, False, False, False)
               for _, row in rows)


def test_candidate_search_finds_the_true_person_first_for_members_without_nik(run):
    found, total = run.sql("""
        SELECT count(*) FILTER (WHERE c.candidate_nik = d.nik), count(*)
        FROM errors_truth t JOIN member_truth USING (member_id)
        JOIN dukcapil d USING (person_id)
        LEFT JOIN candidates c ON c.member_id = t.member_id AND c.rank = 1
        WHERE t.error_type = 'nik_missing'""")[0]
    assert total > 20
    assert found / total >= 0.9, f"recall at rank 1: {found}/{total}"


def test_candidates_are_only_for_members_without_a_usable_nik(run):
    statuses = run.sql("""SELECT DISTINCT s.status FROM candidates c JOIN status s
                          USING (member_id)""")
    assert {s for (s,) in statuses} <= {"no_nik", "nik_not_found"}
    ranks = run.sql("SELECT min(rank), max(rank), min(match_weight) FROM candidates")[0]
    assert ranks[0] == 1 and ranks[1] <= 3


def _tiny(members: list[dict], civil: list[dict]) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    base = {"family_id": 1, "village_code": "34.03.01.2001", "status": "active",
            "birth_date": "1980-08-12", "sex": "L"}
    con.register("m_arrow", pa.Table.from_pylist(
        [base | {"name_key": name_key(m["name"])} | m for m in members]))
    con.execute("CREATE VIEW members AS SELECT * REPLACE (CAST(birth_date AS DATE) AS "
                "birth_date) FROM m_arrow")
    con.execute("CREATE VIEW families AS SELECT 1 AS family_id, '3403010101200001' AS kk_number")
    person = {"kk_number": "3403010101200001", "birth_date": "1980-08-12", "sex": "L",
              "village_code": "34.03.01.2001", "death_date": None}
    con.register("c_arrow", pa.Table.from_pylist(
        [person | {"name_key": name_key(c["name"])} | c for c in civil]))
    return con


def test_case_spacing_and_punctuation_of_a_name_do_not_count(tmp_path):
    con = _tiny([{"member_id": 1, "nik": "3403011208800001", "name": "siti  nur'aini"},
                 {"member_id": 2, "nik": "3403011208800002", "name": "Siti Nuraeni"}],
                [{"nik": "3403011208800001", "name": "SITI NURAINI"},
                 {"nik": "3403011208800002", "name": "SITI NURAINI"}])
    con.execute(f"COPY (SELECT * REPLACE (CAST(birth_date AS DATE) AS birth_date, "
                f"CAST(death_date AS DATE) AS death_date) FROM c_arrow) "
                f"TO '{tmp_path / 'civil.parquet'}' (FORMAT parquet)")
    match_members(con, tmp_path / "out", tmp_path / "civil.parquet", candidates=False)
    rows = duckdb.sql(f"SELECT member_id, status, differs_name FROM "
                      f"'{tmp_path}/out/civil_status.parquet' ORDER BY 1").fetchall()
    assert rows == [(1, "padan", False), (2, "data_differs", True)]


def test_nik_validity_in_sql_follows_registry_identity():
    rng = random.Random(4)
    values = ["", "3403011208800001", "34.03.01-120880-0001", "340301120880000",
              "34O3011208800001", "3403012902000001", "3403012902010001", "3403017102990001"]
    for _ in range(3000):
        values.append(rng.choice(["34", "09", "11", "99"]) + rng.choice(["03", "00"])
                      + rng.choice(["01", "00"]) + f"{rng.randint(0, 75):02d}"
                      + f"{rng.randint(0, 13):02d}" + f"{rng.randint(0, 99):02d}"
                      + rng.choice(["0000", "0001"]))
    con = duckdb.connect()
    con.register("t", pa.table({"nik": values}))
    got = dict(con.execute(f"SELECT nik, nik_valid FROM ({nik_valid_query('t', 'nik')})")
               .fetchall())
    assert {v: got[v] for v in values} == {v: parse_nik(v).ok for v in values}


def test_a_verification_service_gives_the_same_statuses_as_the_extract(run, tmp_path):
    service = SimulatedService(run.extract, latency_s=0, batch_size=250)
    result = match_members(snapshot_views(run.synth_dir), tmp_path, service)
    assert result["statuses"] == run.result["statuses"]
    assert service.calls > 1  # the registry's NIKs were asked in batches of at most 250
    with pytest.raises(BatchTooLarge):
        service.verify(["3403011208800001"] * 251)
