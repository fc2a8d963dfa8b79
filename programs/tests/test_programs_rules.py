"""The other shipped programs as their sources state them: BST's exclusivity (seed 003), the
rice aid for informal workers with its quotas and waiting list (seed 003), PKH's components and
cap (FACTS.md), the ATENSI orphan support (seed 002) and PBI-JK (FACTS.md). Decisions come from
the shipped definitions through both paths (builders.both_paths asserts they agree)."""

import pytest

from programs.compile import ELIGIBLE, NOT_ASSESSED, NOT_ELIGIBLE

from .builders import both_paths, bulk, head, household, member, outcome, rows

# --- BST ---------------------------------------------------------------------------------------

BST_SYARAT_3 = ("Seed 003, syarat 3: 'Calon penerima tidak terdaftar sebagai penerima bantuan "
                "sosial lain dari pemerintah pusat seperti Program Keluarga Harapan (PKH), kartu "
                "sembako, paket sembako, Bantuan Pangan Nontunai (BPNT), hingga kartu prakerja.'")


def bst(*members, **fields) -> dict:
    return outcome(household(*(members or (head(45), member(40, sex="P"))), **fields),
                   program="bst")


def test_bst_pays_rp300000_to_a_household_in_no_other_program():
    """Seed 003, syarat 6: 'BST Kemensos Rp300 ribu'."""
    got = bst()
    assert (got["decision"], got["amount"]) == (ELIGIBLE, 300_000)


@pytest.mark.parametrize(("program", "reason"), [("pkh", "bukan_pkh"),
                                                 ("sembako", "bukan_sembako")])
def test_bst_excludes_a_household_enrolled_in_pkh_or_sembako(program, reason):
    got = bst(enrolled=(program,))
    assert (got["decision"], got["reason"]) == (NOT_ELIGIBLE, reason), BST_SYARAT_3


def test_bst_excludes_a_household_with_a_kartu_prakerja_holder():
    got = bst(head(45), member(22, lists=("prakerja",)))
    assert (got["decision"], got["reason"]) == (NOT_ELIGIBLE, "bukan_prakerja"), BST_SYARAT_3


def test_bst_is_not_excluded_by_enrollment_in_an_unrelated_program():
    assert bst(enrolled=("pbi-jk", "beras"))["decision"] == ELIGIBLE


def test_bst_is_for_households_active_in_dtks():
    assert bst(status="inactive")["reason"] == "dtks"


# --- Rice aid (beras) ---------------------------------------------------------------------------

SEED_RICE = ("Seed 003: 'Penerima bantuan beras adalah pekerja sektor informal terdampak pandemi "
             "di Jawa dan Bali'; 'di luar penerima tiga jenis bansos ... PKH, BPNT/Kartu Sembako "
             "dan BST'")


def informal_household(**fields):
    """A casual worker (employment code 7) and a spouse not working."""
    return household(head(38, employment=7), member(35, sex="P"), **fields)


def rice(h) -> dict:
    return outcome(h, program="beras")


def test_rice_aid_goes_to_informal_workers_in_java_and_bali():
    assert rice(informal_household())["decision"] == ELIGIBLE
    assert rice(informal_household(village="51.71.01.1001"))["decision"] == ELIGIBLE  # Denpasar


def test_rice_aid_is_only_for_java_and_bali():
    got = rice(informal_household(village="63.71.01.1001"))  # Banjarmasin, Kalimantan
    assert (got["decision"], got["reason"]) == (NOT_ELIGIBLE, "jawa_bali"), SEED_RICE


@pytest.mark.parametrize("code", [1, 2, 6, 7, 8])
def test_every_informal_employment_code_counts(code):
    """Own-account, employer with temporary help, casual (farm and non-farm), unpaid family."""
    assert rice(household(head(38, employment=code)))["decision"] == ELIGIBLE


@pytest.mark.parametrize("code", [0, 3, 4, 5])
def test_formal_work_or_no_work_is_not_informal(code):
    got = rice(household(head(38, employment=code)))
    assert (got["decision"], got["reason"]) == (NOT_ELIGIBLE, "informal"), SEED_RICE


@pytest.mark.parametrize(("program", "reason"), [("pkh", "bukan_pkh"),
                                                 ("sembako", "bukan_sembako"),
                                                 ("bst", "bukan_bst")])
def test_rice_aid_excludes_the_three_other_programs(program, reason):
    got = rice(informal_household(enrolled=(program,)))
    assert (got["decision"], got["reason"]) == (NOT_ELIGIBLE, reason), SEED_RICE


def ranked(households, quotas) -> dict[int, tuple]:
    """household id -> (status, rank) from the bulk path's decisions.parquet."""
    decided = bulk(rows(*households), ["beras"], {"beras": quotas})["beras"]
    return {hid: (r["status"], r["rank"]) for hid, r in decided.items()}


def test_rice_quota_enrolls_the_poorest_and_puts_the_rest_on_a_waiting_list_with_rank():
    """7 eligible households in Kabupaten Bogor, a quota of 5: the 5 lowest welfare scores are
    enrolled with ranks 1-5, the other 2 wait with ranks 6 and 7."""
    scores = {1: 40.0, 2: 10.0, 3: 70.0, 4: 20.0, 5: 60.0, 6: 30.0, 7: 50.0}
    got = ranked([informal_household(id=h, score=s) for h, s in scores.items()], {"32.01": 5})
    assert got == {2: ("enrolled", 1), 4: ("enrolled", 2), 6: ("enrolled", 3),
                   1: ("enrolled", 4), 7: ("enrolled", 5), 5: ("waiting", 6), 3: ("waiting", 7)}


def test_equal_welfare_scores_are_ranked_by_household_id():
    got = ranked([informal_household(id=h, score=25.0) for h in (9, 3, 7)], {"32.01": 2})
    assert got == {3: ("enrolled", 1), 7: ("enrolled", 2), 9: ("waiting", 3)}


def test_a_household_without_a_welfare_score_ranks_last():
    got = ranked([informal_household(id=1, score=None, desil=None),
                  informal_household(id=2, score=90.0)], {"32.01": 1})
    assert got == {2: ("enrolled", 1), 1: ("waiting", 2)}


def test_the_not_eligible_get_neither_rank_nor_status():
    got = ranked([informal_household(id=1, score=1.0, enrolled=("pkh",)),
                  informal_household(id=2, score=2.0)], {"32.01": 5})
    assert got == {1: (None, None), 2: ("enrolled", 1)}


def test_a_household_in_a_regency_without_a_quota_row_waits():
    got = ranked([informal_household(id=1, score=5.0, village="32.03.01.2001")], {"32.01": 5})
    assert got == {1: ("waiting", 1)}


def test_quotas_are_per_region_code_as_given():
    """Seed 003: '122 pemerintah kabupaten/kota mendapatkan masing-masing 3.000 paket beras ...
    dan 6.000 paket ... untuk enam ibukota provinsi'. The numbers are data: each regency gets
    exactly the quota its code is given (here the provincial capital, Kota Bandung 32.73,
    twice the kabupaten's), and ranks restart in each regency."""
    bogor = [informal_household(id=h, score=float(h)) for h in range(1, 6)]
    bandung = [informal_household(id=h, score=float(h), village="32.73.01.1001")
               for h in range(11, 16)]
    got = ranked(bogor + bandung, {"32.01": 2, "32.73": 4})
    assert [got[h] for h in range(1, 6)] == [("enrolled", 1), ("enrolled", 2), ("waiting", 3),
                                             ("waiting", 4), ("waiting", 5)]
    assert [got[h] for h in range(11, 16)] == [("enrolled", 1), ("enrolled", 2),
                                               ("enrolled", 3), ("enrolled", 4), ("waiting", 5)]


# --- PKH ---------------------------------------------------------------------------------------


def pkh(*members, **fields) -> dict:
    return outcome(household(*members, **fields), program="pkh")


def test_pkh_pays_the_four_highest_components_of_six_in_four_stages():
    """FACTS.md: at most 4 components per family, paid in 4 stages a year. Pregnant 3,000,000 +
    two early-childhood 3,000,000 each + elderly 2,400,000 + primary 900,000: the cap takes
    3,000,000 * 3 + 2,400,000 = 11,400,000 a year, 2,850,000 per stage."""
    got = pkh(head(35), member(30, sex="P", pregnant=True), member(2), member(5),
              member(67), member(9, in_school=True))
    assert (got["decision"], got["amount"]) == (ELIGIBLE, 2_850_000)
    assert got["components"] == "hamil:1,usia_dini:2,lansia:1,"


def test_pkh_under_the_cap_pays_every_component():
    """Pregnant 3,000,000 + SD 900,000 + SMP 1,500,000 = 5,400,000 a year, 1,350,000 a stage."""
    got = pkh(head(40), member(36, sex="P", pregnant=True), member(9, in_school=True),
              member(13, in_school=True, education=1))
    assert (got["amount"], got["components"]) == (1_350_000, "hamil:1,smp:1,sd:1,")


def test_pkh_school_components_follow_the_certificate_held():
    """In school with an SMP certificate: senior secondary (2,000,000 a year)."""
    got = pkh(head(45), member(16, in_school=True, education=2))
    assert (got["amount"], got["components"]) == (500_000, "sma:1,")


def test_pkh_severe_disability_is_a_component_and_mild_is_not():
    assert pkh(head(45), member(20, disability=12))["components"] == "disabilitas_berat:1,"
    assert pkh(head(45), member(20, disability=1))["reason"] == "komponen"


def test_pkh_needs_at_least_one_component():
    got = pkh(head(45), member(40, sex="P"), member(19))
    assert (got["decision"], got["reason"], got["amount"]) == (NOT_ELIGIBLE, "komponen", 0)


def test_pkh_needs_desil_1_to_4_and_a_padan_head():
    family = (head(45), member(3))
    assert pkh(*family, desil=5)["reason"] == "desil"
    assert pkh(head(45, match="tidak_padan"), member(3))["reason"] == "padan"
    assert pkh(*family, desil=None)["decision"] == NOT_ASSESSED


# --- ATENSI orphan support (yatim-covid) --------------------------------------------------------

SEED_002 = ("Seed 002: 'Rp 300 ribu per bulan bagi yang belum bersekolah dan Rp 200 ribu bagi "
            "yang sudah sekolah'")


def orphans(*members, **fields) -> dict:
    """Decisions per member id (person program); members numbered 101, 102, ..."""
    return both_paths(rows(household(*members, **fields)), "yatim-covid")["yatim-covid"]


def test_orphan_support_by_school_status():
    got = orphans(head(60, sex="P"), member(10, in_school=True, lists=("yatim_covid",)),
                  member(4, lists=("yatim_covid",)))
    assert (got[102]["decision"], got[102]["amount"]) == (ELIGIBLE, 200_000), SEED_002
    assert (got[103]["decision"], got[103]["amount"]) == (ELIGIBLE, 300_000), SEED_002
    assert (got[101]["decision"], got[101]["reason"]) == (NOT_ELIGIBLE, "yatim")


def test_orphan_support_is_for_children_under_18_only():
    got = orphans(head(60, sex="P"), member(17, lists=("yatim_covid",)),
                  member(18, lists=("yatim_covid",)), member(None, lists=("yatim_covid",)))
    assert got[102]["decision"] == ELIGIBLE
    assert (got[103]["decision"], got[103]["reason"]) == (NOT_ELIGIBLE, "anak")
    assert got[104]["decision"] == NOT_ASSESSED  # birth date unknown


def test_orphan_support_needs_the_yatim_covid_list():
    got = orphans(head(60, sex="P"), member(10, in_school=True))
    assert (got[102]["decision"], got[102]["reason"]) == (NOT_ELIGIBLE, "yatim")


# --- PBI-JK ------------------------------------------------------------------------------------


def pbi(*members, **fields) -> dict:
    return both_paths(rows(household(*members, **fields)), "pbi-jk")["pbi-jk"]


def test_pbi_jk_pays_rp42000_per_padan_person():
    """FACTS.md: 'the state pays Rp42,000/person/month of health-insurance premium'."""
    got = pbi(head(45), member(40, sex="P"), member(10))
    assert [(got[m]["decision"], got[m]["amount"]) for m in (101, 102, 103)] == \
        [(ELIGIBLE, 42_000)] * 3


def test_pbi_jk_needs_the_persons_own_nik_padan():
    got = pbi(head(45), member(40, sex="P", match="tidak_padan"), member(10, match=None))
    assert got[101]["decision"] == ELIGIBLE
    assert (got[102]["decision"], got[102]["reason"]) == (NOT_ELIGIBLE, "padan")
    assert (got[103]["decision"], got[103]["reason"]) == (NOT_ASSESSED, None)


def test_pbi_jk_excludes_the_person_on_the_list_not_the_household():
    """on_list() in a person program means this person: the civil servant is covered as a wage
    earner, the rest of the household still gets PBI-JK."""
    got = pbi(head(45, lists=("asn",)), member(40, sex="P"))
    assert (got[101]["decision"], got[101]["reason"]) == (NOT_ELIGIBLE, "asn")
    assert got[102]["decision"] == ELIGIBLE


def test_pbi_jk_follows_the_households_desil():
    got = pbi(head(45), member(40, sex="P"), desil=6)
    assert {d["reason"] for d in got.values()} == {"desil"}
