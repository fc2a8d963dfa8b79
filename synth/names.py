"""Drawing Indonesian names in bulk: the lists of name_data.py flattened into weighted pools,
sampled with numpy and joined with Arrow, so a million names cost a few array operations."""

import re
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from .name_data import (
    DEFAULT_GROUPS,
    GROUPS,
    OLD_SPELLING,
    OLD_SPELLING_GROUPS,
    PROVINCE_GROUPS,
    VARIANTS,
)

GROUP_NAMES = list(GROUPS)
GROUP_INDEX = {name: i for i, name in enumerate(GROUP_NAMES)}
BALINESE = GROUP_INDEX["balinese"]
# Birth cohorts: before 1965, 1965-1989, 1990 on. Modern names and old spellings follow them.
COHORT_START_YEARS = (1965, 1990)
MODERN_WEIGHT = (0.05, 0.6, 3.0)
OLD_SPELLING_SHARE = (0.4, 0.1, 0.01)
_OLD = re.compile("|".join(sorted(OLD_SPELLING, key=len, reverse=True)), re.IGNORECASE)


def old_spelling(name: str) -> str:
    """The pre-1972 spelling of a modern name: 'Cahyo' -> 'Tjahjo', 'Yusuf' -> 'Joesoef'."""

    def swap(m: re.Match) -> str:
        old = OLD_SPELLING[m.group().lower()]
        return old.capitalize() if m.group()[0].isupper() else old

    return _OLD.sub(swap, name)


@dataclass(frozen=True)
class Pool:
    """Name strings in one flat array; combination c owns a contiguous run of entries whose
    cumulative weights rise from c to c + 1, so one searchsorted call samples every person."""

    strings: pa.Array
    cum: np.ndarray
    last: np.ndarray  # index of each combination's last entry

    def draw(self, rng: np.random.Generator, combo: np.ndarray) -> np.ndarray:
        idx = np.searchsorted(self.cum, combo + rng.random(len(combo)), side="right")
        return np.minimum(idx, self.last[combo])


def _pool(combos: list[list[tuple[str, float]]]) -> Pool:
    strings: list[str] = []
    cum: list[np.ndarray] = []
    last = np.zeros(len(combos), dtype=np.int64)
    for c, entries in enumerate(combos):
        weights = np.array([w for _, w in entries], dtype=np.float64)
        if len(entries):
            run = c + np.cumsum(weights) / weights.sum()
            run[-1] = c + 1.0
            cum.append(run)
        strings.extend(s for s, _ in entries)
        last[c] = len(strings) - 1
    return Pool(pa.array(strings, pa.string()), np.concatenate(cum), last)


def _spellings(name: str, group: str, cohort: int) -> list[tuple[str, float]]:
    out = []
    for variant, w in VARIANTS.get(name, [(name, 1.0)]):
        spellable = group in OLD_SPELLING_GROUPS and "." not in variant
        old = old_spelling(variant) if spellable else variant
        if old != variant:
            share = OLD_SPELLING_SHARE[cohort]
            out += [(variant, w * (1 - share)), (old, w * share)]
        else:
            out.append((variant, w))
    return out


def _given(group: str, sex: str, cohort: int, second: bool) -> list[tuple[str, float]]:
    spec = GROUPS[group]
    traditional = spec.get(f"second_{sex}") if second else None
    modern = [] if traditional else spec.get(f"{sex}_modern", [])
    traditional = traditional or spec[sex]
    entries = []
    for names, factor in ((traditional, 1.0), (modern, MODERN_WEIGHT[cohort])):
        for rank, name in enumerate(names):
            base = factor / (rank + 4)  # Zipf-like: the first names of a list are the common ones
            entries += [(s, base * w) for s, w in _spellings(name, group, cohort)]
    return entries


@dataclass(frozen=True)
class NamePools:
    first: Pool  # combo (group, sex, cohort)
    second: Pool  # combo (group, sex, cohort)
    surname: Pool  # combo group
    birth_order: Pool  # Balinese birth-order names, combo (sex, order 0-3)
    particle: Pool  # Batak women's 'br.'/'boru', combo group
    p_second: np.ndarray
    p_surname: np.ndarray
    p_particle: np.ndarray


def given_combo(group: np.ndarray, female: np.ndarray, cohort: np.ndarray) -> np.ndarray:
    return (group * 2 + female) * len(MODERN_WEIGHT) + cohort


@lru_cache(maxsize=1)
def pools() -> NamePools:
    """All name pools (built once per process)."""
    given = [(g, s, c) for g in GROUP_NAMES for s in ("male", "female") for c in range(3)]
    bali = GROUPS["balinese"]
    orders = [[(n, 1.0) for n in bali[key][o]] for key in ("birth_order", "female_birth_order")
              for o in range(4)]
    ranked = [[(n, 1 / (r + 6)) for r, n in enumerate(GROUPS[g].get("surnames", []))]
              for g in GROUP_NAMES]
    return NamePools(
        first=_pool([_given(g, s, c, second=False) for g, s, c in given]),
        second=_pool([_given(g, s, c, second=True) for g, s, c in given]),
        surname=_pool(ranked),
        birth_order=_pool(orders),
        particle=_pool([[(p, 1.0) for p in GROUPS[g].get("female_particle", [])]
                        for g in GROUP_NAMES]),
        p_second=np.array([GROUPS[g].get("p_second", 0.4) for g in GROUP_NAMES]),
        p_surname=np.array([GROUPS[g].get("p_surname", 0.0) for g in GROUP_NAMES]),
        p_particle=np.array([GROUPS[g].get("p_female_particle", 0.0) for g in GROUP_NAMES]),
    )


def province_group_probs(province_code: str) -> np.ndarray:
    weights = PROVINCE_GROUPS.get(province_code, DEFAULT_GROUPS)
    p = np.array([weights.get(g, 0.0) for g in GROUP_NAMES])
    return p / p.sum()


def cohort_of(birth_year: np.ndarray) -> np.ndarray:
    return np.searchsorted(np.array(COHORT_START_YEARS), birth_year, side="right")


def draw_surnames(rng: np.random.Generator, group: np.ndarray) -> np.ndarray:
    """A family name index per row (-1 where the tradition uses none)."""
    p = pools()
    has = rng.random(len(group)) < p.p_surname[group]
    out = np.full(len(group), -1, dtype=np.int64)
    out[has] = p.surname.draw(rng, group[has])
    return out


def _take(strings: pa.Array, idx: np.ndarray, present: np.ndarray) -> pa.Array:
    return strings.take(pa.array(np.where(present, idx, 0), mask=~present))


def compose(
    rng: np.random.Generator,
    group: np.ndarray,
    female: np.ndarray,
    birth_year: np.ndarray,
    birth_order: np.ndarray,
    surname: np.ndarray,
) -> pa.Array:
    """Full names for people of the given traditions; `surname` is an index from
    draw_surnames (children pass their father's), `birth_order` 0.. among siblings."""
    p = pools()
    n = len(group)
    cohort = cohort_of(birth_year)
    combo = given_combo(group, female.astype(np.int64), cohort)
    first = p.first.strings.take(pa.array(p.first.draw(rng, combo)))
    has_second = rng.random(n) < p.p_second[group]
    second = _take(p.second.strings, p.second.draw(rng, combo), has_second)
    second = pc.if_else(pc.equal(first, second), pa.scalar(None, pa.string()), second)
    bali = group == BALINESE
    order_combo = female.astype(np.int64) * 4 + np.minimum(birth_order, 3)
    order = _take(p.birth_order.strings, p.birth_order.draw(rng, order_combo), bali)
    title = pc.if_else(pa.array(female), "Ni", "I")
    title = pc.if_else(pa.array(bali), title, pa.scalar(None, pa.string()))
    has_surname = surname >= 0
    has_particle = female & has_surname & (rng.random(n) < p.p_particle[group])
    particle = _take(p.particle.strings, p.particle.draw(rng, group), has_particle)
    family = _take(p.surname.strings, surname, has_surname)
    return pc.binary_join_element_wise(
        title, order, first, second, particle, family, " ", null_handling="skip"
    )


def name_keys(names: pa.Array) -> pa.Array:
    """registry.names.name_key for a column of ASCII names, computed by Arrow."""
    upper = pc.utf8_upper(pc.replace_substring(names, "-", " "))
    letters = pc.replace_substring_regex(upper, r"[^A-Z ]+", "")
    return pc.utf8_trim_whitespace(pc.replace_substring_regex(letters, r"\s+", " "))
