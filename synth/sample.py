"""Vectorised sampling helpers shared by the generator's parts."""

import numpy as np


def sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def normal_cdf(x: np.ndarray) -> np.ndarray:
    """Standard normal CDF, logistic approximation (error below 0.01) - plenty for sampling."""
    return sigmoid(1.702 * x)


def bernoulli(rng: np.random.Generator, p: np.ndarray | float, n: int) -> np.ndarray:
    return rng.random(n) < p


def categorical(rng: np.random.Generator, table: np.ndarray, row: np.ndarray) -> np.ndarray:
    """Column index drawn per element from `table[row]` (rows of weights, any scale).

    Rows are laid end to end on one axis, row r spanning (r, r + 1], so a single searchsorted
    samples every element whatever its row."""
    table = np.asarray(table, dtype=np.float64)
    k = table.shape[1]
    cum = np.cumsum(table, axis=1)
    cum = cum / cum[:, -1:]
    flat = (np.arange(table.shape[0])[:, None] + cum).ravel()
    idx = np.searchsorted(flat, row + rng.random(len(row)), side="right")
    return np.minimum(idx - row * k, k - 1)


def choice(rng: np.random.Generator, values: list[int], weights: list[float], n: int) -> np.ndarray:
    """`n` draws of `values` with the given weights."""
    col = categorical(rng, np.array([weights]), np.zeros(n, dtype=np.int64))
    return np.asarray(values)[col]


def ordinal(
    rng: np.random.Generator, latent: np.ndarray, codes: list[int], shares: list[float],
    rho: float = 0.6,
) -> np.ndarray:
    """Codes ordered worst to best, drawn so that a person with latent 0 sees `shares` and a
    higher latent (e.g. consumption) shifts the draw towards the better codes (Gaussian
    copula with correlation `rho`)."""
    score = rho * latent + np.sqrt(1 - rho**2) * rng.standard_normal(len(latent))
    cum = np.cumsum(shares) / np.sum(shares)
    idx = np.searchsorted(cum[:-1], normal_cdf(score), side="right")
    return np.asarray(codes)[idx]


def rank_within(group: np.ndarray) -> np.ndarray:
    """0-based position of each element within its run of equal, sorted `group` values."""
    n = len(group)
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    starts = np.flatnonzero(np.r_[True, group[1:] != group[:-1]])
    run_start = np.repeat(starts, np.diff(np.r_[starts, n]))
    return np.arange(n) - run_start
