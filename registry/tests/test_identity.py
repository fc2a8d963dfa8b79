"""Tests for registry.identity (NIK / KK parsing), runnable without Django.

The rules under test:

    NIK: 16 digits = province (2) + regency/city (2) + district (2) of first issue
    + birth date DDMMYY (women: DD + 40, so 41-71) + 4-digit serial from 0001.
    The century of YY is the latest one that does not put the birth after today.
    A NIK never changes when the person moves, so an unknown district is a
    warning, not an error. Province 11-99, regency 01-99, district 01-99.

    KK: 16 digits; the first 6 = issuing district (PPKKDD, unknown is a warning);
    the last 10 digits are not validated beyond being digits, but must not be all zero.
"""

from dataclasses import FrozenInstanceError
from datetime import date, timedelta

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from registry.identity import (
    ParsedNik,
    Problem,
    format_nik_for_district,
    mask_nik,
    message,
    normalize_digits,
    parse_kk,
    parse_nik,
)

TODAY = date(2024, 6, 1)


def codes(parsed) -> list[str]:
    return [p.code for p in parsed.problems]


# --- NIK: real-structure table tests ------------------------------------------


def test_male_nik_is_split_into_region_birth_date_and_serial():
    p = parse_nik("3201011208850003", today=TODAY)
    assert p.ok and p.problems == ()
    assert p.value == "3201011208850003"
    assert (p.province_code, p.regency_code, p.district_code) == ("32", "32.01", "32.01.01")
    assert p.birth_date == date(1985, 8, 12)
    assert p.sex == "L"
    assert p.serial == "0003"


@pytest.mark.parametrize(
    ("nik", "born", "district"),
    [
        ("3174055708990012", date(1999, 8, 17), "31.74.05"),  # day 57 = 17 + 40
        ("3201014502900001", date(1990, 2, 5), "32.01.01"),  # day 45 = 5 + 40
    ],
)
def test_woman_birth_day_is_stored_plus_40(nik, born, district):
    p = parse_nik(nik, today=TODAY)
    assert p.ok
    assert p.sex == "P"
    assert p.birth_date == born
    assert p.district_code == district


@pytest.mark.parametrize(
    ("nik", "code", "shown"),
    [
        ("3201013102900001", "birth_date", "31-02-1990"),  # 31 Feb
        ("3201017102900001", "birth_date", "31-02-1990"),  # 31 Feb, woman
        ("3201012902900001", "birth_date", "29-02-1990"),  # not a leap year
        ("3201010002900001", "birth_day", "00"),
        ("3201013502900001", "birth_day", "35"),  # neither man (01-31) nor woman (41-71)
        ("3201014002900001", "birth_day", "40"),
        ("3201017202900001", "birth_day", "72"),
        ("3201011213900001", "birth_month", "13"),
        ("3201011200900001", "birth_month", "00"),
    ],
)
def test_impossible_birth_dates_are_rejected(nik, code, shown):
    p = parse_nik(nik, today=TODAY)
    assert not p.ok
    assert codes(p) == [code]
    assert p.birth_date is None
    assert shown in p.errors[0].message_id and shown in p.errors[0].message_en


def test_day_and_month_errors_are_reported_together():
    p = parse_nik("3201013513900001", today=TODAY)
    assert codes(p) == ["birth_day", "birth_month"]


def test_sex_is_known_even_when_the_date_does_not_exist():
    assert parse_nik("3201017102900001", today=TODAY).sex == "P"


def test_century_is_the_latest_one_not_after_today():
    nik = "3201010101240001"  # born 01-01-(19|20)24
    assert parse_nik(nik, today=date(2024, 1, 1)).birth_date == date(2024, 1, 1)
    assert parse_nik(nik, today=date(2023, 12, 31)).birth_date == date(1924, 1, 1)


def test_leap_day_depends_on_the_resolved_century():
    nik = "3201012902000001"  # 29-02-00
    assert parse_nik(nik, today=TODAY).birth_date == date(2000, 2, 29)
    before_2000 = parse_nik(nik, today=date(1999, 12, 31))
    assert codes(before_2000) == ["birth_date"]
    assert "29-02-1900" in before_2000.errors[0].message_en


def test_today_defaults_to_the_current_date():
    p = parse_nik("3201011208850003")
    assert p.birth_date == date(1985, 8, 12)


def test_serial_0000_is_rejected():
    p = parse_nik("3201011208850000", today=TODAY)
    assert codes(p) == ["serial"]
    assert p.serial == "0000"


@pytest.mark.parametrize(
    "raw",
    [
        "3201 0112 0885 0003",
        "3201.0112.0885.0003",
        "3201-0112-0885-0003",
        "  3201011208850003\n",
        "32.01.01 120885 0003",
        "3201\u00a0011208850003",  # non-breaking space from copy-paste
    ],
)
def test_separators_typed_by_clerks_are_accepted(raw):
    p = parse_nik(raw, today=TODAY)
    assert p.ok
    assert p.value == "3201011208850003"


def test_unknown_district_prefix_is_a_warning_not_an_error():
    asked = []

    def known(code: str) -> bool:
        asked.append(code)
        return False

    p = parse_nik("3201011208850003", known_district=known, today=TODAY)
    assert asked == ["32.01.01"]
    assert p.ok
    assert p.errors == ()
    assert [w.code for w in p.warnings] == ["unknown_region"]
    assert p.warnings[0].severity == "warning"
    assert "32.01.01" in p.warnings[0].message_id and "32.01.01" in p.warnings[0].message_en


def test_known_district_gives_no_warning():
    p = parse_nik("3201011208850003", known_district={"32.01.01"}.__contains__, today=TODAY)
    assert p.problems == ()


@pytest.mark.parametrize(
    ("nik", "expected"),
    [
        ("0001011208850003", ["province"]),
        ("0501011208850003", ["province"]),
        ("1001011208850003", ["province"]),
        ("3200011208850003", ["regency"]),
        ("3201001208850003", ["district"]),
        ("0000001208850003", ["province", "regency", "district"]),
    ],
)
def test_structurally_invalid_region_codes_are_errors(nik, expected):
    p = parse_nik(nik, known_district=lambda code: False, today=TODAY)
    assert codes(p) == expected  # no unknown_region warning on top
    assert all(e.severity == "error" for e in p.problems)


@pytest.mark.parametrize(
    ("raw", "code", "word_id", "word_en"),
    [
        ("320101120885003", "length", "16 digit", "16 digits"),
        ("3201O11208850003", "non_digit", "angka", "digits"),
        ("0501011208850003", "province", "provinsi", "province"),
        ("3200011208850003", "regency", "kabupaten/kota", "regency/city"),
        ("3201001208850003", "district", "kecamatan", "district"),
        ("3201013502900001", "birth_day", "Tanggal lahir", "birth day"),
        ("3201011213900001", "birth_month", "Bulan lahir", "birth month"),
        ("3201013102900001", "birth_date", "Tanggal lahir", "birth date"),
        ("3201011208850000", "serial", "Nomor urut", "serial number"),
    ],
)
def test_messages_in_both_languages_name_the_field(raw, code, word_id, word_en):
    (problem,) = parse_nik(raw, today=TODAY).problems
    assert problem.code == code
    assert word_id in message(problem) and "NIK" in message(problem, "id")
    assert word_en in message(problem, "en") and "NIK" in message(problem, "en")
    assert message(problem, "id") != message(problem, "en")


def test_example_messages_are_exact():
    (length,) = parse_nik("320101450290001").problems
    assert length.message_id == "NIK harus 16 digit, yang dimasukkan 15 digit."
    assert length.message_en == "NIK must have 16 digits; 15 were given."
    (feb31,) = parse_nik("3201013102900001", today=TODAY).problems
    assert feb31.message_id == "Tanggal lahir pada NIK tidak ada: 31-02-1990."
    assert feb31.message_en == "The birth date in the NIK does not exist: 31-02-1990."


def test_message_defaults_to_indonesian_and_rejects_unknown_language():
    problem = Problem("serial", "error", "pesan", "message")
    assert message(problem) == "pesan"
    assert message(problem, lang="en") == "message"
    with pytest.raises(ValueError, match="fr"):
        message(problem, lang="fr")


def test_non_digit_message_names_the_offending_characters():
    (problem,) = parse_nik("3201O1120885000x").problems
    assert problem.code == "non_digit"
    assert "'O', 'x'" in problem.message_id and "'O', 'x'" in problem.message_en


def test_non_ascii_digits_are_not_accepted():
    assert codes(parse_nik("\uff13\uff12\uff10\uff11011208850003")) == ["non_digit"]  # full-width
    assert codes(parse_nik("\u0663201011208850003")) == ["non_digit"]  # Arabic-Indic 3


def test_empty_input_reports_zero_digits():
    (problem,) = parse_nik("   ").problems
    assert problem.code == "length"
    assert "0 digit" in problem.message_id and "0 were given" in problem.message_en


def test_broken_input_leaves_fields_empty():
    p = parse_nik("abc")
    assert (p.district_code, p.birth_date, p.sex, p.serial) == ("", None, None, "")


def test_parsed_nik_is_frozen():
    p = parse_nik("3201011208850003", today=TODAY)
    assert isinstance(p, ParsedNik)
    with pytest.raises(FrozenInstanceError):
        p.value = "x"  # type: ignore[misc]


def test_normalize_digits_strips_separators_but_keeps_other_characters():
    assert normalize_digits(" 32.01-01 12\t08 ") == "3201011208"
    assert normalize_digits("32/01a") == "32/01a"


# --- masking and formatting -----------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "masked"),
    [
        ("3201014502900001", "3201********0001"),
        ("3201 0145 0290 0001", "3201********0001"),
        ("12345", "****************"),  # never reveal parts of a malformed value
        ("3201O14502900001", "****************"),
        ("", "****************"),
    ],
)
def test_mask_nik_shows_only_first_and_last_four_digits(raw, masked):
    assert mask_nik(raw) == masked


def test_format_nik_for_district_builds_the_documented_example():
    assert format_nik_for_district("32.01.01", date(1990, 2, 5), "P", 1) == "3201014502900001"
    assert format_nik_for_district("31.74.05", date(1999, 8, 17), "P", 12) == "3174055708990012"
    assert format_nik_for_district("32.01.01", date(1985, 8, 12), "L", 3) == "3201011208850003"


@pytest.mark.parametrize(
    ("district", "born", "sex", "serial"),
    [
        ("320101", date(1990, 1, 1), "L", 1),
        ("32.01", date(1990, 1, 1), "L", 1),
        ("00.01.01", date(1990, 1, 1), "L", 1),
        ("32.00.01", date(1990, 1, 1), "L", 1),
        ("32.01.00", date(1990, 1, 1), "L", 1),
        ("32.01.01", "1990-01-01", "L", 1),
        ("32.01.01", date(1990, 1, 1), "M", 1),
        ("32.01.01", date(1990, 1, 1), "L", 0),
        ("32.01.01", date(1990, 1, 1), "L", 10000),
        ("32.01.01", date(1990, 1, 1), "L", True),
        ("32.01.01", date(1990, 1, 1), "L", "1"),
    ],
)
def test_format_nik_for_district_rejects_bad_input(district, born, sex, serial):
    with pytest.raises(ValueError):
        format_nik_for_district(district, born, sex, serial)


# --- KK ---------------------------------------------------------------------------


def test_valid_kk_exposes_its_issuing_district():
    k = parse_kk("3201010101200001")
    assert k.ok and k.problems == ()
    assert k.value == "3201010101200001"
    assert k.district_code == "32.01.01"


def test_kk_tail_is_not_validated_beyond_digits():
    assert parse_kk("3201019999999999").ok


@pytest.mark.parametrize(
    "raw", ["3201 0101 0120 0001", "3201.0101.0120.0001", " 320101-0101200001 "]
)
def test_kk_separators_typed_by_clerks_are_accepted(raw):
    k = parse_kk(raw)
    assert k.ok and k.value == "3201010101200001"


def test_kk_with_all_zero_registration_part_is_rejected():
    k = parse_kk("3201010000000000")
    assert codes(k) == ["serial"]
    assert "nol" in k.errors[0].message_id and "zeros" in k.errors[0].message_en


@pytest.mark.parametrize(
    ("kk", "expected"),
    [
        ("0001010101200001", ["province"]),
        ("0901010101200001", ["province"]),
        ("3200010101200001", ["regency"]),
        ("3201000101200001", ["district"]),
        ("0000000000000000", ["province", "regency", "district", "serial"]),
    ],
)
def test_kk_structurally_invalid_prefix_is_an_error(kk, expected):
    assert codes(parse_kk(kk, known_district=lambda code: False)) == expected


def test_kk_unknown_district_prefix_is_a_warning_not_an_error():
    k = parse_kk("3299990101200001", known_district=lambda code: code == "32.01.01")
    assert k.ok
    assert [w.code for w in k.warnings] == ["unknown_region"]
    assert "32.99.99" in message(k.warnings[0]) and "KK" in message(k.warnings[0], "en")


def test_kk_length_and_non_digit_messages_name_the_kk():
    (length,) = parse_kk("32010101012000").problems
    assert length.message_id == "Nomor KK harus 16 digit, yang dimasukkan 14 digit."
    assert length.message_en == "KK number must have 16 digits; 14 were given."
    (letter,) = parse_kk("32010101012000A1").problems
    assert letter.code == "non_digit"
    assert "'A'" in letter.message_id and "KK" in letter.message_en


# --- properties -------------------------------------------------------------------

district_codes = st.builds(
    "{:02d}.{:02d}.{:02d}".format,
    st.integers(11, 99),
    st.integers(1, 99),
    st.integers(1, 99),
)
digit_strings = st.text(alphabet="0123456789", max_size=40)
# Characters that are neither ASCII digits nor separators that normalize_digits strips.
non_digit_chars = st.characters().filter(lambda c: c not in "0123456789.-" and not c.isspace())


@given(
    district=district_codes,
    born=st.dates(date(1900, 1, 1), date(2099, 12, 31)),
    sex=st.sampled_from(["L", "P"]),
    serial=st.integers(1, 9999),
    # 36_524 days is less than any 100-year span, so YY resolves to the right century.
    days_after=st.integers(0, 36_523),
)
def test_format_then_parse_round_trips(district, born, sex, serial, days_after):
    today = born + timedelta(days=days_after)
    nik = format_nik_for_district(district, born, sex, serial)
    p = parse_nik(nik, known_district={district}.__contains__, today=today)
    assert p.problems == ()
    assert (p.district_code, p.birth_date, p.sex, p.serial) == (
        district,
        born,
        sex,
        f"{serial:04d}",
    )
    assert mask_nik(nik) == nik[:4] + "*" * 8 + nik[-4:]


@given(
    digits=st.builds(
        "{:02d}{:02d}{:02d}{:02d}{:02d}{:02d}{:04d}".format,
        st.integers(0, 99),
        st.integers(0, 99),
        st.integers(0, 99),
        st.integers(0, 75),
        st.integers(0, 13),
        st.integers(0, 99),
        st.integers(0, 9999),
    )
)
def test_every_valid_nik_is_rebuilt_by_format(digits):
    p = parse_nik(digits, today=TODAY)
    assume(p.ok)
    assert p.birth_date is not None and p.sex is not None
    rebuilt = format_nik_for_district(p.district_code, p.birth_date, p.sex, int(p.serial))
    assert rebuilt == digits


@given(
    digits=st.text(alphabet="0123456789", min_size=16, max_size=16),
    today=st.dates(date(2000, 1, 1), date(2099, 12, 31)),
)
def test_resolved_birth_date_is_never_after_today_nor_a_century_before(digits, today):
    born = parse_nik(digits, today=today).birth_date
    if born is not None:
        assert born <= today
        assert (born.year + 100, born.month, born.day) > (today.year, today.month, today.day)


@given(prefix=digit_strings, bad=non_digit_chars, suffix=digit_strings)
def test_any_non_digit_character_is_rejected(prefix, bad, suffix):
    for parsed in (parse_nik(prefix + bad + suffix), parse_kk(prefix + bad + suffix)):
        assert not parsed.ok
        assert codes(parsed) == ["non_digit"]
        assert repr(bad) in parsed.errors[0].message_en


@given(digits=digit_strings.filter(lambda s: len(s) != 16))
def test_any_length_other_than_16_is_rejected_with_the_count(digits):
    for parsed in (parse_nik(digits), parse_kk(digits)):
        assert codes(parsed) == ["length"]
        assert f"{len(digits)} digit" in parsed.errors[0].message_id
        assert f"; {len(digits)} " in parsed.errors[0].message_en


@given(raw=st.text())
def test_parsing_never_raises_on_arbitrary_text(raw):
    nik = parse_nik(raw, today=TODAY)
    kk = parse_kk(raw)
    for parsed in (nik, kk):
        assert all(p.severity in ("error", "warning") for p in parsed.problems)
        if parsed.ok:
            assert len(parsed.value) == 16 and parsed.value.isascii() and parsed.value.isdigit()
    assert len(mask_nik(raw)) == 16
