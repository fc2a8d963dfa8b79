"""Parse and validate Indonesian NIK and KK numbers (pure Python, no Django).

NIK (Nomor Induk Kependudukan), 16 digits:
    PP KK DD  DDMMYY  SSSS
    province, regency/city, district of first issue; birth date (women: day + 40);
    serial from 0001.
KK (Kartu Keluarga), 16 digits: PPKKDD issuing district + 10 digits of
registration date/serial (not all zero).

A NIK never changes when its holder moves, so after a region split its district
code may no longer exist: an unknown region is a warning, never an error.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Literal

__all__ = [
    "ParsedKk",
    "ParsedNik",
    "Problem",
    "format_nik_for_district",
    "mask_nik",
    "message",
    "normalize_digits",
    "parse_kk",
    "parse_nik",
]

Severity = Literal["error", "warning"]
Sex = Literal["L", "P"]  # laki-laki (male) / perempuan (female)

LENGTH = 16
FEMALE_DAY_OFFSET = 40
_SEPARATORS = frozenset(".-")
_DIGITS = re.compile(r"[0-9]*")
_DISTRICT_CODE = re.compile(r"([0-9]{2})\.([0-9]{2})\.([0-9]{2})")
# Subject of the messages per document, in Indonesian and English.
_LABELS = {"NIK": ("NIK", "NIK"), "KK": ("Nomor KK", "KK number")}


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a number, with its message in both languages."""

    code: str
    severity: Severity
    message_id: str
    message_en: str


def message(problem: Problem, lang: str = "id") -> str:
    """Return the problem's message in ``lang`` ('id' or 'en')."""
    if lang == "id":
        return problem.message_id
    if lang == "en":
        return problem.message_en
    raise ValueError(f"unsupported language: {lang!r} (use 'id' or 'en')")


class _Result:
    problems: tuple[Problem, ...]

    @property
    def errors(self) -> tuple[Problem, ...]:
        """Problems that make the number invalid."""
        return tuple(p for p in self.problems if p.severity == "error")

    @property
    def warnings(self) -> tuple[Problem, ...]:
        """Problems worth showing that do not make the number invalid."""
        return tuple(p for p in self.problems if p.severity == "warning")

    @property
    def ok(self) -> bool:
        """True when there is no error-severity problem."""
        return not self.errors


@dataclass(frozen=True)
class ParsedNik(_Result):
    """A parsed NIK; fields are empty/None where the input was too broken to read."""

    value: str
    district_code: str  # 'PP.KK.DD'
    province_code: str  # 'PP'
    regency_code: str  # 'PP.KK'
    birth_date: date | None
    sex: Sex | None
    serial: str
    problems: tuple[Problem, ...]


@dataclass(frozen=True)
class ParsedKk(_Result):
    """A parsed KK number."""

    value: str
    district_code: str  # 'PP.KK.DD'
    problems: tuple[Problem, ...]


def normalize_digits(raw: str) -> str:
    """Drop whitespace, dots and dashes a clerk may type; keep everything else."""
    return "".join(c for c in raw if not c.isspace() and c not in _SEPARATORS)


def mask_nik(value: str) -> str:
    """Mask a NIK for public pages: '3201********0001'; anything else is fully masked."""
    digits = normalize_digits(value)
    if len(digits) != LENGTH or not _DIGITS.fullmatch(digits):
        return "*" * LENGTH
    return digits[:4] + "*" * (LENGTH - 8) + digits[-4:]


_NIK_IN_TEXT = re.compile(r"(?<![0-9])[0-9]{16}(?![0-9])")


def mask_niks_in(text: str) -> str:
    """A message (e.g. a file's error) with every 16-digit number in it masked like a NIK."""
    return _NIK_IN_TEXT.sub(lambda m: mask_nik(m[0]), text)


def format_nik_for_district(district_code: str, birth_date: date, sex: str, serial: int) -> str:
    """Build a NIK from its parts (inverse of parse_nik); raise ValueError on bad input."""
    m = _DISTRICT_CODE.fullmatch(district_code) if isinstance(district_code, str) else None
    if m is None:
        raise ValueError(f"district code must look like 'PP.KK.DD', got {district_code!r}")
    prov, reg, dist = m.groups()
    if int(prov) < 11 or reg == "00" or dist == "00":
        raise ValueError(f"structurally invalid district code: {district_code!r}")
    if not isinstance(birth_date, date):
        raise ValueError(f"birth_date must be a date, got {birth_date!r}")
    if sex not in ("L", "P"):
        raise ValueError(f"sex must be 'L' or 'P', got {sex!r}")
    if isinstance(serial, bool) or not isinstance(serial, int) or not 1 <= serial <= 9999:
        raise ValueError(f"serial must be an int in 1..9999, got {serial!r}")
    day = birth_date.day + (FEMALE_DAY_OFFSET if sex == "P" else 0)
    ddmmyy = f"{day:02d}{birth_date.month:02d}{birth_date.year % 100:02d}"
    return f"{prov}{reg}{dist}{ddmmyy}{serial:04d}"


# --- shared checks ----------------------------------------------------------


def _error(code: str, message_id: str, message_en: str) -> Problem:
    return Problem(code, "error", message_id, message_en)


def _check_shape(cleaned: str, doc: str) -> list[Problem]:
    """Digits-only and length checks; a non-digit makes the length meaningless."""
    label_id, label_en = _LABELS[doc]
    bad = list(dict.fromkeys(c for c in cleaned if c not in "0123456789"))
    if bad:
        shown = ", ".join(repr(c) for c in bad[:5]) + (", ..." if len(bad) > 5 else "")
        return [
            _error(
                "non_digit",
                f"{label_id} hanya boleh berisi angka; ditemukan karakter tidak sah: {shown}.",
                f"{label_en} may contain only digits; invalid characters found: {shown}.",
            )
        ]
    if len(cleaned) != LENGTH:
        n = len(cleaned)
        return [
            _error(
                "length",
                f"{label_id} harus {LENGTH} digit, yang dimasukkan {n} digit.",
                f"{label_en} must have {LENGTH} digits; {n} {'was' if n == 1 else 'were'} given.",
            )
        ]
    return []


def _check_region(
    digits: str, doc: str, known_district: Callable[[str], bool] | None
) -> list[Problem]:
    """Structural checks of PPKKDD, then (if given) the known-district lookup."""
    prov, reg, dist = digits[0:2], digits[2:4], digits[4:6]
    problems = []
    if int(prov) < 11:
        problems.append(
            _error(
                "province",
                f"Kode provinsi pada {doc} tidak valid: {prov} (harus 11-99).",
                f"The province code in the {doc} is invalid: {prov} (must be 11-99).",
            )
        )
    if reg == "00":
        problems.append(
            _error(
                "regency",
                f"Kode kabupaten/kota pada {doc} tidak valid: {reg} (harus 01-99).",
                f"The regency/city code in the {doc} is invalid: {reg} (must be 01-99).",
            )
        )
    if dist == "00":
        problems.append(
            _error(
                "district",
                f"Kode kecamatan pada {doc} tidak valid: {dist} (harus 01-99).",
                f"The district code in the {doc} is invalid: {dist} (must be 01-99).",
            )
        )
    code = f"{prov}.{reg}.{dist}"
    if not problems and known_district is not None and not known_district(code):
        problems.append(
            Problem(
                "unknown_region",
                "warning",
                f"Kode kecamatan {code} pada {doc} tidak dikenal "
                "(mungkin karena pemekaran wilayah).",
                f"District code {code} in the {doc} is not known (possibly after a region split).",
            )
        )
    return problems


def _check_birth(ddmmyy: str, today: date) -> tuple[date | None, Sex | None, list[Problem]]:
    """Decode DDMMYY (women: DD + 40); the century is the latest one not after today."""
    raw_day, month, yy = int(ddmmyy[0:2]), int(ddmmyy[2:4]), int(ddmmyy[4:6])
    problems = []
    sex: Sex | None = None
    if 1 <= raw_day <= 31:
        sex, day = "L", raw_day
    elif 41 <= raw_day <= 71:
        sex, day = "P", raw_day - FEMALE_DAY_OFFSET
    else:
        day = 0
        problems.append(
            _error(
                "birth_day",
                f"Tanggal lahir pada NIK tidak valid: {ddmmyy[0:2]} "
                "(laki-laki 01-31, perempuan 41-71).",
                f"The birth day in the NIK is invalid: {ddmmyy[0:2]} (men 01-31, women 41-71).",
            )
        )
    if not 1 <= month <= 12:
        problems.append(
            _error(
                "birth_month",
                f"Bulan lahir pada NIK tidak valid: {ddmmyy[2:4]} (harus 01-12).",
                f"The birth month in the NIK is invalid: {ddmmyy[2:4]} (must be 01-12).",
            )
        )
    if problems:
        return None, sex, problems
    # Tuple comparison also works for dates that do not exist (31 Feb).
    year = 2000 + yy
    if (year, month, day) > (today.year, today.month, today.day):
        year -= 100
    try:
        return date(year, month, day), sex, []
    except ValueError:
        shown = f"{day:02d}-{month:02d}-{year:04d}"
        return (
            None,
            sex,
            [
                _error(
                    "birth_date",
                    f"Tanggal lahir pada NIK tidak ada: {shown}.",
                    f"The birth date in the NIK does not exist: {shown}.",
                )
            ],
        )


# --- public parsers -----------------------------------------------------------


def parse_nik(
    raw: str,
    *,
    known_district: Callable[[str], bool] | None = None,
    today: date | None = None,
) -> ParsedNik:
    """Parse a NIK; never raises on text input, all findings are in ``problems``."""
    cleaned = normalize_digits(raw)
    problems = _check_shape(cleaned, "NIK")
    if problems:
        return ParsedNik(cleaned, "", "", "", None, None, "", tuple(problems))
    problems = _check_region(cleaned, "NIK", known_district)
    if today is None:
        today = date.today()
    birth_date, sex, birth_problems = _check_birth(cleaned[6:12], today)
    problems += birth_problems
    serial = cleaned[12:]
    if serial == "0000":
        problems.append(
            _error(
                "serial",
                "Nomor urut pada NIK tidak boleh 0000 (mulai dari 0001).",
                "The serial number in the NIK must not be 0000 (it starts at 0001).",
            )
        )
    return ParsedNik(
        value=cleaned,
        district_code=f"{cleaned[0:2]}.{cleaned[2:4]}.{cleaned[4:6]}",
        province_code=cleaned[0:2],
        regency_code=f"{cleaned[0:2]}.{cleaned[2:4]}",
        birth_date=birth_date,
        sex=sex,
        serial=serial,
        problems=tuple(problems),
    )


def parse_kk(raw: str, *, known_district: Callable[[str], bool] | None = None) -> ParsedKk:
    """Parse a KK number; never raises on text input, all findings are in ``problems``."""
    cleaned = normalize_digits(raw)
    problems = _check_shape(cleaned, "KK")
    if problems:
        return ParsedKk(cleaned, "", tuple(problems))
    problems = _check_region(cleaned, "KK", known_district)
    if cleaned[6:] == "0" * 10:
        problems.append(
            _error(
                "serial",
                "Nomor registrasi pada KK tidak boleh semua nol (10 digit terakhir).",
                "The registration number in the KK must not be all zeros (last 10 digits).",
            )
        )
    return ParsedKk(
        value=cleaned,
        district_code=f"{cleaned[0:2]}.{cleaned[2:4]}.{cleaned[4:6]}",
        problems=tuple(problems),
    )
