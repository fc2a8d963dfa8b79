"""The people of a chunk of households, as arrays: who lives with whom (head, spouse, children,
elderly parents, other relatives, a married child's family on its own KK), ages and birth
dates, relations, marital status, pregnancy, disability, illness, schooling, work, names, NIK
and KK numbers. No Python loop runs per person or per household."""

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from . import names
from .regions import Villages
from .sample import bernoulli, categorical, choice, normal_cdf, rank_within

REFERENCE_DATE = np.datetime64("2025-07-01", "D")  # the day the population is observed
MAX_AGE = 94  # a NIK's 2-digit year must not read as this century (see identity.parse_nik)
YEAR_DAYS = 365.2425

HEAD, SPOUSE, CHILD, PARENT, OTHER, MARRIED_CHILD, CHILD_IN_LAW, GRANDCHILD = range(8)
RELATION_TO_HEAD = np.array([1, 2, 3, 6, 8, 3, 4, 5])
MIGRANT_SHARE = np.array([0.08, 0.15, 0.03, 0.2, 0.25, 0.05, 0.3, 0.02])  # NIK from elsewhere

DISABILITY_WEIGHTS = [30, 18, 10, 6, 5, 3, 1, 1, 1, 10, 8, 7]  # codes 1..12
ILLNESS_WEIGHTS = [35, 15, 8, 8, 12, 4, 5, 3, 9, 1]  # codes 1..10
# Highest certificate (codes 0..6) of adults by age band 25-34, 35-44, 45-59, 60+.
EDUCATION_SHARES = np.array([
    [0.03, 0.15, 0.20, 0.40, 0.04, 0.16, 0.02],
    [0.05, 0.25, 0.20, 0.33, 0.03, 0.12, 0.02],
    [0.10, 0.38, 0.16, 0.24, 0.03, 0.08, 0.01],
    [0.30, 0.45, 0.09, 0.10, 0.02, 0.035, 0.005],
])
# Sectors 1..21 of work by sex and education band (SD or less, SMP/SMA, diploma or more) in a
# kelurahan; in a desa the farming and fishing sectors weigh AGRI_RURAL_FACTOR times more.
SECTOR_URBAN = np.array([
    [3, 1, 1, 1, .5, 1, .5, 1.5, 14, .3, 16, 20, 6, 12, .3, .2, .5, .3, 9, 1.5, 5],
    [1.5, .5, .5, .5, .3, .5, .3, 1.5, 16, 1, 9, 22, 7, 12, 2, 2, 2, 1.5, 14, .2, 4],
    [.5, .2, .5, .1, .1, .2, .2, 1.5, 10, 2, 3, 12, 3, 4, 6, 7, 15, 7, 22, 0, 3],
    [3, 1.5, 1, .2, .3, 1, .3, .2, 16, .1, .5, 32, 14, 1, .3, .3, 1, 1, 18, 1, 7],
    [1, .5, .5, .1, .2, .3, .2, .3, 14, .3, .5, 30, 12, 1.5, 2, 3, 5, 4, 20, .1, 4],
    [.3, .2, .3, 0, .1, .1, .1, .5, 6, 1, 1, 12, 3, 1, 4, 7, 30, 14, 15, 0, 3],
])
AGRI_RURAL_FACTOR = np.r_[np.full(7, 12.0), 2.0, np.ones(11), 0.2, 1.0]
AGRI_SECTORS = 7  # sectors 1..7 are farming, fishing, livestock, forestry
PUBLIC_SECTORS = np.array([10, 16, 17, 18, 19])  # where civil servants and SOE staff work
CIVIL_SERVANT, EMPLOYER_PERMANENT = 5, 3
# Employment status 1..8 by sector kind (farm, public-facing, other) and sex.
STATUS_BASE = np.array([
    [.45, .15, .01, .03, .005, .28, .02, .055],
    [.30, .05, .005, .02, .003, .22, .01, .39],
    [.12, .02, .01, .33, .45, 0, .06, .01],
    [.15, .02, .01, .35, .42, 0, .03, .02],
    [.38, .05, .015, .37, .01, .005, .16, .01],
    [.45, .04, .01, .32, .01, .005, .08, .08],
])
# Multipliers on some status columns (civil servant, employer, employee, casual) by education.
STATUS_EDUCATION = {5: (0.03, 0.35, 1.6), 3: (0.5, 1.0, 2.5), 4: (0.8, 1.1, 1.2),
                    6: (1.5, 0.8, 0.2), 7: (1.5, 0.8, 0.2)}
WORK_SHARE = {  # (male, female) by age band 15-19, 20-24, 25-54, 55-64, 65-74, 75+
    "bands": [15, 20, 25, 55, 65, 75],
    "male": [0.45, 0.7, 0.93, 0.8, 0.55, 0.25],
    "female": [0.3, 0.45, 0.55, 0.45, 0.25, 0.08],
}


@dataclass
class Households:
    """The chunk's households (index = local household number)."""

    village: np.ndarray  # index into Villages
    size: np.ndarray
    z: np.ndarray


@dataclass
class People:
    household: np.ndarray  # local household number
    family: np.ndarray  # local family number
    role: np.ndarray
    female: np.ndarray
    birth_days: np.ndarray  # days since 1970-01-01
    age: np.ndarray  # whole years on REFERENCE_DATE
    relation_to_household_head: np.ndarray
    relation_to_family_head: np.ndarray
    family_order: np.ndarray
    marital_status: np.ndarray
    pregnant: np.ndarray
    disability: np.ndarray
    chronic_illness: np.ndarray
    school_participation: np.ndarray
    education: np.ndarray
    work_sector: np.ndarray
    employment_status: np.ndarray
    issue_district: np.ndarray  # index into Villages.district_code: first 6 digits of the NIK
    nik: np.ndarray  # int64, 16 digits
    name: pa.Array
    birth_place: pa.Array

    def __len__(self) -> int:
        return len(self.household)


@dataclass
class Families:
    household: np.ndarray  # local household number
    kk: np.ndarray  # int64, 16 digits


def ymd(days: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Year, month, day of day numbers (days since 1970-01-01)."""
    d = days.astype("datetime64[D]")
    months = d.astype("datetime64[M]")
    year = d.astype("datetime64[Y]").astype(np.int64) + 1970
    month = months.astype(np.int64) % 12 + 1
    day = (d - months).astype(np.int64) + 1
    return year, month, day


def age_on_reference(days: np.ndarray) -> np.ndarray:
    year, month, day = ymd(days)
    ref_y, ref_m, ref_d = (int(v[0]) for v in ymd(np.array([REFERENCE_DATE.astype(np.int64)])))
    return ref_y - year - ((month > ref_m) | ((month == ref_m) & (day > ref_d)))


# --- who lives together ---------------------------------------------------------------


@dataclass
class _Composition:
    spouse: np.ndarray
    children: np.ndarray
    parents: np.ndarray
    other: np.ndarray
    two: np.ndarray  # a married child with their own KK lives here
    grand: np.ndarray


def _composition(rng: np.random.Generator, size: np.ndarray) -> _Composition:
    n = len(size)
    rem = size - 1
    spouse = ((rem >= 1) & bernoulli(rng, 0.84, n)).astype(np.int64)
    rem = rem - spouse
    two = ((rem >= 2) & bernoulli(rng, 0.2, n)).astype(np.int64)
    grand = np.where(two == 1, np.minimum(rem - 2, rng.integers(0, 4, n)), 0)
    rem = rem - 2 * two - grand
    parents = np.minimum(rem, choice(rng, [0, 1, 2], [0.87, 0.1, 0.03], n))
    rem = rem - parents
    other = np.minimum(rem, bernoulli(rng, 0.07, n).astype(np.int64))
    return _Composition(spouse, rem - other, parents, other, two, grand)


def _roles(size: np.ndarray, c: _Composition) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Household number, role and rank within the role block of every person."""
    hh = np.repeat(np.arange(len(size)), size)
    slot = np.arange(len(hh)) - np.repeat(np.cumsum(size) - size, size)
    bounds = np.cumsum(
        np.stack([np.ones_like(size), c.spouse, c.children, c.parents, c.other, c.two, c.two], 1),
        axis=1,
    )[hh]
    role = (slot[:, None] >= bounds).sum(axis=1)
    block_start = np.where(role == 0, 0, bounds[np.arange(len(hh)), np.maximum(role - 1, 0)])
    return hh, role, slot - block_start


@dataclass
class _Ages:
    head: np.ndarray
    head_female: np.ndarray
    spouse: np.ndarray
    mother: np.ndarray
    parent: np.ndarray
    married_child: np.ndarray
    married_child_female: np.ndarray
    in_law: np.ndarray


def _household_ages(rng: np.random.Generator, size: np.ndarray, c: _Composition) -> _Ages:
    n = len(size)
    single = size == 1
    young_single = bernoulli(rng, 0.4, n)
    head = np.clip(rng.normal(44, 12, n), 19, 85)
    head = np.where(c.two == 1, rng.uniform(48, 80, n), head)
    head = np.where(single, np.where(young_single, rng.uniform(19, 35, n), rng.uniform(55, 90, n)),
                    head)
    head = np.where(c.parents > 0, np.minimum(head, rng.uniform(22, 58, n)), head)
    head_female = np.where(
        c.spouse == 1, bernoulli(rng, 0.04, n),
        np.where(single & ~young_single, bernoulli(rng, 0.65, n), bernoulli(rng, 0.55, n)),
    )
    gap = np.abs(rng.normal(4, 4, n))
    spouse = np.clip(np.where(head_female, head + gap, head - gap), 17, MAX_AGE)
    mother = np.where(head_female, head, np.where(c.spouse == 1, spouse, head - 4))
    married_child = np.maximum(head - rng.uniform(20, 30, n), 18)
    mc_female = bernoulli(rng, 0.45, n)
    in_law = np.maximum(married_child + np.where(mc_female, 3, -3) + rng.normal(0, 2, n), 17)
    parent = np.minimum(head + rng.uniform(20, 32, n), MAX_AGE - 3)
    return _Ages(head, head_female, spouse, np.maximum(mother, 17), parent, married_child,
                 mc_female, in_law)


def _person_ages(
    rng: np.random.Generator, hh: np.ndarray, role: np.ndarray, rank: np.ndarray,
    c: _Composition, a: _Ages,
) -> tuple[np.ndarray, np.ndarray]:
    """Age (fractional years) and sex of every person from their role."""
    n = len(hh)
    u = rng.random(n)
    grandchildren_mother = np.where(a.married_child_female, a.married_child, a.in_law)[hh]

    def between(lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
        lo = np.maximum(lo, 0)
        return lo + u * np.maximum(hi - lo, 0.2)

    pair = c.parents[hh] == 2
    age = np.select(
        [role == HEAD, role == SPOUSE, role == CHILD, role == PARENT, role == OTHER,
         role == MARRIED_CHILD, role == CHILD_IN_LAW],
        [a.head[hh], a.spouse[hh], between(a.mother[hh] - 44, a.mother[hh] - 16),
         a.parent[hh] + 3 * (pair & (rank == 0)), 3 + 72 * u, a.married_child[hh], a.in_law[hh]],
        between(grandchildren_mother - 44, grandchildren_mother - 16),
    )
    coin = rng.random(n)
    female = np.select(
        [role == HEAD, role == SPOUSE, role == PARENT, role == MARRIED_CHILD,
         role == CHILD_IN_LAW],
        [a.head_female[hh], ~a.head_female[hh], np.where(pair, rank == 1, coin < 0.7),
         a.married_child_female[hh], ~a.married_child_female[hh]],
        coin < 0.49,
    )
    return np.minimum(age, MAX_AGE + 0.5), female


def _birth_days(rng: np.random.Generator, age: np.ndarray) -> np.ndarray:
    ref = REFERENCE_DATE.astype(np.int64)
    days = ref - np.floor(age * YEAR_DAYS).astype(np.int64)
    # Many older people only know their birth year and are registered on 1 January.
    year = ymd(days)[0]
    unknown = (year < 1960) & bernoulli(rng, 0.15, len(days))
    jan1 = (year - 1970).astype("datetime64[Y]").astype("datetime64[D]").astype(np.int64)
    return np.where(unknown, jan1, days)


# --- attributes -------------------------------------------------------------------------


def _marital(rng: np.random.Generator, role: np.ndarray, age: np.ndarray, spouse: np.ndarray,
             pair: np.ndarray) -> np.ndarray:
    n = len(role)
    band = np.digitize(age, [30, 60])
    lone_head = categorical(rng, np.array([[.7, .2, .1], [.15, .4, .45], [.03, .12, .85]]), band)
    adult_child = categorical(rng, np.array([[.92, .06, .02]]), np.zeros(n, dtype=np.int64))
    other = categorical(rng, np.array([[.4, .3, .1, .2]]), np.zeros(n, dtype=np.int64))
    single = np.array([1, 3, 4])
    return np.select(
        [role == HEAD, np.isin(role, [SPOUSE, MARRIED_CHILD, CHILD_IN_LAW]), role == PARENT,
         age < 17, role == OTHER],
        [np.where(spouse, 2, single[lone_head]), 2, np.where(pair, 2, 4), 1, other + 1],
        single[adult_child],
    )


def _health(rng: np.random.Generator, female: np.ndarray, age: np.ndarray,
            marital: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    n = len(age)
    fertile = female & (marital == 2) & (age >= 15) & (age <= 49)
    p_preg = np.array([0.08, 0.1, 0.09, 0.07, 0.04, 0.015, 0.003])[
        np.clip((age - 15) // 5, 0, 6)]
    pregnant = fertile & (rng.random(n) < p_preg)
    p_dis = np.array([0.008, 0.018, 0.07, 0.18])[np.digitize(age, [18, 60, 75])]
    kind = choice(rng, range(1, 13), DISABILITY_WEIGHTS, n)
    disability = np.where(rng.random(n) < p_dis, kind, 0)
    p_ill = np.array([0.01, 0.03, 0.14, 0.32])[np.digitize(age, [15, 40, 60])]
    illness = np.where(rng.random(n) < p_ill, choice(rng, range(1, 11), ILLNESS_WEIGHTS, n), 0)
    return pregnant, disability, illness


def _schooling(rng: np.random.Generator, age: np.ndarray, z: np.ndarray
               ) -> tuple[np.ndarray, np.ndarray]:
    """School participation (0 never, 1 in school, 2 left) and highest certificate, consistent
    with age: SD 7-12, SMP 13-15, SMA 16-18; richer households stay in school longer."""
    n = len(age)
    u = normal_cdf(0.55 * z + np.sqrt(1 - 0.55**2) * rng.standard_normal(n))
    band = np.clip(np.digitize(age, [35, 45, 60]), 0, 3)
    cum = np.cumsum(EDUCATION_SHARES, axis=1)
    adult_edu = (u[:, None] > cum[band][:, :-1]).sum(axis=1)
    cap = np.select([age <= 20, age <= 22, age <= 24], [3, 4, 5], 6)
    adult_edu = np.minimum(adult_edu, cap)
    never = bernoulli(rng, 0.55, n)
    adult_part = np.where(adult_edu == 0, np.where(never, 0, 2), 2)
    conditions = [age < 6, age == 6, age <= 12, age <= 15, age <= 18, age <= 24]
    in_school = np.select(
        conditions, [False, u > 0.65, u > 0.015, u > 0.08, u > 0.25, u > 0.78], False)
    left_edu = np.select(conditions[3:5], [np.where(u > 0.02, 1, 0), np.where(u > 0.12, 2, 1)],
                         adult_edu)
    edu_in_school = np.select(conditions[:3] + conditions[3:6], [0, 0, 0, 1, 2, 3], 3)
    part = np.select(
        [in_school, age <= 6, age <= 12, age <= 18], [1, 0, 0, 2], adult_part)
    edu = np.select([in_school, age <= 12], [edu_in_school, 0], left_edu)
    return part, edu


def _work(rng: np.random.Generator, age: np.ndarray, female: np.ndarray, urban: np.ndarray,
          education: np.ndarray, in_school: np.ndarray, disabled: np.ndarray, z: np.ndarray
          ) -> tuple[np.ndarray, np.ndarray]:
    """Sector and employment status; civil servants and employers come mostly from better-off
    households, so exclusion lists touch the registry only at its edge."""
    n = len(age)
    band = np.clip(np.digitize(age, WORK_SHARE["bands"]) - 1, 0, 5)
    p = np.where(female, np.array(WORK_SHARE["female"])[band], np.array(WORK_SHARE["male"])[band])
    p = np.where(in_school, 0.05, p) * np.where(disabled, 0.5, 1.0)
    works = (age >= 15) & (rng.random(n) < p)
    edu_band = np.digitize(education, [2, 4])
    tables = np.vstack([SECTOR_URBAN, SECTOR_URBAN * AGRI_RURAL_FACTOR])
    row = (~urban) * 6 + female * 3 + edu_band
    sector = categorical(rng, tables, row) + 1
    kind = np.where(sector <= AGRI_SECTORS, 0, np.where(np.isin(sector, PUBLIC_SECTORS), 1, 2))
    status_tables = np.repeat(STATUS_BASE, 3, axis=0)
    for column, factors in STATUS_EDUCATION.items():
        status_tables[:, column - 1] *= np.tile(factors, len(STATUS_BASE))
    status = categorical(rng, status_tables, ((kind * 2 + female) * 3 + edu_band)) + 1
    # Redraw civil servant and employer statuses with odds that grow with consumption.
    keep = rng.random(n) < np.minimum(1.0, 0.35 * np.exp(1.1 * z))
    elite = np.isin(status, [CIVIL_SERVANT, EMPLOYER_PERMANENT])
    fallback = np.where(kind == 0, 1, 4)  # own-account farmer / private employee
    status = np.where(elite & ~keep, fallback, status)
    return np.where(works, sector, 0), np.where(works, status, 0)


# --- names, NIK, KK ---------------------------------------------------------------------


def _serials(key: np.ndarray) -> np.ndarray:
    """1-based serial of each element among those with the same key, in input order."""
    order = np.argsort(key, kind="stable")
    serial = np.empty(len(key), dtype=np.int64)
    serial[order] = rank_within(key[order]) + 1
    if len(key) and serial.max() > 9999:
        raise ValueError("more than 9999 people share a district, birth date and sex")
    return serial


def _date_digits(days: np.ndarray, female: np.ndarray | None = None) -> np.ndarray:
    """DDMMYY as an integer; women's day + 40 as in a NIK."""
    year, month, day = ymd(days)
    if female is not None:
        day = day + 40 * female
    return day * 10_000 + month * 100 + year % 100


def _niks(rng: np.random.Generator, villages: Villages, home: np.ndarray, role: np.ndarray,
          female: np.ndarray, birth_days: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """NIKs issued in the home district, or for some migrants in another district of the chunk
    (chunks hold whole districts, so serials numbered here are unique in the whole run)."""
    issue = home.copy()
    districts = np.unique(home)
    if len(districts) > 1:
        moved = rng.random(len(home)) < MIGRANT_SHARE[role]
        issue[moved] = districts[rng.integers(0, len(districts), moved.sum())]
    key = (issue * 65_536 + birth_days + 40_000) * 2 + female
    serial = _serials(key)
    birth = _date_digits(birth_days, female)
    nik = villages.district_number[issue] * 10**10 + birth * 10**4 + serial
    return nik, issue


def _kks(rng: np.random.Generator, villages: Villages, district: np.ndarray,
         second: np.ndarray) -> np.ndarray:
    """KK numbers: issuing district, registration date DDMMYY, serial per district and date."""
    ref = REFERENCE_DATE.astype(np.int64)
    start = np.where(second, np.datetime64("2015-01-01", "D"), np.datetime64("2008-01-01", "D"))
    start = start.astype(np.int64)
    days = start + np.floor(rng.random(len(district)) * (ref - start)).astype(np.int64)
    serial = _serials(district * 65_536 + days + 40_000)
    return villages.district_number[district] * 10**10 + _date_digits(days) * 10**4 + serial


def _names(rng: np.random.Generator, villages: Villages, hh: np.ndarray, role: np.ndarray,
           female: np.ndarray, birth_days: np.ndarray, households: Households,
           a: _Ages) -> pa.Array:
    provinces, district_province = np.unique(villages.district_province.astype(str),
                                             return_inverse=True)
    province_idx = district_province[villages.district[households.village]]
    probs = np.array([names.province_group_probs(p) for p in provinces])
    group_hh = categorical(rng, probs, province_idx)
    group = group_hh[hh]
    patri = names.draw_surnames(rng, group_hh)
    in_law_family = names.draw_surnames(rng, group_hh)
    own = names.draw_surnames(rng, group)
    head_male = ~a.head_female[hh]
    inherits = (
        (role == CHILD) | (role == MARRIED_CHILD) | ((role == HEAD) & ~female)
        | ((role == PARENT) & ~female & head_male)
    )
    surname = np.select(
        [inherits, role == CHILD_IN_LAW, role == GRANDCHILD],
        [patri[hh], in_law_family[hh], np.where(a.married_child_female[hh], in_law_family[hh],
                                                patri[hh])],
        own,
    )
    birth_order = np.where(
        (role == CHILD) | (role == GRANDCHILD), rank_within(hh * 8 + role),
        rng.integers(0, 4, len(hh)),
    )
    return names.compose(rng, group, female, ymd(birth_days)[0], birth_order, surname)


# --- assembly ---------------------------------------------------------------------------


def make_people(rng: np.random.Generator, villages: Villages, households: Households
                ) -> tuple[People, Families]:
    """Everyone living in `households`, ordered by household, then as listed on the KK."""
    size = households.size
    c = _composition(rng, size)
    a = _household_ages(rng, size, c)
    hh, role, rank = _roles(size, c)
    age_f, female = _person_ages(rng, hh, role, rank, c, a)
    # Sort by household, KK (the married couple's husband heads the second KK), then age.
    role_key = np.where(
        (role == MARRIED_CHILD) & a.married_child_female[hh], CHILD_IN_LAW,
        np.where((role == CHILD_IN_LAW) & a.married_child_female[hh], MARRIED_CHILD, role),
    )
    order = np.lexsort((-age_f, role_key, hh))
    hh, role, rank, age_f, female = hh[order], role[order], rank[order], age_f[order], female[order]

    n_fam = 1 + c.two
    second = role >= MARRIED_CHILD
    family = np.repeat(np.cumsum(n_fam) - n_fam, size) + second
    family_order = rank_within(family) + 1
    families_hh = np.repeat(np.arange(len(size)), n_fam)
    families_second = rank_within(families_hh) == 1

    z = households.z[hh]
    domestic = (role == OTHER) & (z > 1.0) & bernoulli(rng, 0.5, len(hh))
    relation_hh = np.where(domestic, 7, RELATION_TO_HEAD[role])
    parent_code = np.where(bernoulli(rng, 0.5, len(hh)), 7, 8)
    relation_family = np.select(
        [role == HEAD, role == SPOUSE, role == PARENT, role == OTHER,
         np.isin(role, [MARRIED_CHILD, CHILD_IN_LAW])],
        [1, np.where(female, 3, 2), parent_code, np.where(domestic, 10, 9),
         np.where(female, 3, 1)],
        4,
    )
    birth_days = _birth_days(rng, age_f)
    age = age_on_reference(birth_days)
    marital = _marital(rng, role, age, c.spouse[hh] == 1, c.parents[hh] == 2)
    pregnant, disability, illness = _health(rng, female, age, marital)
    part, edu = _schooling(rng, age, z)
    urban = villages.urban[households.village][hh]
    sector, status = _work(rng, age, female, urban, edu, part == 1, disability > 0, z)
    home = villages.district[households.village]
    nik, issue = _niks(rng, villages, home[hh], role, female, birth_days)
    kk = _kks(rng, villages, home[families_hh], families_second)
    regency = pa.array(villages.district_regency.tolist(), pa.string())
    people = People(
        household=hh, family=family, role=role, female=female, birth_days=birth_days, age=age,
        relation_to_household_head=relation_hh, relation_to_family_head=relation_family,
        family_order=family_order, marital_status=marital, pregnant=pregnant,
        disability=disability, chronic_illness=illness, school_participation=part,
        education=edu, work_sector=sector, employment_status=status, issue_district=issue,
        nik=nik, name=_names(rng, villages, hh, role, female, birth_days, households, a),
        birth_place=regency.take(pa.array(issue)),
    )
    return people, Families(household=families_hh, kk=kk)
