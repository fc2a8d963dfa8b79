"""Data errors injected into the registry copy of a chunk, each labelled with its true value:
name typos, day and month of birth swapped, NIK missing or wrong, the same person registered
again in a household of another village, people who moved or died (the civil registry knows;
the registry does not). At most one error per record, so every label is unambiguous."""

from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa

from .name_data import VARIANTS
from .people import HEAD, REFERENCE_DATE, ymd

NO_DATE = np.iinfo(np.int64).min
ERROR_TYPES = ("deceased", "moved", "duplicate", "nik_missing", "nik_wrong",
               "birth_date_swapped", "name_typo")
VOWELS = "aeiou"


@dataclass(frozen=True)
class ErrorRates:
    """Share of registry members with each error (swapped birth dates: share of those whose
    day is 12 or less, the only dates where a swap yields a real date)."""

    deceased: float = 0.01
    moved: float = 0.02
    duplicate: float = 0.015
    nik_missing: float = 0.04
    nik_wrong: float = 0.02
    birth_date_swapped: float = 0.05
    name_typo: float = 0.04


@dataclass
class RegistryRows:
    """The chunk's registry members before errors (aligned arrays)."""

    household: np.ndarray  # registry household number within the chunk
    family: np.ndarray  # registry family number within the chunk
    family_order: np.ndarray
    village: np.ndarray  # index into Villages
    role: np.ndarray
    age: np.ndarray
    birth_days: np.ndarray
    nik: np.ndarray  # int64
    name: pa.Array


@dataclass
class Injected:
    nik: np.ndarray  # str objects, '' where missing
    name: np.ndarray  # str objects
    birth_days: np.ndarray
    duplicate_of: np.ndarray  # row copied by each duplicate record
    duplicate_host: np.ndarray  # row whose household, family and village the copy joins
    duplicate_order: np.ndarray  # family_order of the copy in its host family
    moved_to: np.ndarray  # new village index per row, -1 if not moved
    died_on: np.ndarray  # death day per row, NO_DATE if alive
    truth: dict[str, list] = field(default_factory=dict)  # columns of errors_truth.parquet


def _dates_from(year: np.ndarray, month: np.ndarray, day: np.ndarray) -> np.ndarray:
    months = ((year - 1970) * 12 + month - 1).astype("datetime64[M]")
    return months.astype("datetime64[D]").astype(np.int64) + day - 1


def iso(days: int) -> str:
    return str(np.datetime64(int(days), "D"))


def _typo(name: str, r: np.ndarray) -> str:
    """A 1-2 letter slip of the pen, or a common respelling ('Muhammad' -> 'Moch.')."""
    words = name.split(" ")
    for i, w in enumerate(words):
        variants = [v for v, _ in VARIANTS.get(w, []) if v != w]
        if variants and r[0] < 0.5:
            words[i] = variants[int(r[1] * len(variants))]
            return " ".join(words)
    letters = [i for i, ch in enumerate(name) if ch.isalpha()]
    i = letters[int(r[2] * len(letters))]
    kind = int(r[3] * 4)
    if kind == 0 and len(letters) > 3:
        out = name[:i] + name[i + 1:]
    elif kind == 1:
        out = name[:i] + name[i] + name[i:]
    elif kind == 2 and i + 1 < len(name) and name[i + 1].isalpha() and name[i + 1] != name[i]:
        out = name[:i] + name[i + 1] + name[i] + name[i + 2:]
    else:
        ch = name[i]
        repl = VOWELS[(VOWELS.find(ch.lower()) + 1 + int(r[4] * 4)) % 5] if ch.lower() in VOWELS \
            else "aiueo"[int(r[4] * 5)]
        out = name[:i] + (repl.upper() if ch.isupper() else repl) + name[i + 1:]
    return out if out != name else name + name[-1]


def _wrong_nik(nik: str, other: str, r: np.ndarray) -> str:
    """A NIK typed wrong: a digit, two digits of the date swapped, a relative's NIK, a digit
    dropped, or the letter O for a zero (never longer than the 16 characters stored)."""
    kind = int(r[0] * 20)
    if kind < 7:
        i = 12 + int(r[1] * 4)
        out = nik[:i] + str((int(nik[i]) + 1 + int(r[2] * 9)) % 10) + nik[i + 1:]
    elif kind < 13:
        i = 6 + int(r[1] * 5)
        out = nik[:i] + nik[i + 1] + nik[i] + nik[i + 2:]
    elif kind < 17 and other and other != nik:
        out = other
    elif kind < 19:
        out = nik[:-1]
    else:
        out = nik.replace("0", "O", 1)
    return out if out != nik else nik[:-1]


def inject(rng: np.random.Generator, rows: RegistryRows, first_member_id: int,
           village_codes: np.ndarray, villages_in_chunk: np.ndarray, rates: ErrorRates
           ) -> Injected:
    """Errors for the rows whose member ids run from `first_member_id`; duplicates get the ids
    after the last row. `villages_in_chunk` (indices into `village_codes`) are where people
    move to and where duplicates turn up."""
    n = len(rows.role)
    free = np.ones(n, dtype=bool)

    def pick(p: np.ndarray | float) -> np.ndarray:
        chosen = free & (rng.random(n) < p)
        free[chosen] = False
        return chosen

    old_weight = 0.2 + 5 * (rows.age >= 60) + 10 * (rows.age >= 75)
    died = pick(rates.deceased * old_weight / max(old_weight.mean(), 1e-9))
    can_move = (rows.role != HEAD) & (rows.age >= 15)
    moved = pick(rates.moved * can_move / max(can_move.mean(), 1e-9))
    duplicate = pick(rates.duplicate)
    missing = pick(rates.nik_missing)
    wrong = pick(rates.nik_wrong)
    year, month, day = ymd(rows.birth_days)
    swapped = pick(rates.birth_date_swapped * ((day <= 12) & (day != month)))
    typo = pick(rates.name_typo)

    truth: dict[str, list] = {"member_id": [], "error_type": [], "field": [], "true_value": [],
                              "recorded_value": []}

    def label(idx: np.ndarray, kind: str, fld: str, true: list, recorded: list) -> None:
        truth["member_id"] += (first_member_id + idx).tolist()
        truth["error_type"] += [kind] * len(idx)
        truth["field"] += [fld] * len(idx)
        truth["true_value"] += true
        truth["recorded_value"] += recorded

    # Object arrays: Arrow converts them in C, and only the few spoiled entries are touched.
    true_nik = pa.array(rows.nik).cast(pa.string()).to_numpy(zero_copy_only=False)
    nik = true_nik.copy()
    true_name = rows.name.to_numpy(zero_copy_only=False)
    name = true_name.copy()
    birth_days = rows.birth_days.copy()
    r = rng.random((n, 5))

    idx = np.flatnonzero(died)
    ref = REFERENCE_DATE.astype(np.int64)
    died_on = np.full(n, NO_DATE, dtype=np.int64)
    died_on[idx] = np.maximum(ref - 1 - (r[idx, 0] * 4 * 365).astype(np.int64), birth_days[idx])
    label(idx, "deceased", "death_date", [iso(d) for d in died_on[idx]], [""] * len(idx))

    idx = np.flatnonzero(moved)
    moved_to = np.full(n, -1, dtype=np.int64)
    choices = villages_in_chunk[(r[idx, 0] * len(villages_in_chunk)).astype(np.int64)]
    if len(villages_in_chunk) > 1:
        clash = choices == rows.village[idx]
        alt = villages_in_chunk[(r[idx, 1] * len(villages_in_chunk)).astype(np.int64)]
        choices = np.where(clash, alt, choices)
    moved_to[idx] = choices
    label(idx, "moved", "village_code", village_codes[choices].tolist(),
          village_codes[rows.village[idx]].tolist())

    idx = np.flatnonzero(missing)
    nik[idx] = ""
    label(idx, "nik_missing", "nik", true_nik[idx].tolist(), [""] * len(idx))

    idx = np.flatnonzero(wrong)
    for i in idx:
        other = true_nik[i - 1] if i > 0 and rows.household[i - 1] == rows.household[i] else ""
        nik[i] = _wrong_nik(true_nik[i], other, r[i])
    label(idx, "nik_wrong", "nik", true_nik[idx].tolist(), nik[idx].tolist())

    idx = np.flatnonzero(swapped)
    birth_days[idx] = _dates_from(year[idx], day[idx], month[idx])
    label(idx, "birth_date_swapped", "birth_date", [iso(d) for d in rows.birth_days[idx]],
          [iso(d) for d in birth_days[idx]])

    idx = np.flatnonzero(typo)
    for i in idx:
        name[i] = _typo(name[i], r[i])
    label(idx, "name_typo", "name", true_name[idx].tolist(), name[idx].tolist())

    source = np.flatnonzero(duplicate)
    host = _hosts(rng, rows.village, source)
    order = _appended_order(rows.family, rows.family_order, rows.family[host])
    label(n + np.arange(len(source)), "duplicate", "member_id",
          [str(first_member_id + i) for i in source], [""] * len(source))
    return Injected(nik, name, birth_days, source, host, order, moved_to, died_on, truth)


def _hosts(rng: np.random.Generator, village: np.ndarray, source: np.ndarray) -> np.ndarray:
    """For each duplicated row, a row of another village (if the chunk has one) to join."""
    n = len(village)
    host = rng.integers(0, n, len(source)) if n else np.zeros(0, dtype=np.int64)
    for _ in range(8):
        clash = village[host] == village[source]
        if not clash.any():
            break
        host[clash] = rng.integers(0, n, clash.sum())
    return host


def _appended_order(family: np.ndarray, family_order: np.ndarray, host_family: np.ndarray
                    ) -> np.ndarray:
    """family_order for records appended to host families, after the existing members."""
    if len(host_family) == 0:
        return np.zeros(0, dtype=np.int64)
    last = np.zeros(family.max() + 1, dtype=np.int64)
    np.maximum.at(last, family, family_order)
    order = np.argsort(host_family, kind="stable")
    rank = np.empty(len(host_family), dtype=np.int64)
    sorted_fam = host_family[order]
    starts = np.flatnonzero(np.r_[True, sorted_fam[1:] != sorted_fam[:-1]])
    rank[order] = np.arange(len(order)) - np.repeat(starts, np.diff(np.r_[starts, len(order)]))
    return last[host_family] + 1 + rank
