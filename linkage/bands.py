"""Match and review bands derived from the trained model rather than fixed numbers.

A scored pair's match probability is the model's chance that its two records are one entity,
so over a run's pairs the expected number of true pairs above a cut-off is the sum of the
probabilities above it. Every cut-off thus has an expected precision (expected true pairs /
pairs above it) and an expected recall (expected true pairs above it / expected true pairs of
all the pairs scored, those under `linkage.dedup.KEEP_ABOVE` not counted). The match band
starts at the lowest match weight where its expected precision still meets a target; the
review band at the highest weight where the match and review bands together still hold the
recall target. The match band never starts below probability 0.9, the review band never
below even odds. Pairs held back from the match band (two different NIKs) go to review either
way and do not count towards the match band's precision.

The SQL here is plain enough for DuckDB and Spark; `fetch` runs a query and returns its rows.
"""

# ruff: noqa: S608 -- SQL text is built from table names this code chooses; values are floats.

import math
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass

MATCH_PRECISION = 0.999  # expected share of true pairs in the match band
REVIEW_RECALL = 0.999  # expected share of the true pairs in the match and review bands
# Floors whatever the targets. The model's probabilities are least reliable where it is
# unsure, so the many near-certain pairs must not buy a place in the match band for pairs it
# gives less than Splink's usual cut-off, 0.9: on the national synthetic population, people
# of one family sharing a NIK score 0.8 and are strangers. A pair the model finds more likely
# two entities than one (below even odds) is not put before a clerk either: where the model
# sees true pairs in that tail (weak evidence, a list with names and birth dates only), it is
# mostly strangers there; the report then shows the recall target unmet.
MIN_MATCH_WEIGHT = math.log2(0.9 / 0.1)  # probability 0.9
EVEN_ODDS = 0.0
BUCKETS_PER_WEIGHT = 100  # cut-offs are chosen on a grid of 0.01 match weight
BANDS = ("match", "review", "non_match")

Fetch = Callable[[str], Iterable[tuple]]


@dataclass(frozen=True)
class Targets:
    match_precision: float = MATCH_PRECISION
    review_recall: float = REVIEW_RECALL

    def __post_init__(self) -> None:
        for name, value in asdict(self).items():
            if not 0 < value <= 1:
                raise ValueError(f"{name} must be a share between 0 and 1, got {value}")


def weight(probability: float) -> float:
    """Splink's match weight of a match probability (infinite for 1)."""
    if probability >= 1:
        return math.inf
    return math.log2(probability / (1 - probability))


def probability(match_weight: float) -> float:
    return 1.0 if math.isinf(match_weight) else 1 / (1 + 2 ** -match_weight)


def at_least(match_weight: float) -> str:
    """SQL condition: the pair's weight is at least `match_weight` (never, for infinity)."""
    return "false" if math.isinf(match_weight) else \
        f"match_weight >= cast({float(match_weight)!r} as double)"


def model_band_sql(lo: float, hi: float, held: str) -> str:
    """The band the model alone gives a pair: match from weight `hi` unless `held`, review
    from weight `lo`."""
    return (f"case when {at_least(hi)} and not {held} then 'match' "
            f"when {at_least(lo)} then 'review' else 'non_match' end")


def histogram_sql(scored: str, held: str) -> str:
    """Pairs and expected true pairs per 0.01 of match weight, held pairs apart."""
    return (f"select bucket, held, count(*) as pairs, sum(match_probability) as expected "
            f"from (select floor(match_weight * {BUCKETS_PER_WEIGHT}) / {BUCKETS_PER_WEIGHT} "
            f"as bucket, {held} as held, match_probability from {scored}) as weighed "
            f"group by bucket, held")


def summary_sql(scored: str, held: str, lo: float, hi: float) -> str:
    return (f"select band, count(*) as pairs, sum(match_probability) as expected "
            f"from (select {model_band_sql(lo, hi, held)} as band, match_probability "
            f"from {scored}) as banded group by band")


def derive(histogram: Iterable[tuple], targets: Targets) -> tuple[float, float]:
    """(review_from, match_from) match weights from the rows of `histogram_sql`: the lowest
    bucket whose match band keeps the expected precision target (infinity: no match band;
    not below MIN_MATCH_WEIGHT), the highest whose match and review bands keep the recall
    target (at most the match band's start; not below EVEN_ODDS)."""
    rows = sorted(((float(b), bool(h), int(n), float(e)) for b, h, n, e in histogram),
                  reverse=True)
    hi, pairs, expected = math.inf, 0, 0.0
    for bucket, held, n, e in rows:
        if held:
            continue
        pairs, expected = pairs + n, expected + e
        if expected < targets.match_precision * pairs:
            break
        hi = bucket
    hi = max(hi, MIN_MATCH_WEIGHT)
    total = sum(e for *_, e in rows)
    lo, covered = hi, 0.0
    for bucket, _held, _n, e in rows:
        if covered >= targets.review_recall * total:
            break
        covered, lo = covered + e, bucket
    return max(min(lo, hi), EVEN_ODDS), hi


def choose(fetch: Fetch, scored: str, held: str, thresholds: tuple[float, float] | None,
           targets: Targets | None = None) -> dict:
    """The bands of a run's scored pairs (`scored`: a table or parenthesised query with
    match_weight and match_probability; `held`: the SQL condition that keeps a pair out of
    the match band). Derived from the model with `targets` unless `thresholds` = (lo, hi)
    match probabilities are given. Returns `report`'s dict (`weights_of` gives the cut-offs
    back)."""
    if thresholds is not None:
        lo, hi = (weight(t) for t in thresholds)
        targets = None
    else:
        targets = targets or Targets()
        lo, hi = derive(fetch(histogram_sql(scored, held)), targets)
    return report(fetch(summary_sql(scored, held, lo, hi)), lo, hi, targets)


def report(summary: Iterable[tuple], lo: float, hi: float, targets: Targets | None) -> dict:
    """Where each band starts and the pairs, expected true pairs, expected precision and
    expected recall in it (JSON-safe: an infinite weight, no such band, is None)."""
    rows = {band: (int(n), float(e or 0)) for band, n, e in summary}
    total = sum(e for _, e in rows.values())
    bands: dict = {"derived": targets is not None,
                   "targets": asdict(targets) if targets else None,
                   "expected_true_pairs": round(total, 3)}
    for band, start in zip(BANDS, (hi, lo, None), strict=True):
        n, e = rows.get(band, (0, 0.0))
        bands[band] = {
            "pairs": n, "expected_true_pairs": round(e, 3),
            "expected_precision": e / n if n else None,
            "expected_recall": e / total if total else None,
        }
        if start is not None:
            bands[band]["from_weight"] = None if math.isinf(start) else start
            bands[band]["from_probability"] = probability(start)
    return bands


def weights_of(bands: dict) -> tuple[float, float]:
    """(lo, hi) match weights of a `report`."""
    def start(band: str) -> float:
        value = bands[band]["from_weight"]
        return math.inf if value is None else value
    return start("review"), start("match")
