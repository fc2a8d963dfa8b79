"""Program Sembako as seed 000 states it ("A. Kriteria KPM Program Sembako"): eligibility, the
eight exclusions and the five segments, decided from the shipped sembako.json through both the
bulk path and the single-household path (builders.outcome asserts that the two agree)."""

import pytest

from programs.compile import ELIGIBLE, NOT_ASSESSED, NOT_ELIGIBLE

from .builders import UMK_BOGOR, head, household, member, outcome


def eligible_family(*extra, **fields):
    """A household that Program Sembako would take: in DTKS, head padan, desil 2, head 45,
    spouse 42, a child of 10 in school; nobody on any list."""
    return household(head(45), member(42, sex="P"), member(10, in_school=True), *extra,
                     **fields)


def test_the_reference_family_is_eligible_for_rp200000():
    """Seed 000 B: 'Rp200.000,00 (dua ratus ribu rupiah) per KPM per bulan'."""
    got = outcome(eligible_family())
    assert (got["decision"], got["reason"], got["amount"]) == (ELIGIBLE, None, 200_000)


# --- Eligibility -----------------------------------------------------------------------------


def test_a_household_not_active_in_dtks_is_not_eligible():
    """Seed 000: 'fakir miskin yang terdaftar dalam Data Terpadu Kesejahteraan Sosial'."""
    got = outcome(eligible_family(status="inactive"))
    assert (got["decision"], got["reason"]) == (NOT_ELIGIBLE, "dtks")


def test_a_head_whose_nik_is_not_padan_is_not_eligible():
    """Seed 000: 'KPM yang memiliki Nomor Induk Kependudukan (NIK) yang telah dipadankan dengan
    data dari Direktorat Jenderal Kependudukan dan Pencatatan Sipil'."""
    got = outcome(household(head(45, match="tidak_padan"), member(42, sex="P")))
    assert (got["decision"], got["reason"]) == (NOT_ELIGIBLE, "padan")


def test_a_head_not_yet_matched_with_dukcapil_is_not_yet_assessed():
    got = outcome(household(head(45, match=None), member(42, sex="P")))
    assert (got["decision"], got["reason"]) == (NOT_ASSESSED, None)


def test_a_household_without_a_desil_is_not_yet_assessed_never_silently_eligible():
    got = outcome(eligible_family(desil=None))
    assert (got["decision"], got["reason"]) == (NOT_ASSESSED, None)


def test_a_household_above_desil_5_is_not_eligible():
    assert outcome(eligible_family(desil=6))["reason"] == "desil"
    assert outcome(eligible_family(desil=5))["decision"] == ELIGIBLE


def test_a_clause_against_decides_even_when_another_is_unknown():
    """No desil (unknown) but on the ASN list: the exclusion decides, not 'not assessed'."""
    got = outcome(eligible_family(member(30, lists=("asn",)), desil=None))
    assert (got["decision"], got["reason"]) == (NOT_ELIGIBLE, "asn")


# --- The eight exclusions ("KPM Program Sembako tidak diperbolehkan") ---------------------------

EXCLUSIONS = [
    ("asn", "1. Berstatus sebagai Aparatur Sipil Negara (ASN)"),
    ("tni_polri", "2. Berstatus sebagai anggota TNI/POLRI"),
    ("pensiun", "3. Berstatus sebagai pensiunan ASN atau TNI/POLRI yang menerima dana pensiun"),
    ("pendamping", "4. Berstatus sebagai pendamping sosial"),
    ("guru_sertifikasi", "5. Berstatus sebagai guru tersertifikasi"),
    ("gaji_apbn_apbd", "6. Memiliki penghasilan rutin yang berasal dari anggaran pendapatan dan "
                       "belanja negara atau anggaran pendapatan dan belanja daerah"),
    ("ahu", "7. Terdaftar dalam data Direktorat Jenderal Administrasi Hukum Umum Kementerian "
            "Hukum dan Hak Asasi Manusia sebagai pemilik CV dan direksi atau komisaris"),
]


@pytest.mark.parametrize(("kind", "seed_line"), EXCLUSIONS, ids=[k for k, _ in EXCLUSIONS])
def test_a_member_on_an_exclusion_list_excludes_the_household(kind, seed_line):
    """Seed 000, exclusions 1-7 (quoted in `seed_line`): one member (the spouse) on the list,
    matched by NIK, makes an otherwise eligible household not eligible with that clause as the
    reason."""
    family = household(head(45), member(42, sex="P", lists=(kind,)), member(10, in_school=True))
    got = outcome(family)
    assert (got["decision"], got["reason"]) == (NOT_ELIGIBLE, kind), seed_line


def test_a_list_entry_for_another_nik_excludes_nobody():
    family = eligible_family()
    family.members[1].nik = "3201014101800099"
    other = household(head(50, nik="3201014101800077", lists=("asn",)))
    assert outcome(family, other)["decision"] == ELIGIBLE


def test_a_member_without_nik_is_not_matched_to_list_entries_without_nik():
    """An entry with an empty NIK must not hit members whose NIK is empty."""
    family = eligible_family(member(8, nik=""))
    stray = household(head(50, nik="", lists=("asn",)))
    assert outcome(family, stray)["decision"] == ELIGIBLE


def test_a_deceased_member_on_a_list_no_longer_excludes():
    """Members Dukcapil reports deceased are left out of the household."""
    family = eligible_family(member(60, lists=("asn",), deceased=True))
    assert outcome(family)["decision"] == ELIGIBLE


def test_exclusion_8_a_wage_above_the_umk_of_the_regency_excludes():
    """Seed 000: '8. Memiliki penghasilan di atas upah minimum kabupaten/kota.'"""
    family = eligible_family(member(22, wage=UMK_BOGOR + 1))
    got = outcome(family)
    assert (got["decision"], got["reason"]) == (NOT_ELIGIBLE, "umk")


def test_exclusion_8_a_wage_at_or_below_the_umk_is_fine():
    """Seed 000, exclusion 8: 'di atas' — a wage equal to the UMK is not above it."""
    assert outcome(eligible_family(member(22, wage=UMK_BOGOR)))["decision"] == ELIGIBLE
    assert outcome(eligible_family(member(22, wage=1_500_000)))["decision"] == ELIGIBLE


def test_exclusion_8_compares_with_the_umk_of_the_households_own_regency():
    """The same wage is above Bogor's UMK but not above Kota Bekasi's."""
    wage = UMK_BOGOR + 100_000
    umk = {"32.01": UMK_BOGOR, "32.75": 4_816_921}
    bekasi = eligible_family(member(22, wage=wage), village="32.75.01.1001")
    assert outcome(bekasi, umk=umk)["decision"] == ELIGIBLE
    assert outcome(eligible_family(member(22, wage=wage)), umk=umk)["reason"] == "umk"


def test_exclusion_8_a_wage_in_a_regency_without_a_known_umk_is_not_yet_assessed():
    got = outcome(eligible_family(member(22, wage=2_000_000)), umk={"32.75": 4_816_921})
    assert (got["decision"], got["reason"]) == (NOT_ASSESSED, None)


def test_exclusion_8_no_wage_on_record_needs_no_umk():
    assert outcome(eligible_family(), umk={})["decision"] == ELIGIBLE


# --- The five segments ("Segmentasi KPM Program Sembako meliputi") ------------------------------


def segment(*members, **fields) -> int | None:
    return outcome(household(*members, **fields))["segment"]


def test_segment_1_single_person_with_a_disability():
    """Seed 000: '1. Penyandang disabilitas tunggal'."""
    assert segment(head(35, disability=1)) == 1


def test_segment_1_wins_for_a_single_disabled_elderly_person():
    """A single elderly person with a disability fits segments 1, 2 and 3; the segments are
    tried in the seed's order and the first that holds is assigned, so it is segment 1."""
    assert segment(head(70, disability=2)) == 1


def test_segment_2_single_elderly_person():
    """Seed 000: '2. Lanjut usia tunggal'."""
    assert segment(head(60)) == 2
    assert segment(head(82, sex="P")) == 2


def test_segment_3_with_elderly_and_or_disabled_members():
    """Seed 000: '3. KPM memiliki anggota lanjut usia dan/atau penyandang disabilitas'."""
    assert segment(head(35), member(65)) == 3  # an elderly member
    assert segment(head(35), member(10, disability=10)) == 3  # a disabled member
    assert segment(head(60), member(58, sex="P")) == 3  # the head is the elderly one


def test_segment_4_head_aged_40_to_under_60():
    """Seed 000: '4. KPM tanpa lanjut usia dan/atau penyandang disabilitas yang kepala keluarga
    berusia 40 (empat puluh) tahun ke atas sampai dengan usia di bawah 60 (enam puluh) tahun'."""
    assert segment(head(40), member(38, sex="P")) == 4
    assert segment(head(59), member(50, sex="P")) == 4


def test_segment_5_head_under_40():
    """Seed 000: '5. KPM tanpa lanjut usia dan/atau penyandang disabilitas dengan kepala
    keluarga berusia di bawah 40 (empat puluh) tahun'."""
    assert segment(head(39), member(38, sex="P")) == 5
    assert segment(head(19)) == 5


def test_segment_boundaries_follow_the_birthday_to_the_day():
    """The age is whole years on the run's date (1 July 2021): born 1 July 1981 is 40 that day,
    born 2 July 1981 is still 39."""
    from datetime import date

    assert segment(head(birth_date=date(1981, 7, 1)), member(30, sex="P")) == 4
    assert segment(head(birth_date=date(1981, 7, 2)), member(30, sex="P")) == 5
    assert segment(head(birth_date=date(1961, 7, 1)), member(30, sex="P")) == 3  # turns 60


def test_a_deceased_spouse_leaves_a_single_elderly_person():
    assert segment(head(70), member(68, sex="P", deceased=True)) == 2


def test_an_eligible_household_whose_head_has_no_birth_date_has_no_segment():
    """Documents a gap: with no elderly or disabled member and the head's age unknown, no
    segment holds; the household is still eligible (segments do not decide eligibility)."""
    got = outcome(household(head(None), member(30, sex="P")))
    assert (got["decision"], got["segment"]) == (ELIGIBLE, None)
