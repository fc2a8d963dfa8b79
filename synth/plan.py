"""The household plan of a whole run, drawn before any person: where each household lives, its
size, its latent per-capita consumption and whether the registry sampled it. Cheap (a few
arrays of one value per household), and global, so the registry is the poorest share of the
whole scope rather than of each chunk."""

from dataclasses import dataclass

import numpy as np

from .regions import Villages
from .sample import choice

# Household size 1..10; urban households are a little smaller (national mean about 3.8).
SIZES = list(range(1, 11))
RURAL_SIZE_WEIGHTS = [0.07, 0.16, 0.22, 0.245, 0.16, 0.08, 0.035, 0.017, 0.008, 0.005]
URBAN_SIZE_WEIGHTS = [0.09, 0.17, 0.23, 0.25, 0.15, 0.06, 0.025, 0.013, 0.007, 0.005]
URBAN_VILLAGE_WEIGHT = 2.2  # a kelurahan holds about twice the households of a desa

# Monthly per-capita consumption (rupiah) is log-normal around this median.
MEDIAN_CONSUMPTION = 1_250_000
LOG_SD = 0.6
URBAN_PREMIUM = 0.3
# Log shifts by province (richer Jakarta and Kalimantan Timur, poorer east).
PROVINCE_SHIFT = {
    "31": 0.45, "64": 0.25, "21": 0.2, "19": 0.15, "51": 0.15, "65": 0.15, "14": 0.1,
    "63": 0.1, "13": 0.05, "62": 0.05, "35": -0.05, "16": -0.05, "61": -0.05, "33": -0.1,
    "11": -0.1, "17": -0.1, "18": -0.1, "72": -0.1, "74": -0.1, "75": -0.15, "76": -0.15,
    "82": -0.15, "52": -0.2, "81": -0.25, "53": -0.35, "91": -0.35, "92": -0.35, "93": -0.4,
    "94": -0.45, "95": -0.5, "96": -0.35,
}
REGISTRY_NOISE = 0.2  # how far the registry's view of welfare strays from the truth (log units)
CHUNK_HOUSEHOLDS = 50_000


@dataclass(frozen=True)
class Plan:
    """One entry per household, sorted by village code."""

    village: np.ndarray  # index into Villages
    size: np.ndarray
    consumption: np.ndarray  # rupiah per person per month
    z: np.ndarray  # standardised log consumption: 0 = national median, 1 = one log-sd richer
    registry: np.ndarray  # drawn into the registry
    chunk_bounds: np.ndarray  # household index where each chunk starts, plus the end

    def __len__(self) -> int:
        return len(self.village)


def _villages(rng: np.random.Generator, villages: Villages, n: int) -> np.ndarray:
    weights = np.where(villages.urban, URBAN_VILLAGE_WEIGHT, 1.0)
    weights = weights * rng.lognormal(0.0, 0.4, len(villages))
    counts = rng.multinomial(n, weights / weights.sum())
    return np.repeat(np.arange(len(villages)), counts)


def _chunk_bounds(district: np.ndarray) -> np.ndarray:
    """Chunks hold whole districts, so NIK and KK serials (unique per district) can be
    numbered inside one chunk."""
    n = len(district)
    starts = np.flatnonzero(np.r_[True, district[1:] != district[:-1]])
    chunk_of_start = starts // CHUNK_HOUSEHOLDS
    first = np.flatnonzero(np.r_[True, chunk_of_start[1:] != chunk_of_start[:-1]])
    return np.r_[starts[first], n].astype(np.int64)


def make_plan(rng: np.random.Generator, villages: Villages, n: int, registry_share: float
              ) -> Plan:
    village = _villages(rng, villages, n)
    urban = villages.urban[village]
    size = np.where(
        urban,
        choice(rng, SIZES, URBAN_SIZE_WEIGHTS, n),
        choice(rng, SIZES, RURAL_SIZE_WEIGHTS, n),
    )
    district_shift = np.array([PROVINCE_SHIFT.get(p, 0.0) for p in villages.district_province])
    province_shift = district_shift[villages.district[village]]
    log_c = (
        np.log(MEDIAN_CONSUMPTION) + URBAN_PREMIUM * urban + province_shift
        - 0.25 * np.log(size / 3.8) + rng.normal(0.0, LOG_SD, n)
    )
    score = log_c + rng.normal(0.0, REGISTRY_NOISE, n)
    if registry_share <= 0 or n == 0:
        registry = np.zeros(n, dtype=bool)
    else:
        registry = score <= np.quantile(score, min(registry_share, 1.0))
    return Plan(
        village=village,
        size=size.astype(np.int64),
        consumption=np.round(np.exp(log_c), -3).astype(np.int64),
        z=(log_c - np.log(MEDIAN_CONSUMPTION)) / LOG_SD,
        registry=registry,
        chunk_bounds=_chunk_bounds(villages.district[village]),
    )
